"""Template helpers of the cockpit: numbers, percentages, targets, status labels and rules.

Everything returns plain text (auto-escaped by the template) or numbers; no HTML
is built here.
"""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luzhi.indicators import progress
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import Observation
from luzhi.indicators.progress import AMBER
from luzhi.indicators.progress import GREEN
from luzhi.indicators.progress import NONE
from luzhi.indicators.progress import RED

register = template.Library()

NO_TARGET = "notarget"  # a task without quantitative targets on the board
CMP_SYMBOLS = {"=": "", ">=": "≥", ">": ">", "≈": "≈"}
STATUS_LABELS = {
    GREEN: gettext_lazy("进展顺利"),
    AMBER: gettext_lazy("需关注"),
    RED: gettext_lazy("进度滞后"),
    NONE: gettext_lazy("暂无数据"),
    NO_TARGET: gettext_lazy("无量化目标"),
}


def status_rule(indicator: Indicator | None = None) -> str:
    """The documented status rule (progress.py), with the notes that apply to ``indicator``."""
    parts = []
    if indicator is not None and indicator.per_year:
        parts.append(
            _(
                "按年度考核:当年累计值与年度目标比较;时间进度为当年已过时间的比例;"
                "预测为按当前速度推算的全年值;已结束的年度按是否完成判定为绿或红。"
            )
        )
    else:
        parts.append(
            _(
                "判定规则:已达成目标为绿;按趋势可如期完成且进度落后时间进度不超过%(green)d个百分点为绿;"
                "按趋势可完成%(forecast)d%%以上,或进度落后时间进度不超过%(amber)d个百分点为黄;"
                "其余为红;无数据为灰。"
            )
            % {
                "green": round(progress.GREEN_LAG * 100),
                "amber": round(progress.AMBER_LAG * 100),
                "forecast": round(progress.AMBER_FORECAST * 100),
            }
        )
        parts.append(
            _(
                "进度=(当前值−基线值)/(目标值−基线值);时间进度=基线年末至完成年末已过时间的比例;"
                "趋势预测=各期数值的最小二乘直线在完成年末的取值。"
            )
        )
    if indicator is not None:
        if indicator.cmp == "≈":
            parts.append(
                _("“左右”目标:达到目标值的%(share)d%%即视为完成。")
                % {"share": round((1 - progress.APPROX_TOLERANCE) * 100)}
            )
        elif indicator.cmp == "range":
            parts.append(_("区间目标:以下限为目标,超过上限时提示。"))
        if indicator.semantics == Indicator.Semantics.FLOW and not indicator.per_year:
            parts.append(_("期间新增指标:当前值为基线年之后各期新增之和,基线为0。"))
        if indicator.aggregation == Indicator.Aggregation.RATIO:
            parts.append(_("比率指标:由分子、分母指标的合计值计算,不对各市比率取平均。"))
    return "".join(parts)


@register.filter
def status_label(status: str) -> str:
    """进展顺利 / 需关注 / 进度滞后 / 暂无数据 / 无量化目标."""
    return str(STATUS_LABELS.get(status, status))


@register.simple_tag
def status_title(item) -> str:
    """Hover text of a status: the assessment's reason, then the rule that produced it."""
    assessment = item.assessment
    label = status_label(assessment.status)
    reason = _(assessment.reason) if assessment.reason else ""
    head = (
        label
        if reason in ("", label)
        else _("%(label)s:%(reason)s") % {"label": label, "reason": reason}
    )
    head = _("%s。") % head
    if assessment.above_range:
        head += _("当前值已超过区间上限。")
    return head + status_rule(item.indicator)


def _number(value) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@register.filter
def num(value, places: int = 2) -> str:
    """A number for people: up to two decimals, no trailing zeros, thousands separated; — for none."""
    number = _number(value)
    if number is None:
        return "—"
    text = f"{round(number, int(places)):,.{int(places)}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


@register.filter
def pct(fraction) -> str:
    """A share (0.456) as a percentage (46%); — for none."""
    number = _number(fraction)
    if number is None:
        return "—"
    return f"{round(number * 100):d}%"


@register.filter
def bar(fraction) -> int:
    """A share as a bar width in percent, clamped to 0–100."""
    number = _number(fraction)
    if number is None:
        return 0
    return max(0, min(100, round(number * 100)))


def _plain(value) -> str:
    return format(Decimal(str(value)).normalize(), "f")


@register.filter
def target_text(indicator: Indicator) -> str:
    """The target as written: ≥10项, 14EFlops, 1–2家, ≈500个, ≥150项/年."""
    from luzhi.core.units import with_unit  # the unit in the reader's language

    if indicator.cmp == "range" and indicator.target_value_max is not None:
        number = f"{_plain(indicator.target_value)}–{_plain(indicator.target_value_max)}"
    else:
        number = f"{CMP_SYMBOLS.get(indicator.cmp, '')}{_plain(indicator.target_value)}"
    text = with_unit(number, indicator.unit)
    return text + _("/年") if indicator.per_year else text


@register.filter
def deadline_text(indicator: Indicator) -> str:
    """每年 or 到2027年."""
    if indicator.per_year:
        return _("每年")
    if indicator.deadline_year:
        return _("到%(year)d年") % {"year": indicator.deadline_year}
    return ""


@register.filter
def source_label(source: str | None) -> str:
    """单位填报 / 官方统计 / 各市汇总 / 系统计算, or 由分子分母计算 for a ratio."""
    if not source:
        return ""
    if source == "ratio":
        return _("由分子分母计算")
    try:
        return str(Observation.Source(source).label)
    except ValueError:
        return source


@register.filter
def status_css(status: str) -> str:
    """The CSS modifier of an observation's review status."""
    return {"approved": "ok", "submitted": "pending", "returned": "returned"}.get(status, "draft")


@register.filter
def filesize(size) -> str:
    """Bytes as KB / MB."""
    size = _number(size) or 0
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{int(size)} B"


EVENT_LABELS = {
    "save": gettext_lazy("保存"),
    "submit": gettext_lazy("提交"),
    "approve": gettext_lazy("审核通过"),
    "return": gettext_lazy("退回"),
    "correct": gettext_lazy("更正"),
}


@register.filter
def event_label(action: str) -> str:
    """保存 / 提交 / 审核通过 / 退回 / 更正 for a review event's action."""
    return str(EVENT_LABELS.get(action, action))


@register.filter
def review_status_label(status: str) -> str:
    """草稿 / 已提交 / 已审核 / 已退回 for an observation status value."""
    try:
        return str(Observation.Status(status).label)
    except ValueError:
        return status or "—"


@register.filter
def task_code(path: str) -> str:
    """A short task label for the board: 二/(一)/1 → (一)1, 三/(二) → 三(二)."""
    path = path or ""
    if path.startswith("二/"):
        path = path[2:]
    return path.replace("/", "")


SERVICE_REASONS = {
    "saved": gettext_lazy("保存"),
    "submitted": gettext_lazy("提交"),
    "approved": gettext_lazy("审核通过"),
    "returned": gettext_lazy("退回"),
}


@register.filter
def change_reason(reason: str) -> str:
    """A history record's reason: the services' own steps in words, a person's reason as written."""
    if not reason:
        return ""
    if reason in SERVICE_REASONS:
        return str(SERVICE_REASONS[reason])
    return _("原因:%s") % reason
