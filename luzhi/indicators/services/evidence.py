"""Evidence files: checked by name and content before anything is stored."""

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from luzhi.accounts.models import User
from luzhi.indicators.models import Evidence
from luzhi.indicators.models import Observation
from luzhi.indicators.permissions import observations

EVIDENCE_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
}


def evidence_check(upload) -> tuple[str, str]:
    """Refuse an evidence file that is too large or not a PDF, image or xlsx (by name AND content)."""
    name = Path(upload.name or "").name
    limit = settings.LUZHI_EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            {
                "files": _("文件“%(name)s”大小 %(size)d 字节,超过上限 %(limit)d 字节。")
                % {"name": name, "size": upload.size, "limit": limit}
            }
        )
    suffix = Path(name).suffix.lower()
    if suffix not in EVIDENCE_TYPES:
        raise ValidationError(
            {"files": _("文件“%s”类型不允许:只接受 PDF、PNG、JPG 或 XLSX。") % name}
        )
    content_type, magics = EVIDENCE_TYPES[suffix]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(m) for m in magics):
        raise ValidationError({"files": _("文件“%s”的内容与其扩展名不符。") % name})
    return name, content_type


def evidence_check_all(files) -> list:
    """Check every file before anything is written, reporting every bad file at once."""
    problems = []
    for upload in files:
        try:
            evidence_check(upload)
        except ValidationError as exc:
            problems.extend(exc.messages)
    if problems:
        raise ValidationError(problems)
    return list(files)


def evidence_store(record, *, actor: User, upload):
    """Check an upload and save it on an evidence record (any model with the evidence fields:
    file, original_name, content_type, size, sha256, uploaded_by)."""
    name, content_type = evidence_check(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    record.original_name = name
    record.content_type = content_type
    record.size = upload.size
    record.sha256 = digest.hexdigest()
    record.uploaded_by = actor
    record.file.save(name, upload, save=False)
    record.save()
    return record


def evidence_add(*, actor: User, observation: Observation, upload) -> Evidence:
    """Attach a checked evidence file to an observation."""
    observations.require(actor, "report", observation, _("您不能为该指标值上传佐证材料。"))
    return evidence_store(Evidence(observation=observation), actor=actor, upload=upload)
