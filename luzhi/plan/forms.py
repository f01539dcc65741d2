"""Forms of the plan pages: the plan upload and a unit's contact details (the matrix's
filter form is its FilterSet's, ``luzhi.plan.filters.AssignmentUnitFilter``)."""

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

PLAN_UPLOAD_SUFFIXES = (".txt", ".json")


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
