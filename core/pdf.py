"""ReportLab with the embedded CJK font (WenQuanYi Micro Hei, vendored in core/fonts with its licence), so a
print looks the same on every machine and in every viewer."""

import functools
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
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
