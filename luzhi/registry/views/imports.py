"""Registry spreadsheets: import (upload → dry-run report → confirm → result), export, template.

The import is two steps. The upload is validated by a dry run and, when it is
clean, kept in a temporary file whose random token is stored in the user's
session; "确认导入" re-runs the import for real on that same file (so the file
that was checked is the file that is written, and nobody re-uploads). The real
run validates again — the registry may have changed in between — and is all or
nothing. A token is single-use and only valid in the session that made it;
files older than a day are swept on the next upload. The temporary directory
(``LUZHI_REGISTRY_IMPORT_DIR``) must be shared by all web workers of a host.

Routes (namespace ``registry``), under each list page's prefix (enterprises,
platforms, talent, projects, achievements, algorithms):
``<prefix>/import/`` (``registry:import``), ``<prefix>/export.xlsx``
(``registry:export``), ``<prefix>/template.xlsx`` (``registry:template``);
reverse them with the prefix, e.g. ``{% url 'registry:export' 'enterprises' %}``.
"""

import secrets
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import NoReverseMatch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luzhi.core.views import forbidden
from luzhi.core.views import plan_office_only
from luzhi.registry.services.imports import MAX_ROWS
from luzhi.registry.services.imports import registry_export
from luzhi.registry.services.imports import registry_import
from luzhi.registry.services.imports import registry_template
from luzhi.registry.services.imports import visible_records
from luzhi.registry.specs import KINDS
from luzhi.registry.specs import by_prefix

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_KEY = "registry_import"
MAX_ERRORS_SHOWN = 2_000


def upload_limit() -> int:
    return getattr(settings, "LUZHI_REGISTRY_UPLOAD_MAX_BYTES", 50 * 1024 * 1024)


def import_dir() -> Path:
    default = Path(tempfile.gettempdir()) / "luzhi-registry-imports"
    path = Path(getattr(settings, "LUZHI_REGISTRY_IMPORT_DIR", default))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel 文件(.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + XLSX}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 文件(Excel 2007 及以上版本)。"))
        if upload.size > upload_limit():
            raise forms.ValidationError(
                _("文件超过 %(limit)d MB 的上限,请拆分后分批导入。")
                % {"limit": upload_limit() // (1024 * 1024)}
            )
        return upload


def _list_url(registry: str) -> str:
    try:
        return reverse(KINDS[registry].list_url)
    except NoReverseMatch:
        return reverse("registry:index")


def _prefix(registry: str) -> str:
    return KINDS[registry].prefix


def _title(registry: str) -> str:
    return str(KINDS[registry].resource.title)


def _plan_office_only(request):
    return plan_office_only(request, _("只有专项办可以导入登记数据。"))


def _sweep(directory: Path) -> None:
    """Remove validated files nobody confirmed within a day."""
    cutoff = time.time() - 24 * 3600
    for path in directory.glob("*.xlsx"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def _pending(request, registry: str) -> dict | None:
    entry = request.session.get(SESSION_KEY, {}).get(registry)
    if entry and (import_dir() / f"{entry['token']}.xlsx").exists():
        return entry
    return None


def _forget(request, registry: str) -> None:
    entries = request.session.get(SESSION_KEY, {})
    entry = entries.pop(registry, None)
    if entry:
        (import_dir() / f"{entry['token']}.xlsx").unlink(missing_ok=True)
    request.session[SESSION_KEY] = entries


def import_view(request, prefix: str):
    """Upload → dry-run report with every row error → 确认导入 → result."""
    registry = by_prefix(prefix).slug
    if (refused := _plan_office_only(request)) is not None:
        return refused
    form = UploadForm()
    report = None
    if request.method == "POST" and request.POST.get("action") == "confirm":
        return _confirm(request, registry)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            _forget(request, registry)
            report = registry_import(
                actor=request.user, registry=registry, upload=upload, dry_run=True
            )
            if report.ok:
                directory = import_dir()
                _sweep(directory)
                token = secrets.token_urlsafe(18)
                with open(directory / f"{token}.xlsx", "wb") as out:
                    for chunk in upload.chunks():
                        out.write(chunk)
                entries = request.session.get(SESSION_KEY, {})
                entries[registry] = {"token": token, "name": report.file_name, "rows": report.rows}
                request.session[SESSION_KEY] = entries
    context = _context(request, registry, form=form, report=report)
    context["pending"] = _pending(request, registry) if report is not None and report.ok else None
    return render(request, "registry/import.html", context)


def _confirm(request, registry: str):
    entry = _pending(request, registry)
    if entry is None or request.POST.get("token") != entry["token"]:
        context = _context(request, registry, form=UploadForm())
        context["expired"] = True
        return render(request, "registry/import.html", context, status=409)
    path = import_dir() / f"{entry['token']}.xlsx"
    report = registry_import(
        actor=request.user, registry=registry, upload=path, dry_run=False, file_name=entry["name"]
    )
    _forget(request, registry)
    if not report.ok:  # the registry changed since the dry run: nothing was written
        context = _context(request, registry, form=UploadForm(), report=report)
        return render(request, "registry/import.html", context, status=409)
    request.session["registry_import_result"] = {
        "registry": registry,
        "created": report.created,
        "name": entry["name"],
        "seconds": round(report.seconds, 1),
        "at": timezone.now().isoformat(),
    }
    return redirect("registry:import", prefix=_prefix(registry))


def _context(request, registry, *, form, report=None) -> dict:
    result = None
    if request.method == "GET":
        stored = request.session.get("registry_import_result")
        if stored and stored.get("registry") == registry:
            result = request.session.pop("registry_import_result")
    errors = report.errors[:MAX_ERRORS_SHOWN] if report else []
    return {
        "registry": registry,
        "prefix": _prefix(registry),
        "title": _title(registry),
        "list_url": _list_url(registry),
        "columns": KINDS[registry].resource().column_fields(),
        "optional": KINDS[registry].resource.optional,
        "form": form,
        "report": report,
        "errors": errors,
        "hidden_errors": (report.error_count - len(errors)) if report else 0,
        "result": result,
        "max_rows": MAX_ROWS,
        "max_mb": upload_limit() // (1024 * 1024),
    }


def _filtered(request, registry: str):
    """The queryset the registry's list page would show for these GET filters."""
    spec = KINDS[registry]
    queryset = visible_records(user=request.user, registry=registry)
    filterset = spec.filterset(request.GET, queryset=queryset)
    return filterset.qs if filterset.is_valid() else queryset


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def export_view(request, prefix: str):
    """The records this user may see (filtered like the list page) as .xlsx."""
    registry = by_prefix(prefix).slug
    if not KINDS[registry].policy.can(request.user, "list"):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return forbidden(request, _("人才数据含个人信息,只有专项办可以导出。"))
    try:
        data = registry_export(
            user=request.user, registry=registry, queryset=_filtered(request, registry)
        )
    except PermissionDenied as exc:
        return forbidden(request, str(exc))
    return _xlsx(data, f"{_title(registry)}-{timezone.localdate():%Y%m%d}.xlsx")


def template_view(request, prefix: str):
    """The empty import template (header row and a sheet explaining each column)."""
    registry = by_prefix(prefix).slug
    if (refused := _plan_office_only(request)) is not None:
        return refused
    return _xlsx(registry_template(registry=registry), f"{_title(registry)}-导入模板.xlsx")
