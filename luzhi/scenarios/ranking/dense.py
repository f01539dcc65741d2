"""An optional dense score: a sentence-embedding model from a local directory.

Models are never downloaded: ``SentenceTransformerEncoder`` loads a directory
that an administrator copied onto the machine (``LUZHI_SCENARIOS_MODEL_DIR``)
with the hub switched off, and needs the optional ``sentence-transformers``
package (``pip install luzhi[dense]``). Without a directory LuZhi ranks with
the lexicon, BM25 and the structured fit alone.

An encoder is anything with ``name`` and ``encode(texts) -> ndarray`` returning
one L2-normalised row per text.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np


class ModelUnavailable(RuntimeError):
    """The configured model directory cannot be used (missing, not a model, package absent)."""


class SentenceTransformerEncoder:
    """sentence-transformers loaded from ``path`` only (no hub, no network)."""

    def __init__(self, path: str | os.PathLike):
        path = Path(path)
        if not (path / "config.json").exists() and not (path / "modules.json").exists():
            raise ModelUnavailable(f"{path} is not a sentence-transformers model directory")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # the optional extra is not installed
            raise ModelUnavailable("sentence-transformers is not installed") from exc
        self.name = path.name
        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)

    def encode(self, texts: list[str]) -> np.ndarray:
        vectors = self._model.encode(
            list(texts), batch_size=32, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


def load_encoder(path: str | os.PathLike | None):
    """The encoder for ``path``, or None when no model is configured."""
    if not path:
        return None
    return SentenceTransformerEncoder(path)


def to_bytes(vector: np.ndarray) -> bytes:
    """A float32 vector as bytes (how the index stores an embedding)."""
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=np.float32)
