"""Quantitative targets: 10项以上原创性重大科技成果, 算力规模达到14EFlops, 每年不少于50项….

A target is a number (Arabic, Chinese, or the bare 万亿元) followed by a unit
from a fixed list, with an optional comparator word before it (不少于, 突破,
约, 达到, 不超过, 降至 …) or after the unit (以上, 左右, 以下, 以内). An upper
bound (PUE降至1.25以下) may have no unit at all. Its metric is the noun it counts:
the noun phrase right after the quantity when there is one, else the subject
of the clause before it. Everything is matched on the normalised copy with
brackets blanked out, so ``(每秒百亿亿次浮点运算)`` or ``(FP16)`` never count.
"""

import re
from dataclasses import dataclass

from .errors import ParseError
from .metrics import DELIMITER_RE
from .metrics import DELIMITERS
from .metrics import MASK
from .metrics import Bounds
from .metrics import after_noun
from .metrics import metric_of
from .metrics import skip_spaces
from .numerals import chinese_to_int
from .textmap import PlanText

# Longest first, so 万亿元 wins over 亿元 and 元, and 批次 over 批.
UNITS = (
    "万亿元", "亿元", "万元", "元", "EFlops", "PFlops", "%", "批次",
    "家", "个", "项", "名", "人", "批", "件", "套", "所", "座", "条", "台", "次",
)  # fmt: skip
# A unit character that starts a longer word is no unit: 个性化, 人工智能, 台账.
_UNIT_WORDS = (
    "个性", "人工", "人民", "人员", "台账", "条件", "次元", "家庭", "家居", "家电", "批准",
    "名单", "名称", "所属", "件事",
)  # fmt: skip

# Comparator words before the number; tried longest first (不超过 before 超过,
# 不低于 before 低于). Upper bounds (lower is better, e.g. a data centre's PUE)
# are <= or <; "down to" (降至) is a level, not a cut.
_PREFIX_WORDS = (
    ("不少于", ">="), ("不低于", ">="), ("至少", ">="),
    ("超过", ">"), ("突破", ">"), ("多于", ">"), ("高于", ">"), ("超", ">"), ("逾", ">"),
    ("达到", "="), ("达", "="),
    ("约", "≈"), ("近", "≈"),
    ("不超过", "<="), ("不高于", "<="), ("不大于", "<="), ("控制在", "<="),
    ("最高", "<="), ("最多", "<="),
    ("降至", "<="), ("降到", "<="), ("降低至", "<="), ("降低到", "<="), ("下降至", "<="),
    ("下降到", "<="), ("压降至", "<="), ("压降到", "<="), ("压减至", "<="), ("减少至", "<="),
    ("减少到", "<="), ("缩短至", "<="), ("缩短到", "<="), ("压缩至", "<="), ("压缩到", "<="),
    ("少于", "<"), ("低于", "<"), ("小于", "<"),
)  # fmt: skip
_PREFIXES = tuple(sorted(_PREFIX_WORDS, key=lambda item: -len(item[0])))
# 以下 and 以内 include the number itself (民法典 第1259条: 以上、以下、以内 包括本数).
_SUFFIXES = (("以上", ">="), ("左右", "≈"), ("以下", "<="), ("以内", "<="))
UPPER = ("<=", "<")
_RANGE_SEPARATORS = "—–-~至到"
# A percentage in a clause about cutting something is a reduction, not a target.
_DECREASE_WORDS = ("降低", "下降", "减少", "压降", "压缩", "缩短", "节约", "节省", "降")
# An upper bound in a clause about a grant is the grant's cap (补贴最高50万元), not a target.
_GRANT_WORDS = ("补贴", "补助", "奖励", "奖补", "资助", "给予", "扶持", "贴息", "支持")
# Words that end the reach of 每年 within a sentence: what follows is a total
# (累计…, 未来五年…, 三年内…).
TOTAL_RE = re.compile(r"累计|总计|合计|共计|[两二三四五六七八九十\d]+年(?:内|间|来)?")
ARABIC_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?")
CHINESE_RE = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")
NUMBER_START_RE = re.compile(r"[\d零〇一二两三四五六七八九十百千万亿]")
TAIL_RE = re.compile(r"[A-Za-z0-9.,]*")
DEADLINE_RE = re.compile(
    r"(?<!\d)(?:力争|争取)?(?:到|至|截至|截止到|截止)\s*(\d{4})\s*年(?:底|末)?"
)
# Sentence ends: 每年 reaches every clause of its sentence (每年发放算力券不少于3000万元,
# 服务中小企业100家以上: both per year). Brackets (masked) do not end a sentence.
SENTENCE_RE = re.compile(r"[。;!?\n\r]")


@dataclass
class Quantity:
    """A number with its unit and comparator, in local (section) offsets."""

    start: int  # raw start: the comparator word, else the number
    end: int  # raw end: after the unit and any 以上/左右
    cmp: str
    value: float
    value_max: float | None
    unit: str


@dataclass
class _Number:
    """One number as written: its value (None if unreadable), end and kind."""

    value: float | None
    end: int
    chinese: str  # the numeral as written when it is Chinese, else ""


def _as_json_number(value: float) -> int | float:
    """Integral values as int so the JSON reads 10, not 10.0."""
    return int(value) if float(value).is_integer() else value


def _match_unit(m: str, pos: int) -> tuple[str, int] | None:
    """The unit starting at ``pos`` (as spelled in the copy, end offset), if any."""
    for unit in UNITS:
        if unit in ("EFlops", "PFlops"):
            word = m[pos : pos + len(unit)]
            after = m[pos + len(unit) : pos + len(unit) + 1]
            if word.lower() == unit.lower() and not (after.isascii() and after.isalpha()):
                return word, pos + len(unit)
            continue
        if m.startswith(unit, pos):
            if len(unit) == 1 and m[pos : pos + 2] in _UNIT_WORDS:
                return None
            return unit, pos + len(unit)
    return None


class _Scanner:
    """Finds the quantities of one section's text (brackets blanked out)."""

    def __init__(self, doc: PlanText, base: int, masked: str, clauses: Bounds) -> None:
        self.doc = doc
        self.base = base  # offset of the masked text in the document
        self.m = masked
        self.clauses = clauses

    def quantities(self) -> list[Quantity]:
        """Every quantity in reading order."""
        found: list[Quantity] = []
        pos = 0
        while True:
            match = NUMBER_START_RE.search(self.m, pos)
            if not match:
                return found
            quantity, next_pos = self._read(match.start())
            pos = max(next_pos, match.start() + 1)
            if quantity is not None:
                found.append(quantity)

    def _number_at(self, pos: int) -> _Number:
        m = self.m
        if m[pos].isdigit():
            match = ARABIC_RE.match(m, pos)
            return _Number(float(match.group().replace(",", "")), match.end(), "")
        match = CHINESE_RE.match(m, pos)
        return _Number(chinese_to_int(match.group()), match.end(), match.group())

    def _read(self, p: int) -> tuple[Quantity | None, int]:
        """The quantity starting at ``p`` (or None) and where to continue scanning."""
        m = self.m
        before = m[p - 1] if p else ""
        first = self._number_at(p)
        if before == "第" or (before.isascii() and (before.isalnum() or before == ".")):
            # 第3批 is an ordinal; FP16, H100, v1.5 are codes.
            return None, TAIL_RE.match(m, first.end).end()
        if not first.chinese:
            tail = TAIL_RE.match(m, first.end).end()
            if (
                m[first.end : first.end + 1] == ","
                and not m[first.end + 1 : first.end + 2].isdigit()
            ):
                tail = first.end  # PUE不超过1.3,单位能耗…: the comma ends the clause
            if tail > first.end and not _match_unit(m, first.end):
                self._check_junk(p, first.end, tail)
                return None, tail
        numbers = [first]
        sep = skip_spaces(m, first.end)
        if sep < len(m) and m[sep] in _RANGE_SEPARATORS:
            second = skip_spaces(m, sep + 1)
            if second < len(m) and NUMBER_START_RE.match(m, second):
                numbers.append(self._number_at(second))
        last = numbers[-1]
        value, unit_pos = last.value, last.end
        if last.chinese:
            value, unit_pos = _split_chinese_money(m, last.end, last.chinese)
            written = last.chinese[: len(last.chinese) - (last.end - unit_pos)]
            if len(numbers) == 1 and written in ("一", "〇", "零"):
                return None, last.end  # the article: 一批, 一个
        value_max = None
        if len(numbers) == 2:
            value, value_max = first.value, value
            if value is None or value_max is None or value_max <= value:
                return None, last.end  # 2025—2027年 reads as a range but is no quantity
        if value is None:
            return None, last.end
        unit_pos, value, value_max = _magnitude(m, unit_pos, last, value, value_max)
        more = m[unit_pos : unit_pos + 1] in ("余", "多")
        unit = _match_unit(m, unit_pos + (1 if more else 0))
        spaced = skip_spaces(m, unit_pos)
        if unit is None and spaced > unit_pos and m[spaced : spaced + 1] in ("E", "e", "P", "p"):
            unit = _match_unit(m, spaced)  # 200 EFLOPS: an ASCII unit after a space
        if unit is None and not more and not last.chinese:
            unit = self._bare_upper_bound(p, unit_pos)
        if unit is None or m.startswith("百分点", unit[1]):
            return None, last.end
        lone = len(numbers) == 1 and first.chinese in ("百", "千", "万")
        quantity = self._finish(p, value, value_max, more, unit, lone)
        return quantity, unit[1]

    def _bare_upper_bound(self, p: int, end: int) -> tuple[str, int] | None:
        """A number without a unit counts when an upper bound frames it (PUE降至1.25以下).

        The "unit" is then empty. The number must stand alone: followed by 以下/以内,
        or preceded by an upper-bound word and followed by the clause's end.
        """
        m = self.m
        if any(m.startswith(word, end) for word, cmp in _SUFFIXES if cmp in UPPER):
            return "", end
        prefixed = any(m.endswith(word, 0, p) for word, cmp in _PREFIXES if cmp in UPPER)
        after = skip_spaces(m, end)
        if prefixed and (after >= len(m) or m[after] in DELIMITERS):
            return "", end
        return None

    def _finish(
        self,
        p: int,
        value: float,
        value_max: float | None,
        more: bool,
        unit: tuple[str, int],
        lone: bool,
    ) -> Quantity | None:
        """Comparator words around the quantity; None for reductions, grant caps and lone 百."""
        m = self.m
        unit_text, unit_end = unit
        raw_start, raw_end = p, unit_end
        prefix_cmp = suffix_cmp = None
        for word, cmp in _PREFIXES:
            if m.endswith(word, 0, p):
                prefix_cmp, raw_start = cmp, p - len(word)
                break
        for word, cmp in _SUFFIXES:
            if m.startswith(word, unit_end):
                suffix_cmp, raw_end = cmp, unit_end + len(word)
                break
        if lone and prefix_cmp is None and suffix_cmp is None and not more:
            return None  # 百企百景, 千家万户: a lone 百/千/万 counts only with a comparator
        if value_max is not None:
            cmp = "range"
        else:
            cmp = suffix_cmp or (">" if more else None) or prefix_cmp or "="
        if cmp in UPPER:
            if self._in_clause(raw_start, _GRANT_WORDS):
                return None  # 单个项目补贴最高50万元: a grant's cap
        elif not unit_text:
            return None  # a bare number is a target only as an upper bound
        elif unit_text == "%" and self._in_clause(raw_start, _DECREASE_WORDS):
            return None  # 成本降低20%: a cut, not a level
        return Quantity(raw_start, raw_end, cmp, value, value_max, unit_text)

    def _in_clause(self, pos: int, words: tuple[str, ...]) -> bool:
        """Whether the clause before ``pos`` holds one of ``words`` (降低成本20%, 补贴最高…)."""
        clause = self.m[self.clauses.start(pos) : pos]
        return any(word in clause for word in words)

    def _check_junk(self, p: int, end: int, tail: int) -> None:
        """Digits mixed with letters or stray dots before a unit: an unreadable target."""
        m = self.m
        junk = m[end:tail]
        if not any(ch.isalpha() or ch == "." for ch in junk):
            return  # 5,10家: numbers separated by a comma, read one by one
        unit_pos = tail + (1 if m[tail : tail + 1] in ("余", "多") else 0)
        unit = _match_unit(m, unit_pos)
        if unit is None:
            return  # 5G基站, 3D打印: a code, not a quantity
        raw_end = unit[1]
        for word, _ in _SUFFIXES:
            if m.startswith(word, raw_end):
                raw_end += len(word)
                break
        raw = self.doc.original[self.base + p : self.base + raw_end]
        line, text = self.doc.line_info(self.base + p)
        raise ParseError(
            f"无法识别目标数值 “{raw}”",
            f'cannot read the number in target "{raw}"',
            line=line,
            text=text,
        )


def _split_chinese_money(m: str, end: int, numeral: str) -> tuple[int | None, int]:
    """十亿元 is 10 亿元, 万亿元 is 1 万亿元: a trailing 万/亿 before 元 belongs to the unit."""
    if m.startswith("元", end):
        for magnitude in ("万亿", "亿", "万"):
            if numeral.endswith(magnitude):
                digits = numeral[: -len(magnitude)]
                if not digits:
                    # Only the bare 万亿元 ("a trillion yuan") is a quantity by itself.
                    return (1 if magnitude == "万亿" else None), end - len(magnitude)
                return chinese_to_int(digits), end - len(magnitude)
    return chinese_to_int(numeral), end


def _magnitude(
    m: str, pos: int, last: _Number, value: float, value_max: float | None
) -> tuple[int, float, float | None]:
    """10万人 is 100000 人: an Arabic number times 万/亿 before a counting unit."""
    if last.chinese or m[pos : pos + 1] not in ("万", "亿") or _match_unit(m, pos):
        return pos, value, value_max  # 万元, 亿元, 万亿元 are units of their own
    if not _match_unit(m, pos + 1):
        return pos, value, value_max
    factor = 10_000 if m[pos] == "万" else 100_000_000
    return pos + 1, value * factor, None if value_max is None else value_max * factor


def find_targets(
    doc: PlanText,
    start: int,
    end: int,
    brackets: list[tuple[int, int]],
    *,
    default_by: int | None = None,
) -> list[dict]:
    """The targets in ``[start, end)``.

    A deadline (到2027年) governs the quantities after it in the section;
    quantities before any get ``default_by`` (a goal part's deadline, which
    governs all its goals; None for tasks).
    """
    chars = list(doc.norm[start:end])
    for open_, close in brackets:
        chars[open_ - start : close - start] = MASK * (close - open_)
    m = "".join(chars)
    if not NUMBER_START_RE.search(m):
        return []  # most task texts: nothing to scan
    clauses = Bounds(m, DELIMITER_RE)
    sentences = Bounds(m, SENTENCE_RE)
    deadlines = [(match.end(), int(match.group(1))) for match in DEADLINE_RE.finditer(m)]
    quantities = _Scanner(doc, start, m, clauses).quantities()
    nouns = [after_noun(m, q.end) for q in quantities]
    targets = []
    for index, quantity in enumerate(quantities):
        if m.startswith("的", nouns[index][0]):
            continue  # 超过1000万元的企业: a threshold describing a noun, not a target
        metric = metric_of(doc, start, m, clauses, quantities, nouns, index, deadlines)
        if not metric:
            continue
        per_year = _per_year(m, sentences.start(quantity.start), quantity.start, deadlines)
        by = None
        if not per_year:
            by = default_by
            for deadline_end, year in deadlines:
                if deadline_end <= quantity.start:
                    by = year
        raw_start, raw_end = start + quantity.start, start + quantity.end
        targets.append(
            {
                "metric": metric,
                "cmp": quantity.cmp,
                "value": _as_json_number(quantity.value),
                "value_max": None
                if quantity.value_max is None
                else _as_json_number(quantity.value_max),
                "unit": quantity.unit,
                "by": by,
                "per": "year" if per_year else None,
                "raw": doc.original[raw_start:raw_end],
                "span": [raw_start, raw_end],
            }
        )
    return targets


def _per_year(m: str, sentence: int, pos: int, deadlines: list[tuple[int, int]]) -> bool:
    """每年/年均 earlier in the sentence makes a quantity recurring, unless a deadline
    (到2027年) or a total (累计) comes between them."""
    before = m[sentence:pos]
    mark = max(before.rfind("每年"), before.rfind("年均"))
    if mark == -1:
        return False
    mark += sentence
    if any(mark < end <= pos for end, _ in deadlines):
        return False
    return TOTAL_RE.search(m, mark + 2, pos) is None


def first_deadline(norm: str, start: int, end: int) -> int | None:
    """The year of the first deadline (到2027年) in ``norm[start:end]``, if any."""
    match = DEADLINE_RE.search(norm, start, end)
    return int(match.group(1)) if match else None
