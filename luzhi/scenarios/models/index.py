"""The match index: each matchable scenario and solution as tokens, kept by a background task."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MatchDocument(models.Model):
    """One record as the ranker sees it: its concept tokens (jieba + the domain lexicon),
    domain codes and city, and optionally its embedding from the configured model.

    Rows are written by ``services.index`` (from a background task when a record
    changes, or by ``luzhi scenarios reindex``); each process builds its in-memory
    BM25 index from them and rebuilds it when they change (``matching.py``).
    """

    class Kind(models.TextChoices):
        SCENARIO = "scenario", _("场景")
        SOLUTION = "solution", _("方案")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    tokens = models.JSONField(default=list)
    domains = models.JSONField(default=list)
    city = models.CharField(max_length=6, blank=True)
    embedding = models.BinaryField(null=True, blank=True)
    model = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="matchdocument_unique")]
        verbose_name = _("匹配索引条目")
        verbose_name_plural = _("匹配索引条目")

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"
