"""Forms of the plan pages: the matrix filter, the plan upload, a unit's contact details."""

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from luzhi.accounts.models import Unit

PLAN_UPLOAD_SUFFIXES = (".txt", ".json")


class MatrixFilterForm(forms.Form):
    """Filter the responsibility matrix by action (path like 二/(一)) and by unit.

    Built from the plan's actions and the units that carry tasks, so a path or
    unit id that is not in the plan is a form error, never a query on raw input.
    """

    action = forms.ChoiceField(label=_("行动"), required=False)
    unit = forms.ModelChoiceField(
        label=_("单位"), queryset=Unit.objects.none(), required=False, empty_label=_("全部单位")
    )

    def __init__(self, *args, actions=(), units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("全部行动与举措"))] + [
            (section.path, f"{section.path} {section.title}") for section in actions
        ]
        if units is not None:
            self.fields["unit"].queryset = units

    def filters(self) -> dict:
        """The valid filters (an invalid value is dropped rather than failing the page)."""
        if not self.is_bound:
            return {"action": "", "unit": None}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"action": data.get("action") or "", "unit": data.get("unit")}


class PlanImportForm(forms.Form):
    """Upload a plan text (.txt, UTF-8 or GBK) or its JSON export."""

    file = forms.FileField(
        label=_("计划文件"),
        help_text=_("行动计划原文(.txt,UTF-8 或 GBK 编码)或导出的 JSON 文件(.json)。"),
    )
    create_units = forms.BooleanField(
        label=_("新建未知单位"),
        required=False,
        help_text=_(
            "勾选后,单位别名表中没有的单位名称将新建为单位;不勾选则拒绝导入并列出这些名称。"
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.LUZHI_PLAN_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                gettext("文件过大(%(size)s),上限为 %(limit)s。")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        if upload.size == 0:
            raise forms.ValidationError(gettext("文件是空的。"))
        suffix = PurePath(upload.name or "").suffix.lower()
        if suffix not in PLAN_UPLOAD_SUFFIXES:
            raise forms.ValidationError(gettext("只接受 .txt 或 .json 文件。"))
        return upload

    def read(self) -> tuple[bytes, str]:
        """The uploaded bytes and the file's name (without any client-side directory)."""
        upload = self.cleaned_data["file"]
        return upload.read(), PurePath(upload.name or "").name


class UnitContactForm(forms.Form):
    """A unit's contact person, phone and e-mail (saved by ``unit_update_contact``)."""

    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    contact_email = forms.EmailField(label=_("联系邮箱"), required=False)
