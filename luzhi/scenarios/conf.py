"""The scenario app's settings, from environment variables (or Django settings of the same
name, which tests override).

``LUZHI_SCENARIOS_MODEL_DIR``: a local sentence-transformers model directory. When
set (and the optional ``sentence-transformers`` package is installed), matching
fuses a dense score with BM25 by reciprocal rank. Never downloaded: without it
LuZhi ranks with the lexicon, BM25 and the structured fit.
"""

import os

from django.conf import settings


def model_dir() -> str:
    """The configured embedding model directory, or "" for none."""
    return getattr(settings, "LUZHI_SCENARIOS_MODEL_DIR", None) or os.environ.get(
        "LUZHI_SCENARIOS_MODEL_DIR", ""
    )
