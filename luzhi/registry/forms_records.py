"""Forms of the platform, talent, project, achievement and algorithm-product pages.

The forms only parse what was posted (types, choices, a city, a provider);
every rule (dates not in the future, money not negative, TRL 1–9, a released
product's date, who may write) lives in ``registry/services/records.py``, whose
``ValidationError`` is keyed by these field names and put next to the field by
``add_service_errors``. Field labels come from the models, so they are the
models' translatable verbose names.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from luzhi.accounts.models import City
from luzhi.core.forms import ModelCheckedForm
from luzhi.registry import permissions as policies
from luzhi.registry.models import Achievement
from luzhi.registry.models import AlgorithmProduct
from luzhi.registry.models import Enterprise
from luzhi.registry.models import Platform
from luzhi.registry.models import Project
from luzhi.registry.models import Talent
from luzhi.registry.services.records import ACHIEVEMENT_FIELDS
from luzhi.registry.services.records import ALGORITHM_PRODUCT_FIELDS
from luzhi.registry.services.records import PLATFORM_FIELDS
from luzhi.registry.services.records import PROJECT_FIELDS
from luzhi.registry.services.records import TALENT_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
REASON_HELP = _("可选;写入变更记录。")


class RecordForm(ModelCheckedForm):
    """A record's editable fields, built from the model's fields, plus an optional reason.

    The model's own checks (dates not in the future, TRL 1–9, …) run with the form's, so
    every error shows on the first submit (``ModelCheckedForm``)."""

    model = None
    field_names: tuple[str, ...] = ()

    reason = forms.CharField(
        label=_("修改原因"), max_length=100, required=False, help_text=REASON_HELP
    )

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(instance, f"{name}_id" if name in ("city", "provider") else name)
                for name in self.field_names
            }
        super().__init__(*args, **kwargs)
        self.instance = instance
        if "city" in self.fields:
            self.fields["city"].queryset = City.objects.all()

    @property
    def check_model(self):
        return self.model

    def values(self) -> dict:
        """The parsed record fields (without the reason), as the services take them."""
        return {name: self.cleaned_data[name] for name in self.field_names}

    def changes(self) -> dict:
        """Only the fields whose value differs from the record's (for ``<entity>_update``)."""
        values = self.values()
        return {k: v for k, v in values.items() if getattr(self.instance, k) != v}


def _record_form(model, names: tuple[str, ...], widgets: dict | None = None) -> type[RecordForm]:
    fields = forms.fields_for_model(model, fields=names, widgets=widgets or {})
    for field in fields.values():
        # The services give the message when a required field is missing, but the browser may help.
        field.widget.attrs.setdefault("autocomplete", "off")
    attrs = {**fields, "model": model, "field_names": names}
    form = type(f"{model.__name__}Form", (RecordForm,), attrs)
    # Put the reason last.
    form.base_fields = {**fields, "reason": RecordForm.base_fields["reason"]}
    return form


PlatformForm = _record_form(Platform, PLATFORM_FIELDS, {"approved_on": DATE})
TalentForm = _record_form(Talent, TALENT_FIELDS)
ProjectForm = _record_form(Project, PROJECT_FIELDS)
AchievementForm = _record_form(Achievement, ACHIEVEMENT_FIELDS, {"achieved_on": DATE})
_AlgorithmBase = _record_form(
    AlgorithmProduct,
    ALGORITHM_PRODUCT_FIELDS,
    {"released_on": DATE, "description": forms.Textarea(attrs={"rows": 5})},
)


class ProviderField(forms.Field):
    """The plan office names a provider by its credit code (the library is too big for a select)."""

    widget = forms.TextInput(attrs={"maxlength": 18, "class": "mono"})

    def to_python(self, value):
        text = str(value or "").strip().upper()
        if not text:
            return None
        provider = Enterprise.objects.filter(credit_code=text).first()
        if provider is None:
            raise forms.ValidationError(
                _("没有统一社会信用代码为“%(code)s”的企业。"), params={"code": text}, code="invalid"
            )
        return provider


class AlgorithmProductForm(_AlgorithmBase):
    """An enterprise user chooses among their own enterprises; the plan office types a credit code."""

    def __init__(self, *args, user=None, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        if policies.algorithm_products.can(user, "approve"):
            self.fields["provider"] = ProviderField(
                label=_("提供企业(统一社会信用代码)"),
                help_text=_("18 位统一社会信用代码。"),
            )
            if instance is not None and not self.is_bound:
                self.initial["provider"] = instance.provider.credit_code
        else:
            self.fields["provider"].queryset = (
                Enterprise.objects.filter(members=user)
                if user and user.is_authenticated
                else Enterprise.objects.none()
            )
        # Keep the reason last after replacing the provider field.
        self.fields["reason"] = self.fields.pop("reason")


class PlatformStateForm(forms.Form):
    """Change a platform's state, with a reason."""

    state = forms.ChoiceField(label=_("新状态"), choices=Platform.State.choices)
    reason = forms.CharField(label=_("原因"), max_length=100, required=False)


class AchievementReviewForm(forms.Form):
    """Record an expert review of an achievement."""

    original_major = forms.BooleanField(label=_("认定为原创性重大科技成果"), required=False)
    reviewed_on = forms.DateField(label=_("专家评审日期"), required=False, widget=DATE)
    reason = forms.CharField(
        label=_("评审依据"),
        max_length=100,
        required=False,
        help_text=_("例如评审会议、专家组意见文号。"),
    )


class DecisionForm(forms.Form):
    """Approve or reject a submitted algorithm product."""

    action = forms.ChoiceField(choices=[("approve", _("通过")), ("reject", _("驳回"))])
    reason = forms.CharField(label=_("审核意见"), max_length=100, required=False)
