"""Forms of the scenario pages. They shape input; the services validate and decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from luzhi.accounts.models import City
from luzhi.accounts.models import Unit
from luzhi.core.forms import ModelCheckedForm
from luzhi.core.roles import is_plan_office
from luzhi.registry.models import Enterprise
from luzhi.scenarios.models import DESCRIPTION_MAX
from luzhi.scenarios.models import Domain
from luzhi.scenarios.models import EventParty
from luzhi.scenarios.models import EventSlot
from luzhi.scenarios.models import MatchmakingEvent
from luzhi.scenarios.models import Meeting
from luzhi.scenarios.models import RecognitionLevel
from luzhi.scenarios.models import Scenario
from luzhi.scenarios.models import ScenarioBatch
from luzhi.scenarios.models import Solution
from luzhi.scenarios.models.scenarios import TEXT_MAX
from luzhi.scenarios.permissions import enterprise_ids

DESCRIPTION_HELP = _("10 至 %(max)d 个字;超过上限的部分无法输入。") % {"max": DESCRIPTION_MAX}


def _textarea(rows=6, maxlength=DESCRIPTION_MAX):
    return forms.Textarea(attrs={"rows": rows, "maxlength": maxlength})


class BatchForm(ModelCheckedForm):
    check_model = ScenarioBatch

    title = forms.CharField(label=_("名称"), max_length=200)
    collect_until = forms.DateField(label=_("征集截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("说明"), required=False, max_length=2000, widget=_textarea(3, 2000))


class PublishForm(forms.Form):
    published_on = forms.DateField(label=_("发布日期"), widget=forms.DateInput(attrs={"type": "date"}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("场景清单 .xlsx 文件"))


class ScenarioForm(ModelCheckedForm):
    """A scenario's content; the publisher choices are the user's own (all for the plan office)."""

    check_model = Scenario
    check_field_map = {"publisher_unit": "publisher", "publisher_enterprise": "publisher"}

    publisher = forms.ChoiceField(label=_("发布方"))
    kind = forms.ChoiceField(label=_("类别"), choices=Scenario.Kind.choices)
    domain = forms.ModelChoiceField(label=_("应用领域"), queryset=Domain.objects.filter(active=True))
    title = forms.CharField(label=_("场景名称"), max_length=200)
    description = forms.CharField(label=_("场景描述"), widget=_textarea(), help_text=DESCRIPTION_HELP, strip=True)
    city = forms.ModelChoiceField(label=_("所在市"), queryset=City.objects.all(), required=False, empty_label=_("全省"))
    budget_min = forms.DecimalField(label=_("预算下限(万元)"), required=False, min_value=0, max_digits=12, decimal_places=2)
    budget_max = forms.DecimalField(label=_("预算上限(万元)"), required=False, min_value=0, max_digits=12, decimal_places=2)
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    contact_email = forms.EmailField(label=_("联系邮箱"), required=False)

    def __init__(self, *args, user, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        if is_plan_office(user):
            choices += [(f"u{u.pk}", u.display_name) for u in Unit.objects.filter(kind__in=["provincial", "city"])]
        elif getattr(user, "unit_id", None):
            choices.append((f"u{user.unit_id}", str(user.unit)))
        choices += [(f"e{e.pk}", e.name) for e in Enterprise.objects.filter(pk__in=enterprise_ids(user))]
        self.fields["publisher"].choices = choices
        if editing:
            del self.fields["publisher"]

    def check_values(self) -> dict:
        values = self.values()
        if self.cleaned_data.get("publisher"):
            values |= self.publisher_values()
        return values

    def publisher_values(self) -> dict:
        value = self.cleaned_data.get("publisher", "")
        if value.startswith("u"):
            return {"publisher_unit": Unit.objects.get(pk=int(value[1:]))}
        return {"publisher_enterprise": Enterprise.objects.get(pk=int(value[1:]))}

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "publisher"}


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("未入选原因"), max_length=2000)


class SolutionForm(ModelCheckedForm):
    check_model = Solution

    provider = forms.ModelChoiceField(label=_("提供企业"), queryset=Enterprise.objects.none())
    title = forms.CharField(label=_("方案名称"), max_length=200)
    description = forms.CharField(label=_("方案描述"), widget=_textarea(), help_text=DESCRIPTION_HELP)
    domains = forms.ModelMultipleChoiceField(
        label=_("应用领域"), queryset=Domain.objects.filter(active=True), widget=forms.CheckboxSelectMultiple
    )
    capabilities = forms.CharField(label=_("核心能力"), required=False, widget=_textarea(3, TEXT_MAX))
    reference_cases = forms.CharField(label=_("应用案例"), required=False, widget=_textarea(3, TEXT_MAX))
    publish = forms.BooleanField(label=_("立即发布(参与匹配并公开)"), required=False)

    def __init__(self, *args, user, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Enterprise.objects.all() if is_plan_office(user) else Enterprise.objects.filter(pk__in=enterprise_ids(user))
        self.fields["provider"].queryset = qs.order_by("name")
        if editing:
            del self.fields["provider"]
            del self.fields["publish"]


class RecognitionForm(forms.Form):
    level = forms.ModelChoiceField(label=_("认定等级"), queryset=RecognitionLevel.objects.all())
    body = forms.CharField(label=_("认定机构"), max_length=100)
    doc_number = forms.CharField(label=_("文号"), max_length=100)
    recognised_on = forms.DateField(label=_("认定日期"), widget=forms.DateInput(attrs={"type": "date"}))


class EventForm(ModelCheckedForm):
    check_model = MatchmakingEvent

    title = forms.CharField(label=_("名称"), max_length=200)
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    city = forms.ModelChoiceField(label=_("举办地"), queryset=City.objects.all(), required=False)
    venue = forms.CharField(label=_("地点"), max_length=200, required=False)
    tables = forms.IntegerField(label=_("洽谈桌数"), min_value=1, max_value=500, initial=10)
    meeting_limit = forms.IntegerField(label=_("每方默认洽谈上限"), min_value=1, max_value=50, initial=4)
    slots = forms.CharField(
        label=_("洽谈时段"), widget=forms.Textarea(attrs={"rows": 4}),
        initial="09:00-09:30\n09:30-10:00\n10:00-10:30\n10:30-11:00",
        help_text=_("每行一个时段,如 09:00-09:30。"),
    )
    description = forms.CharField(label=_("说明"), required=False, max_length=3000, widget=_textarea(3, 3000))

    def clean_slots(self):
        from datetime import time

        slots = []
        for number, line in enumerate(self.cleaned_data["slots"].splitlines(), start=1):
            line = line.strip().replace("—", "-").replace("–", "-").replace("~", "-")
            if not line:
                continue
            try:
                start, end = (time.fromisoformat(part.strip()) for part in line.split("-", 1))
            except ValueError:
                raise forms.ValidationError(_("第%(n)d行“%(line)s”不是“09:00-09:30”的形式。") % {"n": number, "line": line}) from None
            slots.append((start, end))
        if not slots:
            raise forms.ValidationError(_("请至少设置一个洽谈时段。"))
        return slots


class RegisterForm(forms.Form):
    """Register a party: whom (own unit/enterprise, or any for the organiser) and on which side."""

    party = forms.ChoiceField(label=_("参会方"))
    side = forms.ChoiceField(label=_("角色"), choices=EventParty.Side.choices)
    max_meetings = forms.IntegerField(label=_("洽谈上限"), min_value=1, max_value=50, required=False)

    def __init__(self, *args, user, organiser=False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        if organiser:
            choices += [(f"u{u.pk}", u.display_name) for u in Unit.objects.filter(kind__in=["provincial", "city"])]
            choices += [(f"e{e.pk}", e.name) for e in Enterprise.objects.order_by("name")[:500]]
        else:
            if getattr(user, "unit_id", None):
                choices.append((f"u{user.unit_id}", str(user.unit)))
            choices += [(f"e{e.pk}", e.name) for e in Enterprise.objects.filter(pk__in=enterprise_ids(user))]
        self.fields["party"].choices = choices

    def organisation(self) -> dict:
        value = self.cleaned_data["party"]
        if value.startswith("u"):
            return {"unit": Unit.objects.get(pk=int(value[1:]))}
        return {"enterprise": Enterprise.objects.get(pk=int(value[1:]))}


class MeetingAddForm(forms.Form):
    slot = forms.ModelChoiceField(label=_("时段"), queryset=EventSlot.objects.none())
    demand = forms.ModelChoiceField(label=_("场景方"), queryset=EventParty.objects.none())
    supply = forms.ModelChoiceField(label=_("供给方"), queryset=EventParty.objects.none())

    def __init__(self, *args, event: MatchmakingEvent, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = event.slots.all()
        self.fields["demand"].queryset = event.parties.filter(side=EventParty.Side.DEMAND)
        self.fields["supply"].queryset = event.parties.filter(side=EventParty.Side.SUPPLY)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("洽谈结果"), choices=[c for c in Meeting.Outcome.choices if c[0]])
    note = forms.CharField(label=_("结果说明"), max_length=2000, required=False)
