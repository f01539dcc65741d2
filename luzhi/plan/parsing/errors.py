"""The one error the parser raises, bilingual and pointing at the offending line."""


class ParseError(ValueError):
    """A plan text (or its bytes) that the parser refuses.

    ``line`` is the 1-based line number in the decoded text (or None when the
    problem is not tied to one line), ``text`` the offending line as written
    (or None), and ``message`` the bilingual explanation without the line
    prefix, so a caller that shows the line itself does not repeat it.
    ``str(err)`` reads ``第12行: 无法识别目标数值 “1O0家以上” (line 12: cannot read
    the number in target "1O0家以上")``.
    """

    def __init__(
        self,
        zh: str,
        en: str,
        *,
        line: int | None = None,
        text: str | None = None,
    ) -> None:
        self.zh = zh
        self.en = en
        self.line = line
        self.text = text
        self.message = f"{zh} ({en})"
        prefixed = f"第{line}行: {zh} (line {line}: {en})"
        super().__init__(self.message if line is None else prefixed)
