"""Change history (django-simple-history) as API entries: who, when, what, why.

The entries come from :mod:`luzhi.core.history`, the same rows the pages show.

Every plan-data viewset mixes in :class:`HistoryMixin`, which adds
``GET /api/<resource>/{id}/history/``. User names are hidden from the public,
and fields the asking user may not see (a unit's contact details) are left out.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from luzhi.core.history import HISTORY_TYPES
from luzhi.core.history import record_entries


class HistoryChangeSerializer(serializers.Serializer):
    """One changed field of one historical record."""

    field = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class HistoryEntrySerializer(serializers.Serializer):
    """One change to a record: who (hidden from the public), when, what kind, why, which fields."""

    id = serializers.IntegerField(help_text=_("历史记录编号"))
    model = serializers.CharField(help_text=_("记录类型, 如 target、assignmentunit"))
    object_id = serializers.IntegerField()
    date = serializers.DateTimeField()
    type = serializers.ChoiceField(choices=sorted(HISTORY_TYPES.values()))
    user = serializers.CharField(allow_null=True, help_text=_("操作人用户名(匿名访问时隐藏)"))
    reason = serializers.CharField(allow_null=True)
    summary = serializers.CharField()
    changes = HistoryChangeSerializer(many=True)


def _summary(record) -> str:
    alias = getattr(record, "alias", None)  # UnitAlias.__str__ would query its unit
    if isinstance(alias, str):
        return alias
    return str(record.instance)


def history_entries(records, *, user, hidden_fields=frozenset()) -> list[dict]:
    """Historical records as API entries (dicts for :class:`HistoryEntrySerializer`), newest first."""
    return [
        {
            "id": e.id,
            "model": e.model,
            "object_id": e.object_id,
            "date": e.date,
            "type": e.type,
            "user": e.user,
            "reason": e.reason,
            "summary": e.summary,
            "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in e.changes],
        }
        for e in record_entries(records, user=user, hidden_fields=hidden_fields, summary=_summary)
    ]


class HistoryMixin:
    """Adds ``GET {id}/history/``: the record's change history, readable by everyone."""

    def get_history_records(self, obj) -> list:
        """The historical records to show for ``obj`` (override to add related records)."""
        return list(obj.history.select_related("history_user"))

    def get_history_hidden_fields(self, obj) -> set[str]:
        """Fields the requesting user may not see in the history of ``obj``."""
        return set()

    @extend_schema(
        summary="Change history of the record",
        responses=HistoryEntrySerializer(many=True),
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request, pk=None):
        obj = self.get_object()
        entries = history_entries(
            self.get_history_records(obj),
            user=request.user,
            hidden_fields=self.get_history_hidden_fields(obj),
        )
        return Response(HistoryEntrySerializer(entries, many=True).data)
