"""The plan office's page of an indicator's value checks (校验规则): list, set, remove.

A thin view over ``luzhi.indicators.value_rules``; the checks themselves run when
a value is reported (``luzhi.indicators.checks``).
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from luzhi.core.submit import submit
from luzhi.core.views import plan_office_only
from luzhi.indicators.forms import ValueRuleForm
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import ValueRule
from luzhi.indicators.value_rules import value_rule_delete
from luzhi.indicators.value_rules import value_rule_set


@require_http_methods(["GET", "POST"])
def value_rules_edit(request, code: str):
    """An indicator's value checks: the rules in force, a form to set one, a button to remove."""
    indicator = get_object_or_404(Indicator, code=code)
    if (refused := plan_office_only(request, _("只有专项办可以配置指标。"))) is not None:
        return refused
    rules = ValueRule.objects.filter(indicator=indicator).select_related("whole")
    form = ValueRuleForm(
        request.POST if request.method == "POST" and "delete" not in request.POST else None,
        indicator=indicator,
    )
    back = reverse("indicators:value_rules", args=[indicator.code])
    if request.method == "POST" and "delete" in request.POST:
        rule = get_object_or_404(rules, pk=request.POST.get("delete"))
        value_rule_delete(actor=request.user, rule=rule)
        messages.success(request, _("已删除规则:%s。") % rule.get_kind_display())
        return redirect(back)
    # The form's fields are the rule's: kind, limits, whole, is_active.
    saved = submit(
        request,
        form,
        lambda data: value_rule_set(actor=request.user, indicator=indicator, **data),
        done=lambda rule: _("已保存规则:%s。") % rule.get_kind_display(),
        then=back,
    )
    if saved is not None:
        return saved
    context = {"indicator": indicator, "rules": rules, "form": form}
    return render(request, "indicators/value_rules.html", context)
