"""Reference data the plan office keeps: application domains and recognition levels."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

code_validator = RegexValidator(r"^[a-z0-9_-]+$", _("代码只能由小写字母、数字、下划线和连字符组成。"))


class CatalogueEntry(models.Model):
    """An entry of a list the plan office keeps: a code that never changes, a name, and an
    ``order`` (declared by each list, as it means a position or a rank) that sorts it."""

    code = models.SlugField(_("代码"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("名称"), max_length=40, unique=True)

    class Meta:
        abstract = True
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Domain(CatalogueEntry):
    """An application domain (应用领域) such as 工业制造 or 现代海洋; scenarios and solutions
    are filed under domains, and matching rewards a shared domain."""

    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("应用领域")
        verbose_name_plural = _("应用领域")


class RecognitionLevel(CatalogueEntry):
    """A level at which a scenario can be recognised (典型案例, 标杆场景, 全国领先 …).

    ``order`` ranks the levels (higher is more prestigious): the indicator
    functions ``scenarios.recognised.<code>`` count scenarios recognised at a level
    or above, so a later plan's target ("50 benchmark scenarios") counts the same
    records. ``counts_as_leading`` says whether the level counts toward the plan's
    ~500 全国领先的深度融合应用场景; ``marks_benchmark`` moves the scenario to 标杆.
    """

    order = models.PositiveSmallIntegerField(_("等级(越大越高)"), default=10)
    counts_as_leading = models.BooleanField(_("计入全国领先应用场景"), default=True)
    marks_benchmark = models.BooleanField(_("认定后场景成为标杆"), default=False)
    history = HistoricalRecords()

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("认定等级")
        verbose_name_plural = _("认定等级")
