"""Hand-made .xlsx files, a few KB each, built part by part with zipfile: what an attacker can post, not what
Excel writes (cells far outside the template, cells without references, prefixed names, shared strings)."""

import io
import zipfile
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def inline(ref: str | None, text: str, *, prefix: str = "") -> str:
    """A cell holding an inline string (`ref` None: a cell without r, placed after the previous one)."""
    p = f"{prefix}:" if prefix else ""
    at = f' r="{ref}"' if ref else ""
    return f'<{p}c{at} t="inlineStr"><{p}is><{p}t>{escape(text)}</{p}t></{p}is></{p}c>'


def shared(ref: str, index: int) -> str:
    return f'<c r="{ref}" t="s"><v>{index}</v></c>'


def row(number: int | None, *cells: str, prefix: str = "") -> str:
    p = f"{prefix}:" if prefix else ""
    at = f' r="{number}"' if number else ""
    return f"<{p}row{at}>{''.join(cells)}</{p}row>"


def header(labels) -> str:
    """Row 1 with the template's labels, as the reader expects them."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return row(1, *(inline(f"{letters[i]}1", label) for i, label in enumerate(labels)))


def worksheet(rows: str, *, prefix: str = "") -> str:
    if prefix:
        return (f'<{prefix}:worksheet xmlns:{prefix}="{MAIN}"><{prefix}:sheetData>{rows}</{prefix}:sheetData>'
                f"</{prefix}:worksheet>")
    return f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'


def xlsx(*sheets: str, strings=(), picture: bytes = b"") -> bytes:
    """A workbook of `sheets` (worksheet XML, the first is the one read) with `strings` as its shared strings
    and `picture` (any bytes, stored uncompressed) as a picture."""
    names = "".join(f'<sheet name="Sheet{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, len(sheets) + 1))
    links = "".join(f'<Relationship Id="rId{i}" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                    for i in range(1, len(sheets) + 1))
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                        f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                        for i in range(1, len(sheets) + 1))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>"))
        archive.writestr("_rels/.rels", f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
                                        f'Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>{names}</sheets>'
                                            f"</workbook>")
        archive.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{RELS}">{links}</Relationships>')
        for i, sheet in enumerate(sheets, start=1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", '<?xml version="1.0" encoding="UTF-8"?>' + sheet)
        if strings:
            items = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
            archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}" count="{len(strings)}">{items}</sst>')
        if picture:
            archive.writestr("xl/media/image1.png", picture, compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()
