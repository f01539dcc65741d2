"""Change history (django-simple-history) as API entries: who, when, what, why.

Every plan-data viewset mixes in :class:`HistoryMixin`, which adds
``GET /api/<resource>/{id}/history/``. User names are hidden from the public,
and fields the asking user may not see (a unit's contact details) are left out.
"""

from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}
# Bookkeeping fields every record has; a change to them alone is not news.
IGNORED_FIELDS = frozenset({"created_at", "updated_at"})


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


def _jsonable(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _summary(record) -> str:
    alias = getattr(record, "alias", None)  # UnitAlias.__str__ would query its unit
    if isinstance(alias, str):
        return alias
    return str(record.instance)


def history_entries(records, *, user, hidden_fields=frozenset()) -> list[dict]:
    """Turn historical records (of one or several objects) into entries, newest first.

    Each record is compared with the previous record of the same object;
    ``hidden_fields`` never appear in the changes.
    """
    show_user = bool(user and user.is_authenticated)
    by_object: dict[tuple, list] = {}
    for record in records:
        opts = record.instance_type._meta
        key = (opts.label, getattr(record, opts.pk.attname))
        by_object.setdefault(key, []).append(record)
    entries = []
    for (_label, object_id), versions in by_object.items():
        versions.sort(key=lambda r: (r.history_date, r.history_id))
        previous = None
        for record in versions:
            changes = []
            if previous is not None and record.history_type == "~":
                delta = record.diff_against(
                    previous, excluded_fields=IGNORED_FIELDS | set(hidden_fields)
                )
                changes = [
                    {"field": c.field, "old": _jsonable(c.old), "new": _jsonable(c.new)}
                    for c in delta.changes
                ]
            history_user = record.history_user if show_user else None
            entries.append(
                {
                    "id": record.history_id,
                    "model": record.instance_type._meta.model_name,
                    "object_id": object_id,
                    "date": record.history_date,
                    "type": HISTORY_TYPES.get(record.history_type, record.history_type),
                    "user": history_user.get_username() if history_user else None,
                    "reason": record.history_change_reason or None,
                    "summary": _summary(record),
                    "changes": changes,
                }
            )
            previous = record
    entries.sort(key=lambda e: (e["date"], e["id"]), reverse=True)
    return entries


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
