"""Chart images of the quarterly report, drawn with Pillow: pure functions, PNG bytes out.

Only ASCII (numbers, period codes such as ``25Q3``) is drawn inside an image,
with the font bundled in Pillow, so a chart looks the same on every machine
and needs no CJK font; the Chinese titles and legends are in the document text
around it. The same input always gives the same bytes (no timestamps, no
metadata), which the tests check.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

from PIL import Image
from PIL import ImageDraw
from PIL import ImageFont

WIDTH, HEIGHT = 900, 330  # about 3× the printed size (two charts a row on A4): sharp in print
BACKGROUND = "#ffffff"
TRACK = "#e5e9f0"
INK = "#1f2937"
MUTED = "#6b7280"
GRID = "#eef1f5"
BAR = "#4f7cc4"
LATEST = "#0f3f85"
TARGET = "#8a94a6"
STATUS_COLOURS = {
    "green": "#1e8e4f",
    "amber": "#d59b00",
    "red": "#c62828",
    "none": "#8a94a6",
}
MAX_BARS = 8  # the latest eight periods: enough to show a trend at this size


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's bundled font (no system font is read)."""
    return ImageFont.load_default(size=size)


def ascii_text(text: str) -> str:
    """Only ASCII is drawn: anything else becomes ``?`` (the bundled font has no CJK)."""
    return str(text).encode("ascii", "replace").decode("ascii")


def compact_number(value: float | None) -> str:
    """A short number for a chart label: 12, 3.5, 0.25, 12,345; ``-`` for none."""
    if value is None:
        return "-"
    number = float(value)
    if abs(number) >= 10_000:
        return f"{number:,.0f}"
    if number == int(number):
        return f"{int(number)}"
    text = f"{number:.2f}" if abs(number) < 1 else f"{number:.1f}"
    return text.rstrip("0").rstrip(".")


def percent_text(fraction: float | None) -> str:
    """0.456 → ``46%``; ``-`` for none."""
    return "-" if fraction is None else f"{round(float(fraction) * 100):d}%"


def _png(image: Image.Image) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format="PNG", optimize=False, compress_level=6)
    return buffer.getvalue()


def _text(draw: ImageDraw.ImageDraw, xy, text: str, size: int, fill: str, anchor: str = "la"):
    draw.text(xy, ascii_text(text), font=_font(size), fill=fill, anchor=anchor)


def _progress_band(draw, box, progress, expected, status) -> None:
    """A horizontal bar: progress filled in the status colour, the time elapsed as a tick."""
    left, top, right, bottom = box
    colour = STATUS_COLOURS.get(status, STATUS_COLOURS["none"])
    track_right = right - 130
    draw.rectangle((left, top, track_right, bottom), fill=TRACK)
    if progress is not None:
        share = max(0.0, min(1.0, float(progress)))
        if share > 0:
            draw.rectangle(
                (left, top, left + round((track_right - left) * share), bottom), fill=colour
            )
    if expected is not None:
        x = left + round((track_right - left) * max(0.0, min(1.0, float(expected))))
        draw.rectangle((x - 2, top - 10, x + 2, bottom + 10), fill=INK)
        _text(draw, (x, top - 12), f"T {percent_text(expected)}", 24, INK, "md")
    _text(
        draw,
        (right, (top + bottom) // 2),
        percent_text(progress) if progress is not None else "n/a",
        44,
        colour,
        "rm",
    )


def _series_band(draw, box, series: Sequence[tuple[str, float]], target) -> None:
    """Bars of the latest values (the last one darker) with a dashed target line."""
    left, top, right, bottom = box
    series = list(series)[-MAX_BARS:]
    if not series:
        _text(draw, ((left + right) // 2, (top + bottom) // 2), "no data", 30, MUTED, "mm")
        return
    values = [float(v) for _label, v in series]
    high = max([0.0, *values] + ([float(target)] if target is not None else []))
    low = min([0.0, *values])
    span = (high - low) or 1.0
    label_h, value_h = 32, 30
    plot_top, plot_bottom = top + value_h, bottom - label_h

    def y_of(value: float) -> int:
        return round(plot_bottom - (value - low) / span * (plot_bottom - plot_top))

    zero = y_of(0.0)
    draw.line((left, zero, right, zero), fill=GRID, width=2)
    slot = (right - left) / MAX_BARS
    bar_w = max(8, round(slot * 0.56))
    start = left + (MAX_BARS - len(series)) * slot  # right-aligned: the latest is always last
    for index, (label, value) in enumerate(zip([s[0] for s in series], values, strict=True)):
        centre = round(start + slot * index + slot / 2)
        y = y_of(value)
        colour = LATEST if index == len(series) - 1 else BAR
        draw.rectangle(
            (centre - bar_w // 2, min(y, zero), centre + bar_w // 2, max(y, zero)), fill=colour
        )
        _text(draw, (centre, min(y, zero) - 4), compact_number(value), 24, INK, "md")
        _text(draw, (centre, bottom), str(label), 24, MUTED, "md")
    if target is not None:
        y = y_of(float(target))
        for x in range(left, right, 18):  # dashed
            draw.line((x, y, min(x + 10, right), y), fill=TARGET, width=2)
        _text(draw, (left + 2, y - 4), f"target {compact_number(target)}", 22, TARGET, "ld")


def indicator_chart(
    *,
    progress: float | None,
    expected: float | None,
    status: str,
    series: Sequence[tuple[str, float]] = (),
    target: float | None = None,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> bytes:
    """One indicator's chart as PNG bytes.

    Top: progress towards the target as a bar (0–100%, clamped; the figure to the
    right is the real one, e.g. 130%) with a tick at the expected progress (time
    elapsed, ``T 60%``). Below: the latest values (``series``: (ASCII period
    label, value), oldest first) as bars, with the target as a dashed line.
    """
    # Laid out at the base size, then scaled: text and bars keep their proportions at any size.
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    band = round(HEIGHT * 0.28)
    _progress_band(draw, (12, 40, WIDTH - 12, band), progress, expected, status)
    _series_band(draw, (12, band + 22, WIDTH - 12, HEIGHT - 4), series, target)
    if (width, height) != (WIDTH, HEIGHT):
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    return _png(image)
