"""Base model shared by every LuZhi app."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from luzhi.core.fields import user_field


class TimeStampedModel(models.Model):
    """Adds created/updated timestamps; every business record derives from it."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class EvidenceFile(models.Model):
    """A stored upload with what was checked about it: its name as uploaded, type, size,
    digest, who uploaded it and when. ``indicators.services.evidence_store`` fills these;
    the concrete model adds the record it backs and ``file`` with its upload folder."""

    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小(字节)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = user_field(on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


class ContentVersion(models.Model):
    """A counter per kind of content (``plan``, ``indicators`` …), bumped by every service that
    changes that content, inside its transaction. Cached pages are keyed by the counters of
    what they show, so a change is visible on the very next request and a rolled-back
    change never invalidates anything (see :mod:`luzhi.core.cache`)."""

    scope = models.CharField(_("内容范围"), max_length=40, unique=True)
    counter = models.BigIntegerField(_("版本"), default=0)

    class Meta:
        verbose_name = _("内容版本")
        verbose_name_plural = _("内容版本")

    def __str__(self) -> str:
        return f"{self.scope}#{self.counter}"
