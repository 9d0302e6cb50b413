"""Prints of a submitted application, always from its frozen snapshot (SPEC §4, FORMS-AND-RULES §1–2):

- 申报专业技术资格情况简表: one A3 landscape sheet (PDF): the header grid across the top, the sections in two
  columns below, so that a typical application fits one sheet; the ID number masked as on every public list;
- 专业技术资格评审表: A4 portrait booklet (PDF) in the national template's order (FORMS-AND-RULES §1.1), and the
  same form as an Excel workbook (applications.review_workbook); both draw applications.review_form, so they say
  the same; after the committee's result, the same form again (result.pdf, result.xlsx) with 答辩情况 and the vote
  block filled in from the decision, the filed snapshot untouched.

中小学教师 and 卫生技术 have their own 简表 (BRIEF_LAYOUTS); any other series adds its section after the common
ones. Generated files are kept
per snapshot hash, so a print is made once (by a task: applications.print_jobs) and every later download reads
the stored file.

Table cells are plain strings, broken into lines here (Chinese breaks between any two characters; a Latin word
or number is kept whole when it fits; closing punctuation never starts a line), so a cell is drawn with one
drawString a line: that is what keeps a page within twice the cost of drawing its strings by hand (bench/pdf.py).
"""

import io
import logging
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    FrameBreak,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from core.masking import mask_id_number
from core.pdf import FONT, GRID, HEADER, break_lines, register_font, styles, text_width
from dossier.display import format_value
from review.models import Decision

from .models import ApplicationFile, Defence
from .review_form import (
    ATTACHMENT_NOTE,
    ATTACHMENT_TITLE,
    CONTINUED,
    DRAFT_NOTE,
    DRAFT_STAMP,
    IMPRINT,
    REVIEW_TITLE,
    Box,
    Grid,
    ReviewForm,
    Text,
    Vote,
    cn_date,
    review_form,
)
from .review_workbook import review_workbook
from .sections import sections, title_name

logger = logging.getLogger(__name__)

KINDS = {
    "brief.pdf": ("brief_pdf", "申报专业技术资格情况简表.pdf", "application/pdf"),
    "review.pdf": ("review_pdf", "专业技术资格评审表.pdf", "application/pdf"),
    "review.xlsx": ("review_xlsx", "专业技术资格评审表.xlsx",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    # After the committee's result: the 评审表 again with 答辩情况 and the vote block filled in.
    "result.pdf": ("result_pdf", "专业技术资格评审表（评审结果）.pdf", "application/pdf"),
    "result.xlsx": ("result_xlsx", "专业技术资格评审表（评审结果）.xlsx",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
RESULT_KINDS = {"result.pdf", "result.xlsx"}
# Print previews of a draft (while filling in, seed 004 §17): the same prints from the current draft, stamped on
# every page; the filed prints carry no stamp.
DRAFT_KINDS = {
    url_kind: (f"draft_{kind}", name.replace(".", "（草稿预览）."), content_type)
    for url_kind, (kind, name, content_type) in KINDS.items() if url_kind not in RESULT_KINDS
}
OVERFLOW_NOTE = "注意：内容超出一张A3简表，以下为超出部分，请精简较长的列表（论文、奖项等）后再提交"
PAD = 3  # cell padding left and right (core.pdf.GRID)
NO_WRAP_TYPES = {"date", "year", "int", "decimal", "bool"}


class Look:
    """The type sizes of one print: the A4 评审表 reads at 9 pt, the A3 简表 packs two columns at 8 pt."""

    def __init__(self, size: float, leading: float, *, summary: bool = False):
        base = styles()
        self.size, self.leading, self.summary = size, leading, summary
        self.cell = ParagraphStyle(f"cell-{size}", parent=base["cell"], fontSize=size, leading=leading)
        self.h = ParagraphStyle(f"h-{size}", parent=base["h"], fontSize=size + 3, leading=size + 7,
                                spaceBefore=size * 0.5, spaceAfter=2)
        self.caption = ParagraphStyle(f"caption-{size}", parent=base["small"], fontSize=size, leading=leading + 2,
                                      spaceBefore=2)
        self.grid = GRID + [("FONT", (0, 0), (-1, -1), FONT, size, leading)]

    def cell_for(self, text, width: float) -> str:
        """The text broken into the lines that fit the column."""
        text = "" if text is None else str(text)
        room = (width - 2 * PAD) / self.size
        return "\n".join(line for paragraph in text.split("\n") for line in break_lines(paragraph, room))

    def row(self, texts, widths):
        return [self.cell_for(t, w) for t, w in zip(texts, widths)]

    def height_of(self, rows) -> float:
        """The height of these table rows: their tallest cell's lines, and the cell padding (core.pdf.GRID)."""
        return sum(max(str(cell).count("\n") + 1 for cell in row) * self.leading + 6 for row in rows)


def _weights(fields) -> list[float]:
    """Relative column widths from the declarations: dates and numbers narrow, long texts wide."""
    weights = []
    for spec in fields:
        if spec.type in NO_WRAP_TYPES:
            weights.append(0.55 if spec.type in ("year", "int", "decimal") else 0.85)
        elif spec.type == "choice":
            weights.append(0.5 + 0.1 * max(len(c) for c in spec.choices))
        elif spec.type == "textarea":
            weights.append(3.0)
        else:
            weights.append(min(max((spec.max_length or 50) / 40, 0.8), 2.2))
    return weights


SAMPLES = {"date": "0000-00-00", "year": "0000", "int": "0000", "decimal": "000.0",
           "journal_number": "ISSN 0000-000X", "patent_number": "ZL000000000000.0", "isbn": "ISBN 000-0-000-00000-0"}


def _columns(look: Look, fields, width: float, number_width: float) -> list[float]:
    """Column widths: dates, numbers and numbered codes (期刊号, 专利号) exactly as wide as they need (they must
    not wrap), the rest shared by weight."""
    samples = {i: SAMPLES.get(spec.pattern) or SAMPLES.get(spec.type) for i, spec in enumerate(fields)}
    for i, spec in enumerate(fields):
        if spec.type == "int" and spec.max:
            samples[i] = "0" * len(str(int(spec.max)))  # 字数 up to 7 digits, 排名 2
    fixed = {i: max(text_width(sample, look.size), text_width(fields[i].label[:2], look.size)) + 2 * PAD + 2
             for i, sample in samples.items() if sample}
    weights = _weights(fields)
    rest = width - number_width - sum(fixed.values())
    flexible = sum(w for i, w in enumerate(weights) if i not in fixed)
    if rest <= 0 or not flexible:
        unit = (width - number_width) / sum(weights)
        return [number_width] + [w * unit for w in weights]
    return [number_width] + [fixed[i] if i in fixed else w * rest / flexible for i, w in enumerate(weights)]


def _rows_table(look: Look, fields, rows: list[dict], width: float) -> Table:
    widths = _columns(look, fields, width, 9 * mm)
    data = [look.row(["序号"] + [f.label for f in fields], widths)]
    for number, row in enumerate(rows, start=1):
        data.append(look.row([number] + [format_value(f, row["values"].get(f.key)) for f in fields], widths))
    if not rows:
        data.append(look.row(["无"] + [""] * len(fields), widths))
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(look.grid + HEADER))
    table.first_rows_height = look.height_of(data[:2])
    return table


def _fields_table(look: Look, fields, values: dict, width: float) -> Table:
    """Label/value pairs, two to a row; long texts take a whole row. The 简表 leaves out what is empty."""
    widths = [width * 0.17, width * 0.33, width * 0.17, width * 0.33]
    data, spans, pending = [], [], []
    for spec in fields:
        if not spec.visible(values):
            continue
        value = format_value(spec, values.get(spec.key))
        if look.summary and not value:
            continue
        if spec.type == "textarea" or text_width(value, look.size) > widths[1] - 2 * PAD:
            spans.append(len(data))
            data.append([look.cell_for(spec.label, widths[0]), look.cell_for(value, sum(widths[1:])), "", ""])
            continue
        pending += [look.cell_for(spec.label, widths[0]), look.cell_for(value, widths[1])]
        if len(pending) == 4:
            data.append(pending)
            pending = []
    if pending:
        data.append(pending + ["", ""])
    if not data:
        data.append(["无", "", "", ""])
    table = Table(data, colWidths=widths)
    table.setStyle(TableStyle(look.grid + [("SPAN", (1, r), (3, r)) for r in spans]))
    table.first_rows_height = look.height_of(data[:1])
    return table


def _headed(heading: Paragraph, table: Table, look: Look) -> list:
    """A heading and its table, moved on to the next column or page together only when the heading and the
    table's first rows would not fit (a long table then splits between rows, its header repeated)."""
    return [CondPageBreak(heading.style.leading + heading.style.spaceBefore + table.first_rows_height + 2),
            heading, table]


def section_flow(snapshot: dict, width: float, look: Look, *, only: str = "") -> list:
    """Every section of the snapshot but 基本情况 (the header grid) as a heading and its table(s); `only`: that
    section alone."""
    flow = []
    for section in sections().for_series(snapshot["series"]):
        if section.key == "basic" or (only and section.key != only):
            continue
        stored = snapshot["sections"].get(section.key, {})
        heading = Paragraph(escape(section.label), look.h)
        if section.is_rows:
            flow += _headed(heading, _rows_table(look, section.fields, stored.get("rows", []), width), look)
            continue
        values = stored.get("values", {})
        flow += _headed(heading, _fields_table(look, section.fields, values, width), look)
        for group in section.groups:
            group_rows = stored.get("groups", {}).get(group.key, [])
            if group.applies(values) and group_rows:
                flow += _headed(Paragraph(escape(group.label), look.caption),
                                _rows_table(look, group.fields, group_rows, width), look)
    return flow


def photo_bytes(application, snapshot: dict) -> bytes | None:
    """The photo as filed: the application's own copy, named in the snapshot."""
    photo = next((f for f in snapshot.get("files", []) if f["section"] == "basic" and f["slot"] == "photo"), None)
    item = photo and ApplicationFile.objects.filter(pk=photo["id"], application=application).first()
    if not item:
        return None
    try:
        with item.file.open("rb") as fh:
            return fh.read()
    except FileNotFoundError:  # printed without it rather than not at all
        logger.error("the photo %s of application %s is missing from the storage", item.file.name, application.pk)
        return None


def printed_snapshot(application) -> dict:
    """The snapshot as printed: what was filed, plus what the chain added since (评委会接收日期, 证书编号), so a
    print made after acceptance or confirmation shows them (and is stored under its own hash)."""
    outcome = {}
    if application.committee_accepted_at:
        outcome["accepted_at"] = application.committee_accepted_at.isoformat()
    if application.certificate_no:
        outcome["certificate_no"] = application.certificate_no
    return {**application.snapshot, "outcome": outcome} if outcome else application.snapshot


def _header_grid(snapshot: dict, width: float, look: Look, *, mask: bool, photo: bytes | None,
                 extra: list[tuple[str, str]] = ()) -> Table:
    """姓名 … 申报资格名称 in three label/value pairs, the ID number and the unit across two pairs, the photo on
    the right over every row; `extra` (label, value) pairs (a series' own header, the 简表) in further rows."""
    account, basic = snapshot["account"], snapshot["sections"].get("basic", {}).get("values", {})
    qualification = snapshot["sections"].get("qualification", {}).get("values", {})
    id_number = mask_id_number(account["id_number"]) if mask else account["id_number"]
    photo_width = 30 * mm
    label, value = (width - photo_width) * 0.15, (width - photo_width) * 0.55 / 3
    widths = [label, value] * 3 + [photo_width]
    wide = label + 2 * value
    texts = [
        ["姓名", account["name"], "性别", account["gender"], "出生日期", account["birth_date"]],
        ["身份证号", id_number, None, None, "民族", basic.get("ethnicity")],
        ["政治面貌", basic.get("political"), "现从事专业", basic.get("current_specialty"), "参加工作时间",
         basic.get("work_start")],
        ["工作单位", account["unit"], None, None, "申报形式", snapshot["form"]],
        ["申报系列", snapshot["series"], "申报级别", snapshot["level"], "申报资格名称", title_name(basic)],
        ["现资格", title_name(qualification) or qualification.get("title_series"), "取得时间",
         qualification.get("title_obtained"), "申报年度", snapshot["plan"]["year"]],
    ]
    outcome = snapshot.get("outcome")
    if outcome:
        texts.append(["证书编号", outcome.get("certificate_no", ""), None, None, "评委会接收日期",
                      outcome.get("accepted_at", "")])
    pairs = [item for pair in extra for item in pair]
    texts += [(pairs[i:i + 6] + [""] * 6)[:6] for i in range(0, len(pairs), 6)]
    data = []
    for i, row in enumerate(texts):
        cells = [look.cell_for(t, wide if j == 1 and row[2] is None else widths[j]) if t is not None else ""
                 for j, t in enumerate(row)]
        data.append(cells + [_photo(photo, photo_width) if i == 0 else ""])
    table = Table(data, colWidths=widths)
    table.setStyle(TableStyle(look.grid + [
        ("SPAN", (1, 1), (3, 1)), ("SPAN", (1, 3), (3, 3)), ("SPAN", (6, 0), (6, len(texts) - 1)),
        *([("SPAN", (1, 6), (3, 6))] if outcome else []),
        ("ALIGN", (6, 0), (6, 0), "CENTER"),
    ]))
    return table


def _photo(content: bytes | None, width: float, height: float = 32 * mm):
    if not content:
        return "照片"
    return Image(io.BytesIO(content), width=width - 2 * PAD, height=height - 2 * PAD, kind="proportional")


def _page_number(name: str, *, draft: bool = False, note: str = ""):
    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.drawCentredString(doc.pagesize[0] / 2, 6 * mm, f"{name}　第 {doc.page} 页")
        canvas.restoreState()
        if draft:
            _draft_stamp(canvas, doc, note)
    return draw


def _draft_stamp(canvas, doc, note: str = "") -> None:
    """草稿 · 未提交 across the page and in its top margin (and `note`, in red, under it)."""
    width, height = doc.pagesize
    canvas.saveState()
    canvas.setFillColorRGB(0.85, 0.15, 0.15)
    canvas.setFont(FONT, 10)
    canvas.drawString(8 * mm, height - 5.5 * mm, f"{DRAFT_STAMP}　{DRAFT_NOTE}")
    if note:
        canvas.drawString(8 * mm, height - 9.5 * mm, note)
    canvas.setFillColorRGB(0.85, 0.15, 0.15, alpha=0.12)
    canvas.setFont(FONT, min(width, height) / 7)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(30)
    canvas.drawCentredString(0, 0, DRAFT_STAMP)
    canvas.restoreState()


def _opinions(look: Look, width: float) -> Table:
    """是否破格, then the unit's and the reporting department's opinions with their seals (FORMS-AND-RULES §2)."""
    half = width / 2
    table = Table([[look.cell_for("单位审核意见：", half), look.cell_for("单位呈报意见：", half)],
                   [look.cell_for("（单位签章）　　　年　月　日", half),
                    look.cell_for("（人事（职改）部门签章）　　　年　月　日", half)]],
                  colWidths=[half, half], rowHeights=[16 * mm, look.leading + 6])
    table.setStyle(TableStyle(look.grid + [("VALIGN", (0, 0), (-1, 0), "TOP"),
                                           ("LINEBELOW", (0, 0), (-1, 0), 0, "white"),
                                           ("ALIGN", (0, 1), (-1, 1), "RIGHT")]))
    return table


class BriefLayout:
    """A series' own 简表 (seed 004 §17: 中小学教师 and 卫生技术 have their own): the series fields shown in the
    header grid (a key of another section as "section.key"), then the blocks in order — ("section", key),
    ("group", section, group) or ("fields", title, [series field keys]). `covered`: sections the header grid
    sums up. Whatever else the layout does not name follows at the end, so that nothing filed is left off."""

    def __init__(self, section: str, header: list[str], blocks: list[tuple], covered: tuple[str, ...] = ()):
        self.section, self.header, self.blocks, self.covered = section, header, blocks, covered

    def flow(self, snapshot: dict, width: float, look: Look) -> list:
        spec = sections().get(self.section)
        stored = snapshot["sections"].get(self.section, {})
        values = stored.get("values", {})
        fields = {f.key: f for f in spec.fields}
        placed, named, flow = set(self.header), set(self.covered), []
        for kind, key, *rest in self.blocks:
            if kind == "section":
                named.add(key)
                flow += section_flow(snapshot, width, look, only=key)
            elif kind == "group":
                named.add(f"{key}.{rest[0]}")
                group = next(g for g in spec.groups if g.key == rest[0])
                rows = stored.get("groups", {}).get(group.key, [])
                if group.applies(values) and rows:
                    flow += _headed(Paragraph(escape(group.label), look.h),
                                    _rows_table(look, group.fields, rows, width), look)
            else:
                placed.update(rest[0])
                shown = [fields[k] for k in rest[0]]
                if any(f.visible(values) and format_value(f, values.get(f.key)) for f in shown):
                    flow += _headed(Paragraph(escape(key), look.h), _fields_table(look, shown, values, width), look)
        rest = [f for f in spec.fields if f.key not in placed]
        if any(f.visible(values) and format_value(f, values.get(f.key)) for f in rest):
            flow += _headed(Paragraph("其他情况", look.h), _fields_table(look, rest, values, width), look)
        for group in spec.groups:
            rows = stored.get("groups", {}).get(group.key, [])
            if f"{self.section}.{group.key}" not in named and group.applies(values) and rows:
                flow += _headed(Paragraph(escape(group.label), look.h),
                                _rows_table(look, group.fields, rows, width), look)
        for section in sections().for_series(snapshot["series"]):
            if section.key not in named | {"basic", self.section}:
                flow += section_flow(snapshot, width, look, only=section.key)
        return flow

    def header_pairs(self, snapshot: dict) -> list[tuple[str, str]]:
        pairs = []
        for name in self.header:
            section, _, key = name.rpartition(".")
            values = snapshot["sections"].get(section or self.section, {}).get("values", {})
            spec = next(f for f in sections().get(section or self.section).fields if f.key == key)
            if spec.visible(values) and (value := format_value(spec, values.get(key))):
                pairs.append((spec.label, value))
        return pairs


BRIEF_LAYOUTS = {
    "中小学教师": BriefLayout("teacher", header=[
        "stage", "subject", "subject_other", "teaching_since", "years_in_post", "years_teacher", "years_secondary",
        "years_primary", "years_kindergarten", "years_head_teacher", "qualification.title_specialty",
        "qualification.post_name", "qualification.appointed_on", "qualification.years_in_post",
        "qualification.years_in_profession",
    ], covered=("qualification",), blocks=[
        ("section", "education"), ("group", "teacher", "resume"), ("group", "teacher", "teaching"),
        ("fields", "兼课及其他任职", ["teaching_now", "extra_terms", "extra_lessons", "years_grade_leader",
                                "years_research_leader", "years_moral", "years_district_researcher",
                                "years_city_researcher", "promoted_on"]),
        ("section", "continuing_education"), ("section", "appraisals"),
        ("fields", "教育教学业绩", ["teaching_results", "excellent_class", "mentoring"]),
        ("group", "teacher", "research"), ("fields", "教科研业绩", ["research_results"]),
        ("section", "papers"), ("section", "books"), ("section", "awards"), ("section", "patents"),
        ("section", "societies"), ("section", "work_history"), ("section", "achievements"),
        ("fields", "备注", ["remarks"]),
    ]),
    "卫生技术": BriefLayout("health", header=[
        "qualification", "specialty", "specialty_other", "institution", "institution_other", "institution_level",
        "institution_nature", "practice_category", "practice_scope", "practice_scope_other", "language_level",
        "language_level_other", "transfer", "exceptional",
    ], blocks=[
        ("section", "education"), ("fields", "有效学历", ["effective_education"]), ("section", "qualification"),
        ("section", "continuing_education"), ("section", "appraisals"),
        ("fields", "进修、支援及社区服务", ["further_study", "support", "support_kind", "support_state",
                                  "community_service", "community_service_other"]),
        ("section", "work_history"),
        ("fields", "综述及主要成果", ["review_title", "review_published_on", "review_journal", "results_national",
                               "results_provincial", "results_bureau"]),
        ("section", "papers"), ("group", "health", "writings"), ("section", "books"),
        ("group", "health", "grassroots_research"), ("section", "awards"), ("section", "patents"),
        ("section", "achievements"), ("section", "societies"),
    ]),
}


def brief_pdf(application, *, photo: bytes | None = None, snapshot: dict | None = None, draft: bool = False) -> bytes:
    """申报专业技术资格情况简表: A3 landscape; the header grid on top, the sections in two columns below. A draft's
    preview (`draft`, from `snapshot`) is stamped, and each sheet beyond the first says the form overflows."""
    register_font()
    snapshot = snapshot or printed_snapshot(application)
    photo = photo if photo is not None else photo_bytes(application, snapshot)
    look = Look(8, 10, summary=True)
    page = landscape(A3)
    margin, gap = 12 * mm, 8 * mm
    width = page[0] - 2 * margin
    column = (width - gap) / 2
    exceptional = snapshot["form"] == "破格申报"
    layout = BRIEF_LAYOUTS.get(snapshot["series"])
    head = [
        Paragraph(f"{snapshot['plan']['year']}年度 申报专业技术资格情况简表", styles()["title"]),
        Paragraph(escape(f"评审计划：{snapshot['plan']['name']}　评委会：{snapshot['plan']['committee']}　"
                         f"是否破格：是（{'√' if exceptional else '　'}）否（{'　' if exceptional else '√'}）"),
                  styles()["small"]),
        Spacer(1, 2 * mm),
        _header_grid(snapshot, width, look, mask=True, photo=photo,
                     extra=layout.header_pairs(snapshot) if layout else ()),
    ]
    head_height = sum(f.wrap(width, page[1])[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in head) + 2
    bottom = margin + 2 * mm
    below = page[1] - margin - head_height - 3 * mm - bottom
    full = page[1] - margin - bottom

    def frame(x, y, w, h, name):
        return Frame(x, y, w, h, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id=name)

    first = PageTemplate("first", [
        frame(margin, page[1] - margin - head_height, width, head_height, "head"),
        frame(margin, bottom, column, below, "left"), frame(margin + column + gap, bottom, column, below, "right"),
    ], onPage=_page_number(snapshot["account"]["name"], draft=draft))
    later = PageTemplate("later", [
        frame(margin, bottom, column, full, "left"), frame(margin + column + gap, bottom, column, full, "right"),
    ], onPage=_page_number(snapshot["account"]["name"], draft=draft, note=OVERFLOW_NOTE))
    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=page, pageTemplates=[first, later], title="申报专业技术资格情况简表",
                          author="zhicheng", initialFontName=FONT, initialFontSize=8)
    flow = head + [NextPageTemplate("later"), FrameBreak()]
    flow += layout.flow(snapshot, column, look) if layout else section_flow(snapshot, column, look)
    flow += [Spacer(1, 3 * mm), _opinions(look, column)]
    doc.build(flow)
    return buffer.getvalue()


# ---------------------------------------------------------------- 评审表: the national template (FORMS-AND-RULES §1.1)

RESULT_LABELS = {"result_pass": "通过", "result_fail": "不通过"}


def committee_outcome(application) -> dict | None:
    """The committee's result as the re-print fills it in: the vote of the last 评委会评审 decision (its counts
    as the office entered them) and the 答辩 as the committee office arranged it; None before the result."""
    decision = (Decision.objects.filter(subject_type="application", subject_id=application.pk,
                                        stage="committee_result", decision__in=RESULT_LABELS)
                .order_by("-at", "-pk").first())
    if decision is None:
        return None
    defence = Defence.objects.filter(application=application).first()
    return {
        "result": RESULT_LABELS[decision.decision],
        "members": decision.members, "attending": decision.attending, "agree": decision.agree,
        "disagree": decision.disagree, "abstain": decision.abstain, "opinion": decision.opinion,
        "date": timezone.localtime(decision.at).date().isoformat(),
        "defence": defence and {
            "group": defence.group, "at": timezone.localtime(defence.starts_at).strftime("%Y-%m-%d %H:%M"),
            "place": defence.place, "seq": defence.seq,
        },
    }


def result_snapshot(application) -> dict | None:
    """The snapshot of the re-print after the committee's result: the printed snapshot and the result; None
    while there is no result. The application's own snapshot is never touched."""
    outcome = committee_outcome(application)
    return outcome and {**printed_snapshot(application), "committee": outcome}


class Overflow:
    """Cells of a fixed size on the form: what does not fit is cut with 续见附页 and printed whole on the
    attachment page at the end (like the 简表's overflow note)."""

    def __init__(self, look: Look):
        self.look, self.items = look, []

    def fit(self, label: str, text, width: float, max_lines: int) -> str:
        lines = self.look.cell_for(text, width).split("\n")
        if len(lines) <= max_lines:
            return "\n".join(lines)
        self.items.append((label, "" if text is None else str(text)))
        kept = self.look.cell_for("".join(lines[:max_lines]), width - text_width(CONTINUED, self.look.size))
        return "\n".join(kept.split("\n")[:max_lines]) + CONTINUED

    def flow(self, width: float) -> list:
        if not self.items:
            return []
        look = self.look
        widths = [width * 0.22, width * 0.78]
        data = [look.row(["栏目", "内容"], widths)] + [look.row(item, widths) for item in self.items]
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle(look.grid + HEADER + [("VALIGN", (0, 1), (-1, -1), "TOP")]))
        return [PageBreak(), Paragraph(ATTACHMENT_TITLE, look.title), Paragraph(ATTACHMENT_NOTE, look.caption),
                Spacer(1, 2 * mm), table]


def _grid(look: Look, grid: Grid, width: float) -> Table:
    """A bordered table with its header row, padded with empty rows to the grid's minimum as the printed form is."""
    widths = [width * w / sum(grid.weights) for w in grid.weights]
    data = [look.row(grid.header, widths)] + [look.row(row, widths) for row in grid.rows]
    padding = max(grid.minimum - len(grid.rows), 0)
    data += [[""] * len(grid.header) for _ in range(padding)]
    table = Table(data, colWidths=widths, repeatRows=1,
                  rowHeights=[None] * (1 + len(grid.rows)) + [look.leading + 6] * padding)
    table.setStyle(TableStyle(look.grid + HEADER + [("ALIGN", (0, 0), (-1, 0), "CENTER")]))
    return table


def _box(look: Look, box: Box, width: float) -> Table:
    table = Table([[look.cell_for(f"{box.title}：", width)], [look.cell_for(box.text, width - 8 * mm)],
                   [f"{box.sign}　　{cn_date(box.date)}"]],
                  colWidths=[width], rowHeights=[look.leading + 6, box.height * mm, look.leading + 8])
    table.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), *GRID[0][3:]), ("FONT", (0, 0), (-1, -1), FONT, look.size, look.leading),
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("LEFTPADDING", (0, 1), (0, 1), 8 * mm), ("ALIGN", (0, 2), (0, 2), "RIGHT"),
        ("RIGHTPADDING", (0, 2), (0, 2), 10 * mm),
    ]))
    return table


def _text_block(look: Look, overflow: Overflow, text: Text, width: float) -> Table:
    table = Table([[overflow.fit(text.label, text.text, width, text.lines)]], colWidths=[width])
    table.setStyle(TableStyle(look.grid + [("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _vote_block(look: Look, vote: Vote, width: float) -> Table:
    """评审组织意见: 总人数（应到）… 弃权, 评审结果 and its date."""
    widths = [width / 6] * 6
    data = [[look.cell_for(vote.title, width), "", "", "", "", ""],
            look.row(vote.header, widths),
            look.row(vote.counts, widths),
            [look.cell_for(vote.result, width), "", "", "", "", ""],
            [f"{vote.sign}　　{cn_date(vote.date)}", "", "", "", "", ""]]
    table = Table(data, colWidths=widths, rowHeights=[look.leading + 6, None, 10 * mm,
                                                      max(14 * mm, (vote.result.count("\n") + 1) * look.leading + 6),
                                                      look.leading + 8])
    table.setStyle(TableStyle(look.grid + [
        ("SPAN", (0, 0), (-1, 0)), ("SPAN", (0, 3), (-1, 3)), ("SPAN", (0, 4), (-1, 4)),
        ("ALIGN", (0, 1), (-1, 2), "CENTER"), ("ALIGN", (0, 4), (-1, 4), "RIGHT"),
        ("RIGHTPADDING", (0, 4), (-1, 4), 10 * mm), ("VALIGN", (0, 3), (-1, 3), "TOP"),
    ]))
    return table


def _sectioned(look: Look, title: str, *parts, together: bool = False) -> list:
    """A section's title and its tables: moved on to the next page with its first rows (`together`: whole)."""
    heading = Paragraph(escape(title), look.section)
    if together:
        return [KeepTogether([heading, *parts]), Spacer(1, 2 * mm)]
    return [CondPageBreak(heading.style.leading + heading.style.spaceBefore + 3 * (look.leading + 6) + 4),
            heading, *parts, Spacer(1, 2 * mm)]


class ReviewLook(Look):
    """The 评审表's type: 9 pt cells, section titles in black as on the printed form."""

    def __init__(self):
        super().__init__(9, 12)
        base = styles()
        self.title = ParagraphStyle("review-title", parent=base["title"], fontSize=14, leading=20, spaceAfter=4)
        self.section = ParagraphStyle("review-section", parent=base["body"], fontSize=11, leading=16,
                                      spaceBefore=6, spaceAfter=3)
        self.cover_title = ParagraphStyle("cover-title", parent=base["title"], fontSize=24, leading=34)
        self.cover = ParagraphStyle("cover-line", parent=base["cover"], fontSize=14, leading=20)
        self.imprint = ParagraphStyle("imprint", parent=base["cover"], fontSize=13, leading=18, alignment=1)


def _cover(form: ReviewForm, look: Look) -> list:
    """封面: the title, then 姓名, 工作单位, 申报系列（专业）, 现任职务, 申报资格 and 填表日期 on ruled lines."""
    cover = look.cover
    table = Table([[Paragraph(label, cover), Paragraph(escape(value or ""), cover)] for label, value in form.cover],
                  colWidths=[48 * mm, 86 * mm], rowHeights=[15 * mm] * len(form.cover))
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 14), ("LINEBELOW", (1, 0), (1, -1), 0.8, "black"),
                               ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                               ("ALIGN", (0, 0), (0, -1), "RIGHT")]))
    return [Spacer(1, 40 * mm), Paragraph(REVIEW_TITLE, look.cover_title), Spacer(1, 45 * mm), table,
            Spacer(1, 60 * mm), Paragraph(IMPRINT, look.imprint), PageBreak()]


def _basic_page(form: ReviewForm, width: float, look: Look, overflow: Overflow, *, photo: bytes | None) -> list:
    """基本情况: 现名/曾用名 … 外语, the photo in the top right cell over the first four rows."""
    photo_width = width * 0.2
    label, value = (width - photo_width) * 0.16, (width - photo_width) * 0.52 / 3
    widths = [label, value] * 3 + [photo_width]
    data = []
    for i, row in enumerate(form.head):
        cells = [look.cell_for(t, label + 2 * value if j == 1 and row[2] is None else widths[j])
                 if t is not None else "" for j, t in enumerate(row)]
        data.append(cells + [_photo(photo, photo_width, height=40 * mm) if i == 0 else ""])
    head = Table(data, colWidths=widths, rowHeights=[10 * mm] * len(form.head))
    head.setStyle(TableStyle(look.grid + [("SPAN", (1, 2), (3, 2)), ("SPAN", (6, 0), (6, len(form.head) - 1)),
                                          ("ALIGN", (6, 0), (6, 0), "CENTER")]))

    edu_widths = [label] + [(width - label) * w for w in (0.24, 0.28, 0.22, 0.1, 0.16)]
    education = Table([look.row(row, edu_widths) for row in form.education], colWidths=edu_widths)
    education.setStyle(TableStyle(look.grid + [("SPAN", (0, 0), (0, 1)), ("ALIGN", (1, 0), (-1, -1), "CENTER")]))

    label_wide = width * 0.3
    data = [[look.cell_for(text.label, label_wide), overflow.fit(text.label, text.text, width - label_wide,
                                                                  text.lines)]
            for text in form.basic]
    rest = Table(data, colWidths=[label_wide, width - label_wide],
                 rowHeights=[max((t.count("\n") + 1) * look.leading + 6, 14 * mm) for _, t in data])
    rest.setStyle(TableStyle(look.grid))
    return [Paragraph("一、基本情况", look.title), head, education, rest, PageBreak()]


def review_flow(snapshot: dict, width: float, *, photo: bytes | None) -> list:
    """The 评审表 in the national template's order (applications.review_form): 封面, 基本情况 with the photo,
    学习培训经历, 工作经历, 业绩 before and after the present post, 著作论文, 考试成绩及答辩情况, 考核, the series'
    own section, 单位推荐意见, 评审审批意见 (the vote block), and the attachment page for what overflowed. A
    snapshot with `committee` (the re-print after the result) fills in 答辩情况 and the vote block."""
    look = ReviewLook()
    overflow = Overflow(look)
    form = review_form(snapshot)
    flow = _cover(form, look) + _basic_page(form, width, look, overflow, photo=photo)
    for part in form.parts:
        if part.series:
            flow += [PageBreak(), Paragraph(escape(part.title), look.title)]
            flow += section_flow(snapshot, width, look, only=part.series.key)
            continue
        drawn = []
        for item in part.items:
            if isinstance(item, Grid):
                drawn.append(_grid(look, item, width))
            elif isinstance(item, Text):
                drawn.append(_text_block(look, overflow, item, width))
            elif isinstance(item, Box):
                drawn.append(_box(look, item, width))
            else:
                drawn.append(_vote_block(look, item, width))
        if part.page:
            flow += [PageBreak(), Paragraph(escape(part.title), look.title)]
            for i, table in enumerate(drawn):
                flow += [Spacer(1, 5 * mm), table] if i else [table]
        else:
            flow += _sectioned(look, part.title, *drawn, together=part.together)
    return flow + overflow.flow(width)


def review_pdf(application, *, photo: bytes | None = None, snapshot: dict | None = None,
               draft: bool = False) -> bytes:
    """专业技术资格评审表: cover, 基本情况 with photo, every section, and the opinion pages left for signatures (a
    draft's preview stamped on every page, the cover included)."""
    register_font()
    snapshot = snapshot or printed_snapshot(application)
    photo = photo if photo is not None else photo_bytes(application, snapshot)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title="专业技术资格评审表", author="zhicheng",
                            initialFontName=FONT, initialFontSize=9)
    flow = review_flow(snapshot, A4[0] - 36 * mm, photo=photo)
    numbered = _page_number(snapshot["account"]["name"], draft=draft)
    doc.build(flow, onFirstPage=(lambda canvas, d: _draft_stamp(canvas, d)) if draft else (lambda canvas, d: None),
              onLaterPages=numbered)
    return buffer.getvalue()


def review_xlsx(application, *, photo: bytes | None = None, snapshot: dict | None = None,
                draft: bool = False) -> bytes:
    """The 评审表 as an Excel workbook in the same layout (applications.review_workbook)."""
    snapshot = snapshot or printed_snapshot(application)
    photo = photo if photo is not None else photo_bytes(application, snapshot)
    return review_workbook(snapshot, photo=photo, draft=draft)


def result_pdf(application, *, photo: bytes | None = None, snapshot: dict | None = None, draft: bool = False) -> bytes:
    """The 评审表 re-printed after the committee's result: the filed print with 答辩情况 and the vote block filled
    in from the decision (result_snapshot)."""
    return review_pdf(application, photo=photo, snapshot=snapshot or result_snapshot(application), draft=draft)


def result_xlsx(application, *, photo: bytes | None = None, snapshot: dict | None = None,
                draft: bool = False) -> bytes:
    """The Excel 评审表 re-printed after the committee's result, like result_pdf."""
    return review_xlsx(application, photo=photo, snapshot=snapshot or result_snapshot(application), draft=draft)


BUILDERS = {"brief_pdf": brief_pdf, "review_pdf": review_pdf, "review_xlsx": review_xlsx, "result_pdf": result_pdf,
            "result_xlsx": result_xlsx}
