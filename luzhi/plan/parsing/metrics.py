"""The metric of a target: the noun its quantity counts.

``10项以上原创性重大科技成果`` → 原创性重大科技成果 (the noun after the quantity);
``全省算力规模达到14EFlops`` → 算力规模 (the subject before it). Works on a
section's masked copy (brackets blanked with ``|``) in local offsets; names are
cut from the original text.
"""

import re
from bisect import bisect_right

from .textmap import PlanText

DELIMITERS = set(",;。:!?、|\n\r()")
MASK = "|"

DELIMITER_RE = re.compile("[" + re.escape("".join(sorted(DELIMITERS))) + "]")


class Bounds:
    """Where the clause (or sentence) holding an offset begins, by bisection.

    Only the delimiter positions are kept (one int each), not an entry per
    character, so memory follows the number of clauses, not the text's length.
    """

    def __init__(self, m: str, pattern: re.Pattern) -> None:
        self.stops = [match.start() for match in pattern.finditer(m)]

    def start(self, pos: int) -> int:
        """Just after the last delimiter before ``pos`` (0 if none)."""
        index = bisect_right(self.stops, pos - 1)
        return self.stops[index - 1] + 1 if index else 0


def skip_spaces(m: str, pos: int) -> int:
    while pos < len(m) and m[pos] in " \t":
        pos += 1
    return pos


# Scope words in front of a metric that do not name it.
_LEADING_WORDS = (
    "力争", "争取", "全省", "全市", "全区", "全县", "全国", "我省", "我市", "本省", "本市",
    "省内", "市内", "其中", "累计", "总计", "确保", "每年", "年均", "到", "使",
)  # fmt: skip
# Verbs that open the object a quantity counts: the metric starts after the
# last of them (打造具有国内竞争力的行业级大模型10个 → 行业级大模型).
_VERBS = (
    "打造", "培育", "建设", "建成", "共建", "新建", "新增", "引进", "引育", "布局", "争创",
    "孵化", "形成", "发布", "推出", "取得", "实施", "开展", "举办", "支持", "发放", "带动",
    "实现", "认定", "遴选", "创建", "部署", "推动", "推广", "突破", "给予", "安排", "开放",
    "培训", "培养", "组织", "汇聚", "招引", "设立", "提供",
)  # fmt: skip
# Attribute nouns that need their owner: 设立产业基金,规模约50亿元 → 产业基金规模.
_ATTRIBUTES = ("规模", "总量", "数量", "总额", "金额", "比例", "占比", "产值", "收入")
_TRAILING_WORDS = ("达到", "达", "为", "要", "将", "力争", "争取", "确保")
_MODIFIER_ENDINGS = "级型类性式"  # 国家级、省级科技人才: a modifier sharing a head noun


def _strip_span(m: str, start: int, end: int) -> tuple[int, int]:
    while start < end and m[start] in ' \t“”"':
        start += 1
    while end > start and m[end - 1] in ' \t“”"':
        end -= 1
    return start, end


def after_noun(m: str, end: int) -> tuple[int, int]:
    """The noun phrase right after a quantity, up to the clause end (or 并)."""
    delimiter = DELIMITER_RE.search(m, end)
    stop = delimiter.start() if delimiter else len(m)
    conjunction = m.find("并", end, stop)
    if conjunction != -1:
        stop = conjunction
    start, stop = _strip_span(m, end, stop)
    if m.endswith("等", start, stop) and stop - start > 1:
        stop -= 1
    return start, stop


def _before_noun(m: str, start: int, end: int) -> tuple[int, int]:
    """The subject of the clause before a quantity: 全省算力规模达到 → 算力规模.

    The clause may open with a verb phrase (打造具有国内竞争力的行业级大模型):
    the noun is what follows its last 的, without scope words and verbs.
    """
    start, end = _strip_span(m, start, end)
    for word in _TRAILING_WORDS:
        if m.endswith(word, start, end) and end - start > len(word):
            end -= len(word)
            break
    start = max(start, _after_last_verb(m, start, end))
    last_de = m.rfind("的", start, end)
    if last_de != -1 and last_de + 1 < end and not _has_digit(m, start, last_de):
        # 具有国内竞争力的行业级大模型 → 行业级大模型; but a quantified qualifier
        # (营业收入超10亿元的企业) is part of what is counted.
        start = last_de + 1
    changed = True
    while changed:
        changed = False
        for word in _LEADING_WORDS:
            if m.startswith(word, start) and end - start > len(word):
                start += len(word)
                changed = True
    return _strip_span(m, start, end)


def _has_digit(m: str, start: int, end: int) -> bool:
    return any(ch.isdigit() for ch in m[start:end])


def _after_last_verb(m: str, start: int, end: int) -> int:
    """Where the object of the clause's last verb starts; ``start`` if no verb.

    A verb that would leave less than two characters is part of the noun
    (专业科技企业孵化器), so an earlier one is taken.
    """
    best = start
    for verb in _VERBS:
        pos = m.rfind(verb, start, end)
        while pos != -1 and end - (pos + len(verb)) < 2:
            pos = m.rfind(verb, start, pos)
        if pos != -1:
            best = max(best, pos + len(verb))
    return best


def _shares_head(m: str, noun: tuple[int, int], nxt) -> bool:
    """90名国家级、150名省级科技人才: a short modifier, 、, and the next quantity."""
    start, end = noun
    return (
        0 < end - start <= 5
        and m[end - 1] in _MODIFIER_ENDINGS
        and m[end : end + 1] == "、"
        and skip_spaces(m, end + 1) == nxt.start
    )


def last_deadline(deadlines: list[tuple[int, int]], pos: int) -> int:
    """The end of the last deadline phrase before ``pos`` (0 if none)."""
    return max((end for end, _ in deadlines if end <= pos), default=0)


def metric_of(
    doc: PlanText,
    base: int,
    m: str,
    clauses: Bounds,
    quantities: list,
    nouns: list[tuple[int, int]],
    index: int,
    deadlines: list[tuple[int, int]],
) -> str:
    """The metric of quantity ``index`` as written in the original text."""
    original = doc.original
    quantity = quantities[index]
    noun = nouns[index]
    if noun[0] < noun[1]:
        name = original[base + noun[0] : base + noun[1]]
        if index + 1 < len(quantities) and _shares_head(m, noun, quantities[index + 1]):
            head = nouns[index + 1]
            following = m[head[0] : head[1]]
            cut = following.find(m[noun[1] - 1])
            head_start = head[0] + cut + 1 if 0 <= cut < len(following) - 1 else head[0]
            name += original[base + head_start : base + head[1]]
        return name
    clause = clauses.start(quantity.start)
    for deadline_end, _ in deadlines:
        if clause <= deadline_end <= quantity.start:
            clause = deadline_end
    start, end = _before_noun(m, clause, quantity.start)
    if start >= end and clause and m[clause - 1] == MASK:
        # 电能利用效率(PUE)降至1.25以下: the subject stands before the bracket.
        back = clause - 1
        while back and m[back - 1] == MASK:
            back -= 1
        start, end = _before_noun(m, max(clauses.start(back), last_deadline(deadlines, back)), back)
    name = original[base + start : base + end]
    if m[start:end] in _ATTRIBUTES and clause >= 2 and m[clause - 1] == ",":
        # A bare attribute (规模) belongs to the object of the clause before.
        owner = _before_noun(m, clauses.start(clause - 1), clause - 1)
        if owner[0] < owner[1]:
            name = original[base + owner[0] : base + owner[1]] + name
    return name
