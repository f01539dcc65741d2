"""The quarterly report as a Word document (python-docx), with the PDF's structure.

Word picks the font for Chinese from a run's East Asian font (``w:eastAsia``),
not from its Latin one, and python-docx's default template points headings at
theme fonts that override both. Every style used here is therefore given
explicit Latin and East Asian fonts, with the theme attributes removed: 宋体
for text and 黑体 for headings, the fonts every Chinese Word has (LibreOffice
maps them to Noto CJK through fontconfig).
"""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.shared import Pt
from docx.shared import RGBColor

from luzhi.supervision.bulletin import BULLETIN_ORDER
from luzhi.supervision.reports.content import ranking_titles

BODY_FONT, BODY_EAST_ASIA = "Times New Roman", "宋体"
HEADING_FONT, HEADING_EAST_ASIA = "Arial", "黑体"
TITLE_EAST_ASIA = "宋体"
BLACK = RGBColor(0, 0, 0)
NAVY = RGBColor(0x0F, 0x3F, 0x85)
MUTED = RGBColor(0x6B, 0x72, 0x80)
STATUS_COLOURS = {
    "green": RGBColor(0x1E, 0x8E, 0x4F),
    "amber": RGBColor(0xA8, 0x74, 0x00),
    "red": RGBColor(0xC6, 0x28, 0x28),
    "none": MUTED,
    "yellow": RGBColor(0xA8, 0x74, 0x00),
}
CHART_WIDTH = Cm(8.2)  # two a row on A4 within 1.8 cm margins


def _fonts(style_or_run, latin: str, east_asia: str) -> None:
    """Set the Latin and East Asian fonts explicitly, dropping theme fonts that would win."""
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for attribute, name in (
        ("w:ascii", latin),
        ("w:hAnsi", latin),
        ("w:cs", latin),
        ("w:eastAsia", east_asia),
    ):
        fonts.set(qn(attribute), name)


def _styles(document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    _fonts(normal, BODY_FONT, BODY_EAST_ASIA)
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.3
    # The language tag lets Word choose Chinese line breaking and punctuation.
    lang = OxmlElement("w:lang")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(lang)
    for name, size in (("Title", 18), ("Heading 1", 14), ("Heading 2", 12), ("Heading 3", 11)):
        style = styles[name]
        _fonts(style, HEADING_FONT, HEADING_EAST_ASIA)
        style.font.size = Pt(size)
        style.font.color.rgb = NAVY
        style.font.bold = True
    # An official report (公文): the title in a serif face (宋体, Noto Serif CJK through
    # fontconfig), black, 二号 (22 pt); headings black as well.
    title = styles["Title"]
    _fonts(title, BODY_FONT, TITLE_EAST_ASIA)
    title.font.size = Pt(22)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        styles[name].font.color.rgb = BLACK
    ppr = title.element.pPr
    for border in ppr.findall(qn("w:pBdr")) if ppr is not None else []:
        ppr.remove(border)  # the default template's blue rule under the title


def official_date(day) -> str:
    """The one date format of the report, in the PDF and in Word: 2026年10月20日."""
    return f"{day.year}年{day.month}月{day.day}日"


def _page_number_footer(section) -> None:
    """A centred page number field (— N —) in the footer."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("— ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
    paragraph.add_run(" —")


def _table(document, header: list[str], rows: list[list], numeric: set[int] = frozenset()):
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, title in enumerate(header):
        cell = table.rows[0].cells[index]
        cell.text = ""
        run = cell.paragraphs[0].add_run(str(title))
        run.bold = True
        run.font.size = Pt(9)
    for values in rows:
        cells = table.add_row().cells
        for index, value in enumerate(values):
            paragraph = cells[index].paragraphs[0]
            run = paragraph.add_run("" if value is None else str(value))
            run.font.size = Pt(9)
            if index in numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph()
    return table


def _note(document, text: str) -> None:
    run = document.add_paragraph().add_run(text)
    run.font.size = Pt(9)
    run.font.color.rgb = MUTED


def _pct(value) -> str:
    return "—" if value is None else f"{value}%"


def _summary(document, report: dict) -> None:
    s, r = report["summary"], report["round"]
    due = official_date(r["due_date"])
    document.add_heading(_("一、总体情况"), level=1)
    document.add_paragraph(
        _(
            "本轮共向 %(units)d 个单位下达报送任务 %(n)d 项,截止日期为 %(due)s(宽限 %(grace)d 天)。"
            "已报送 %(submitted)d 项(报送率 %(submitted_rate)s%%),其中按时报送 %(on_time)d 项"
            "(按时报送率 %(on_time_rate)s%%);审核通过 %(accepted)d 项(通过率 %(acceptance_rate)s%%);"
            "逾期未报 %(overdue)d 项。"
        )
        % {
            "units": s["units"],
            "n": s["obligations"],
            "due": due,
            "grace": r["grace_days"],
            "submitted": s["submitted"],
            "submitted_rate": s["submitted_rate"],
            "on_time": s["on_time"],
            "on_time_rate": s["on_time_rate"],
            "accepted": s["accepted"],
            "acceptance_rate": s["acceptance_rate"],
            "overdue": s["overdue"],
        }
    )
    document.add_paragraph(
        _("计划量化目标共跟踪 %(n)d 项指标,各状态项数如下:") % {"n": len(report["targets"])}
    )
    counts = report["target_counts"]
    _table(document, [c["label"] for c in counts], [[c["count"] for c in counts]], set(range(4)))
    document.add_heading(_("各单位报送情况排名"), level=2)
    _note(document, BULLETIN_ORDER)
    _table(
        document,
        ranking_titles(),
        [
            [
                row["rank"],
                row["unit"],
                "—" if row["score"] is None else row["score"],
                row["obligations"],
                row["on_time"],
                _pct(row["on_time_rate"]),
                row["accepted"],
                _pct(row["acceptance_rate"]),
                row["overdue"],
            ]
            for row in report["ranking"]
        ],
        {0, 2, 3, 4, 5, 6, 7, 8},
    )


def _targets(document, report: dict) -> None:
    document.add_heading(_("二、目标完成情况"), level=1)
    targets = report["targets"]
    if not targets:
        _note(document, _("暂无跟踪的量化目标。"))
        return
    _note(
        document,
        _(
            "数据截至 %s,为已审核的全省数值;进度 =(当前值 − 基线值)/(目标值 − 基线值),"
            "时间进度为基线年末至完成年末已过时间的比例。"
        )
        % official_date(report["as_of"]),
    )
    _table(
        document,
        [_("指标"), _("目标"), _("当前值"), _("进度"), _("时间进度"), _("状态")],
        [
            [
                t["name"],
                f"{t['target']} {t['deadline']}".strip(),
                f"{t['current_text']} {t['period']}".strip(),
                _pct(t["progress"]),
                _pct(t["expected"]),
                t["status_label"],
            ]
            for t in targets
        ],
        {3, 4},
    )
    _note(
        document,
        _(
            "各指标图示:上方横条为目标进度(竖线 T 为时间进度),下方柱形为最近各期数值"
            "(深色为最新一期),虚线为目标值。"
        ),
    )
    # Two charts a row, as in the PDF: a borderless table of name, figures and chart.
    grid = document.add_table(rows=(len(targets) + 1) // 2, cols=2)
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, t in enumerate(targets):
        cell = grid.rows[index // 2].cells[index % 2]
        head = cell.paragraphs[0]
        head.paragraph_format.keep_with_next = True
        head.add_run(t["name"]).bold = True
        detail = cell.add_paragraph()
        detail.paragraph_format.keep_with_next = True
        figures = detail.add_run(
            _("目标 %(target)s · 当前 %(current)s · ")
            % {"target": t["target"], "current": t["current_text"]}
        )
        figures.font.size = Pt(8.5)
        figures.font.color.rgb = MUTED
        status = detail.add_run(t["status_label"])
        status.font.size = Pt(8.5)
        status.font.color.rgb = STATUS_COLOURS.get(t["status"], MUTED)
        cell.add_paragraph().add_run().add_picture(BytesIO(t["chart"]), width=CHART_WIDTH)
    document.add_paragraph()


def _labelled(document, label: str, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(label + ":").bold = True
    lines = (text or "—").splitlines() or ["—"]
    for index, line in enumerate(lines):
        run = paragraph.add_run(line)
        if index < len(lines) - 1:
            run.add_break()


def _tasks(document, report: dict) -> None:
    document.add_heading(_("三、任务推进情况"), level=1)
    if not report["sections"]:
        _note(document, _("本轮没有报送任务。"))
    heading = None
    for group in report["sections"]:
        if group["heading"] != heading:
            heading = group["heading"]
            document.add_heading(heading, level=2)
        if group["title"]:
            document.add_heading(f"{group['label']}{group['title']}", level=3)
        for task in group["tasks"]:
            title = document.add_paragraph()
            title.paragraph_format.keep_with_next = True
            title.add_run(f"{task['label']}{task['title']}").bold = True
            parts = [
                (_("牵头单位") + ":" + task["lead_unit"])
                if task["mode"] == "lead"
                else _("各单位直报专项办"),
                _("报送状态") + ":" + task["state"],
            ]
            if task["progress_label"]:
                parts.append(_("推进状态") + ":" + task["progress_label"])
            if task["percent"] is not None:
                parts.append(_("完成进度") + f":{task['percent']}%")
            state = document.add_paragraph().add_run(" · ".join(parts))
            state.font.size = Pt(9.5)
            state.font.color.rgb = MUTED
            for r in task["reports"]:
                if task["mode"] == "direct":
                    line = document.add_paragraph()
                    line.add_run(r["unit"]).bold = True
                    extra = [r["status_label"], r["progress_label"], _pct(r["percent"])]
                    line.add_run(" · " + " · ".join(x for x in extra if x and x != "—"))
                if r["quoted"]:
                    _labelled(document, _("工作进展与成效"), r["achievements"])
                    if r["problems"]:
                        _labelled(document, _("存在问题"), r["problems"])
                    if r["next_steps"]:
                        _labelled(document, _("下一步计划"), r["next_steps"])
                else:
                    _note(
                        document,
                        _("尚无可引用的进展报告(当前状态:%s)。") % r["status_label"],
                    )
            if task["contributors"]:
                _note(
                    document,
                    _("责任单位")
                    + ":"
                    + "、".join(f"{c['unit']}({c['status_label']})" for c in task["contributors"]),
                )


def _overdue(document, report: dict) -> None:
    document.add_heading(_("四、逾期未报清单"), level=1)
    rows = report["overdue"]
    if not rows:
        _note(document, _("无逾期未报的报送任务。"))
        return
    document.add_paragraph(
        _("截止日期 %(due)s 已过,以下 %(n)d 项报送任务尚未报送:")
        % {"due": official_date(report["round"]["due_date"]), "n": len(rows)}
    )
    _table(
        document,
        [_("单位"), _("任务"), _("报送路径"), _("状态"), _("逾期天数"), _("督办灯")],
        [
            [
                row["unit"],
                f"{row['path']} {row['task']}",
                row["channel"],
                row["status_label"],
                row["days"],
                row["light_label"],
            ]
            for row in rows
        ],
        {4},
    )


def render_docx(report: dict) -> bytes:
    """The report as .docx bytes."""
    document = Document()
    _styles(document)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(1.8)
    section.top_margin = section.bottom_margin = Cm(2.2)
    _page_number_footer(section)
    document.core_properties.title = report["title"]
    document.core_properties.subject = report["plan"]["title"]

    title = document.add_heading(report["title"], level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    meta = document.add_paragraph()
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    plan = report["plan"]
    meta.add_run(
        plan["title"] + (f"({plan['doc_number']})" if plan["doc_number"] else "")
    ).add_break()
    meta.add_run(
        _("报告期:%(period)s · 截止日期:%(due)s · 统计日期:%(today)s")
        % {
            "period": report["round"]["period_label"],
            "due": official_date(report["round"]["due_date"]),
            "today": official_date(report["today"]),
        }
    )
    _summary(document, report)
    _targets(document, report)
    _tasks(document, report)
    _overdue(document, report)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
