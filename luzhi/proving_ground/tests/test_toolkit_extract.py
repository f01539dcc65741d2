"""Answer extraction (generate mode): a table of Chinese and English phrasings."""

import pytest

from luzhi.proving_ground.toolkit.extract import extract_choice

CASES = [
    # Chinese statements
    ("答案是C", "C"),
    ("答案是：C", "C"),
    ("正确答案：C", "C"),
    ("正确答案为 B。", "B"),
    ("答案：（D）", "D"),
    ("答案应该是A", "A"),
    ("最终答案选B", "B"),
    ("选C", "C"),
    ("故选D。", "D"),
    ("应选：A", "A"),
    ("我选择B，因为它符合定义。", "B"),
    ("（C）", "C"),
    ("(B)", "B"),
    ("ＣＣ", None),
    ("答案是Ｃ", "C"),
    ("C项正确", "C"),
    ("选项D是正确的", "D"),
    ("B是正确的。", "B"),
    ("C. 北京", "C"),
    ("C", "C"),
    ("D。", "D"),
    ("A、传输层", "A"),
    ("**B**", "B"),
    ("答案是 **C**", "C"),
    # English statements
    ("The answer is C.", "C"),
    ("the answer is (B)", "B"),
    ("Answer: D", "D"),
    ("The correct answer would be A", "A"),
    ("The correct option is B.", "B"),
    ("Option C is correct.", "C"),
    ("I choose D.", "D"),
    ("I would select option A here.", "A"),
    ("C is the correct answer.", "C"),
    # the last stated answer wins (a reply that corrects itself)
    ("答案是A。不对，应该是C。", "C"),
    ("一开始我认为答案是B，但仔细检查后，正确答案应该是D。", "D"),
    ("The answer is A. Wait, no — the answer is B.", "B"),
    ("I think D is wrong, so the correct option is A.", "A"),
    ("答案不是A，而是C", "C"),
    # never the first capital letter
    ("A common mistake is to pick B. Answer: C", "C"),
    ("According to TCP/IP, the answer is D", "D"),
    ("In CPU design, the answer is B.", "B"),
    ("A lot of people get this wrong.", None),
    ("Because DNS resolves names, this is about naming.", None),
    # unparseable replies
    ("这个问题我无法确定。", None),
    ("Both options seem plausible; I cannot decide.", None),
    ("", None),
    ("The answer is E.", None),  # not an option of this question
    ("the answer is CPU-bound", None),
]


@pytest.mark.parametrize(("reply", "expected"), CASES)
def test_extract_choice(reply, expected):
    assert extract_choice(reply, "ABCD") == expected


def test_more_options_than_four():
    assert extract_choice("The answer is E.", "ABCDE") == "E"


def test_fake_server_styles_all_parse():
    """Every reply style of the FAKE server states its letter in a way the extractor reads."""
    from luzhi.proving_ground.toolkit.fake_openai_server import STYLES
    from luzhi.proving_ground.toolkit.fake_openai_server import UNPARSEABLE

    for style in STYLES:
        for x, w in (("A", "C"), ("B", "D"), ("C", "A"), ("D", "B")):
            assert extract_choice(style.format(x=x, w=w)) == x, style
    for reply in UNPARSEABLE:
        assert extract_choice(reply) is None
