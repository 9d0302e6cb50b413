"""ReportLab with the embedded CJK font (WenQuanYi Micro Hei, vendored in core/fonts with its licence), so a
print looks the same on every machine and in every viewer; and line breaking for table cells drawn as plain
strings (break_lines), which is much cheaper than a Paragraph per cell."""

import functools
import re
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont

FONT_FILE = Path(__file__).with_name("fonts") / "wqy-microhei.ttc"
FONT = "WQYMicroHei"


@functools.cache
def register_font() -> str:
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE), subfontIndex=0))
    return FONT


@functools.cache
def styles() -> dict[str, ParagraphStyle]:
    font = register_font()
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=10),
        "h": ParagraphStyle("h", fontName=font, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4,
                            textColor=colors.HexColor("#1f3f6e")),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=9, leading=12),
        "small": ParagraphStyle("small", fontName=font, fontSize=8, leading=10, textColor=colors.HexColor("#555555")),
        "body": ParagraphStyle("body", fontName=font, fontSize=10, leading=15),
        "cover": ParagraphStyle("cover", fontName=font, fontSize=14, leading=28),
    }


GRID = [
    ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#444444")),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("LEFTPADDING", (0, 0), (-1, -1), 3),
    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
]
HEADER = [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7"))]


# Line breaking for table cells drawn as plain strings (one drawString a line, no Paragraph): Chinese breaks
# between any two characters, a Latin word or number stays whole when it fits, closing punctuation never starts
# a line (it hangs at the end of the previous one).
NO_LINE_START = frozenset("，。、；：？！）》」』】〕…,.;:?!)]%")
_UNIT = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-/_%]*|.", re.S)  # a Latin word or number, or one character


class _Ems(dict):
    """Character → width in ems of the print font, measured once (the same characters recur on every page)."""

    def __missing__(self, char: str) -> float:
        width = self[char] = stringWidth(char, register_font(), 1000) / 1000
        return width


_EMS = _Ems()
em = _EMS.__getitem__


def text_width(text: str, size: float) -> float:
    return sum(map(em, text)) * size


def break_lines(text: str, room: float) -> list[str]:
    """`text` broken greedily into lines of at most `room` ems."""
    if sum(map(em, text)) <= room:
        return [text]
    lines, line, used = [], "", 0.0
    for unit in _UNIT.findall(text):
        width = sum(map(em, unit))
        if line and used + width > room and unit not in NO_LINE_START:
            lines.append(line.rstrip())
            line, used = "", 0.0
            if unit.isspace():
                continue
        if width > room and len(unit) > 1:  # a word longer than a line: character by character
            for c in unit:
                if line and used + em(c) > room and c not in NO_LINE_START:
                    lines.append(line.rstrip())
                    line, used = "", 0.0
                line, used = line + c, used + em(c)
        else:
            line, used = line + unit, used + width
    if line:
        lines.append(line)
    return lines
