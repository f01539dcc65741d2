"""The seed accelerator catalogue and default counting convention (data/accelerators.json).

Migration 0002 loads them into a new database; :func:`catalogue_seed` loads them
again where a database was emptied (demo reset, tests that flush).
"""

from __future__ import annotations

import json
from pathlib import Path

from luzhi.compute.models import AcceleratorModel
from luzhi.compute.models import CountingConvention
from luzhi.compute.models import Precision

DATA = Path(__file__).resolve().parent / "data" / "accelerators.json"
CONVENTION_SOURCE = (
    "默认口径(docs/compute.md):智能算力按 FP16、通用算力按 FP32、超算算力按 FP64 的稠密峰值计;"
    "三类算力分别计量、合计为总算力的做法见中国信息通信研究院《中国算力发展指数白皮书》。"
)


def catalogue_cards() -> list[dict]:
    return json.loads(DATA.read_text("utf-8"))["accelerators"]


def catalogue_seed() -> int:
    """Create the seed cards and default conventions that are missing; returns cards created."""
    for kind, precision in CountingConvention.DEFAULTS.items():
        CountingConvention.objects.get_or_create(
            kind=kind, defaults={"precision": precision, "source": CONVENTION_SOURCE}
        )
    created = 0
    for card in catalogue_cards():
        figures = {p: card[p] for p in Precision.values}
        _obj, made = AcceleratorModel.objects.get_or_create(
            vendor=card["vendor"], name=card["name"],
            defaults={
                **figures, "origin": card["origin"], "memory_gb": card["memory_gb"],
                "sources": {p: card["source"] for p, v in figures.items() if v is not None},
                "notes": card["notes"],
            },
        )
        created += made
    return created
