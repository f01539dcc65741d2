"""Admin for the value checks' rules (the other indicator data is edited on its own pages).

Saving goes through the same service as the rules page (``value_rule_set``), so
the admin enforces the same validation and records the change.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from luzhi.indicators.models import ValueRule
from luzhi.indicators.value_rules import NUMBERS
from luzhi.indicators.value_rules import value_rule_delete
from luzhi.indicators.value_rules import value_rule_set


@admin.register(ValueRule)
class ValueRuleAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "kind", "minimum", "maximum", "max_rise_pct", "max_fall_pct", "max_abs_change", "whole", "is_active"]  # fmt: skip
    list_filter = ["kind", "is_active"]
    search_fields = ["indicator__name", "indicator__code"]
    fields = ["indicator", "kind", *NUMBERS, "whole", "is_active"]

    def save_model(self, request, obj, form, change):
        saved = value_rule_set(
            actor=request.user,
            indicator=obj.indicator,
            kind=obj.kind,
            whole=obj.whole,
            is_active=obj.is_active,
            **{name: getattr(obj, name) for name in NUMBERS},
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        value_rule_delete(actor=request.user, rule=obj)
