"""Forms of the enterprise pages. They only parse input; the services validate and save.

Plain forms rather than ModelForms: a ModelForm's validation writes into the
instance, and the services must see the record as it was to record the change.
Service errors are attached next to their fields by ``add_service_errors``.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luzhi.accounts.models import City
from luzhi.accounts.models import User
from luzhi.core.forms import ModelCheckedForm
from luzhi.registry.credit_code import normalize_credit_code
from luzhi.registry.models import Enterprise
from luzhi.registry.models import EnterpriseYear
from luzhi.registry.models import Platform
from luzhi.registry.models import Qualification
from luzhi.registry.models import RecordStatus
from luzhi.registry.models import Segment
from luzhi.registry.models import TierRule

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER = forms.TextInput(attrs={"inputmode": "decimal"})


class EnterpriseForm(ModelCheckedForm):
    """An enterprise's record (the credit code is checked by the model, with the check character)."""

    check_model = Enterprise

    name = forms.CharField(label=_("企业名称"), max_length=200)
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=40,
        help_text=_("18 位,可含大写字母(不用 I、O、Z、S、V);全角或小写会自动转换。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    city = forms.ModelChoiceField(label=_("所在市"), queryset=City.objects.all(), empty_label="—")
    segment = forms.ChoiceField(label=_("产业环节"), choices=[("", "—"), *Segment.choices])
    founded_on = forms.DateField(label=_("成立日期"), required=False, widget=DATE)
    hard_tech = forms.BooleanField(label=_("入库硬科技企业库"), required=False)
    hard_tech_since = forms.DateField(label=_("入库日期"), required=False, widget=DATE)
    incubator = forms.ModelChoiceField(
        label=_("孵化载体"),
        queryset=Platform.objects.filter(
            kind=Platform.Kind.INCUBATOR, status=RecordStatus.APPROVED
        ).order_by("name"),
        required=False,
        empty_label=_("无"),
    )
    incubated_on = forms.DateField(label=_("孵化入驻日期"), required=False, widget=DATE)

    @classmethod
    def initial_for(cls, enterprise) -> dict:
        return {name: getattr(enterprise, name) for name in cls.base_fields}

    def check_values(self) -> dict:
        values = dict(self.cleaned_data)
        if "credit_code" in values:  # as the service folds it before checking
            values["credit_code"] = normalize_credit_code(values["credit_code"])
        return values


class ReviewForm(forms.Form):
    """The plan office's decision on a pending enterprise."""

    APPROVE, REJECT = "approve", "reject"
    action = forms.ChoiceField(choices=[(APPROVE, _("通过")), (REJECT, _("驳回"))])
    comment = forms.CharField(label=_("审核意见"), required=False, max_length=2000)


class EnterpriseYearForm(ModelCheckedForm):
    """One year's figures (万元). Negative amounts are refused by the model, with its message."""

    check_model = EnterpriseYear

    year = forms.IntegerField(label=_("年度"), min_value=1949)
    revenue = forms.DecimalField(
        label=_("营业收入(万元)"), max_digits=16, decimal_places=2, widget=NUMBER
    )
    ai_core_revenue = forms.DecimalField(
        label=_("人工智能核心产业收入(万元)"),
        max_digits=16,
        decimal_places=2,
        initial=0,
        widget=NUMBER,
    )
    rd_spend = forms.DecimalField(
        label=_("研发投入(万元)"), max_digits=16, decimal_places=2, initial=0, widget=NUMBER
    )
    employees = forms.IntegerField(label=_("从业人员"), initial=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].max_value = timezone.localdate().year
        self.fields["year"].widget.attrs["max"] = timezone.localdate().year


class QualificationForm(ModelCheckedForm):
    """A qualification with its certificate."""

    check_model = Qualification

    kind = forms.ChoiceField(label=_("资质"), choices=Qualification.Kind.choices)
    certificate_no = forms.CharField(label=_("证书编号"), max_length=60, required=False)
    granted_on = forms.DateField(label=_("认定日期"), widget=DATE)
    expires_on = forms.DateField(label=_("有效期至"), required=False, widget=DATE)


class MemberForm(forms.Form):
    """Bind an enterprise user (by user name) to an enterprise."""

    username = forms.CharField(label=_("企业用户的用户名"), max_length=150)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=username).first()
        if user is None:
            raise forms.ValidationError(_("没有用户名为“%s”的用户。") % username)
        self.cleaned_data["user"] = user
        return username


class TierRuleForm(forms.Form):
    """A tier rule: the qualification it proposes and its conditions, one field each.

    Left empty, a condition does not apply. The R&D ratio is entered as a
    percentage and stored as a fraction.
    """

    kind = forms.ChoiceField(label=_("拟认定资质"), choices=Qualification.Kind.choices)
    name = forms.CharField(label=_("规则名称"), max_length=100)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    min_revenue = forms.DecimalField(label=_("营业收入不低于(万元)"), required=False, widget=NUMBER)
    min_ai_core_revenue = forms.DecimalField(
        label=_("人工智能核心产业收入不低于(万元)"), required=False, widget=NUMBER
    )
    min_rd_pct = forms.DecimalField(
        label=_("研发投入占比不低于(%)"),
        required=False,
        widget=NUMBER,
        max_digits=6,
        decimal_places=2,
    )
    min_employees = forms.IntegerField(label=_("从业人员不少于"), required=False)
    max_age_years = forms.IntegerField(label=_("成立不超过(年)"), required=False)
    segments = forms.MultipleChoiceField(
        label=_("产业环节(任一)"),
        choices=Segment.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    requires = forms.MultipleChoiceField(
        label=_("须已具备的资质"),
        choices=Qualification.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    hard_tech = forms.ChoiceField(
        label=_("硬科技企业库"),
        choices=[("", _("不限")), ("true", _("须已入库"))],
        required=False,
    )

    @classmethod
    def initial_for(cls, rule: TierRule) -> dict:
        c = rule.conditions or {}
        ratio = c.get("min_rd_ratio")
        return {
            "kind": rule.kind,
            "name": rule.name,
            "active": rule.active,
            "min_revenue": c.get("min_revenue"),
            "min_ai_core_revenue": c.get("min_ai_core_revenue"),
            "min_rd_pct": round(ratio * 100, 2) if ratio is not None else None,
            "min_employees": c.get("min_employees"),
            "max_age_years": c.get("max_age_years"),
            "segments": c.get("segments", []),
            "requires": c.get("requires", []),
            "hard_tech": "true" if c.get("hard_tech") else "",
        }

    def clean(self):
        """The conditions are checked by the service's own validator here too, so their errors
        show with the form's (a blank name and a 150 % ratio on one submit)."""
        from django.core.exceptions import ValidationError

        from luzhi.registry.tiers import validate_conditions

        cleaned = super().clean()
        conditions = set(self.fields) - {"kind", "name", "active"}
        if conditions & set(self.errors):
            return cleaned  # a threshold that is no number is named already; the rest next time
        try:
            validate_conditions(self.conditions(), kind=cleaned.get("kind"))
        except ValidationError as exc:
            for message in exc.message_dict.get("conditions", exc.messages):
                self.add_error(None, message)
        return cleaned

    def conditions(self) -> dict:
        """The conditions as the service takes them (the service validates them)."""
        data = self.cleaned_data
        conditions: dict = {}
        for key in ("min_revenue", "min_ai_core_revenue"):
            if data.get(key) is not None:
                value = data[key]
                conditions[key] = int(value) if value == value.to_integral_value() else float(value)
        if data.get("min_rd_pct") is not None:
            conditions["min_rd_ratio"] = float(data["min_rd_pct"] / 100)
        for key in ("min_employees", "max_age_years"):
            if data.get(key) is not None:
                conditions[key] = data[key]
        for key in ("segments", "requires"):
            if data.get(key):
                conditions[key] = list(data[key])
        if data.get("hard_tech") == "true":
            conditions["hard_tech"] = True
        return conditions


class DecisionForm(forms.Form):
    """Accept or reject a tier proposal."""

    ACCEPT, REJECT = "accept", "reject"
    action = forms.ChoiceField(choices=[(ACCEPT, _("采纳")), (REJECT, _("不采纳"))])
    comment = forms.CharField(label=_("意见"), required=False, max_length=500)
