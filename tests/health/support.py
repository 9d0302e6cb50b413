"""Helpers for the health-series tests: values for 病案, cases and references, records built through the domain
functions, real small files, and Excel workbooks filled with openpyxl as an applicant fills the template."""

import datetime
import io
import re
import zipfile

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core.uploads import check_upload
from dossier import items, services
from dossier.catalogue import catalogue
from dossier.forms import item_form, record_form
from dossier.models import ImportJob, Record
from tests.helpers import sign_in

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SURGERY = ["无手术", "一级手术", "二级手术", "三级手术", "四级手术"]
OUTCOME = ["治愈", "好转", "未愈", "其他"]


def login(client, user):
    sign_in(client, user)
    return client


def page_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def years_ago(today: datetime.date, years: int) -> datetime.date:
    """The same day `years` years before `today` (28 February for 29 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def _iso(day: datetime.date) -> str:
    return day.isoformat()


# ------------------------------------------------------------------------------------------------ values


def case_values(i: int, *, admitted: datetime.date | None = None, stay: int = 7) -> dict:
    """A 卫生-病案 record's data as stored (JSON-ready); 住院号 has leading zeros."""
    admitted = admitted or datetime.date.today() - datetime.timedelta(days=40 + i)
    return {
        "inpatient_no": f"0023{i:04d}", "patient": f"患者{i}", "admitted_on": _iso(admitted),
        "discharged_on": _iso(admitted + datetime.timedelta(days=stay)),
        "surgery": SURGERY[i % len(SURGERY)] if i % 6 else None,
        "admission_diagnosis": f"社区获得性肺炎{i}", "discharge_diagnosis": f"肺炎 好转{i}",
        "outcome": OUTCOME[i % len(OUTCOME)],
    }


def topic_case_values(i: int, *, admitted: datetime.date | None = None, stay: int = 5) -> dict:
    """One row of a 专题/论文 case list as stored."""
    admitted = admitted or datetime.date.today() - datetime.timedelta(days=60 + 3 * i)
    return {
        "inpatient_no": f"0031{i:04d}", "patient": f"病人{i}", "sex": "男" if i % 2 else "女", "age": 30 + i % 60,
        "classification": "呼吸衰竭" if i % 3 else None, "admitted_on": _iso(admitted),
        "discharged_on": _iso(admitted + datetime.timedelta(days=stay)),
        "admission_diagnosis": "Ⅰ型呼吸衰竭", "discharge_diagnosis": f"呼吸衰竭 好转{i}",
        "remarks": f"备注{i}" if i % 4 == 0 else None,
    }


def reference_values(i: int, *, year: int | None = None) -> dict:
    return {"year": year or datetime.date.today().year, "title": f"重症患者早期活动相关研究（{i}）"}


def as_post(specs, values: dict) -> dict:
    """What a browser posts for these values (empty values left out)."""
    return {s.key: str(values[s.key]) for s in specs if values.get(s.key) not in (None, "")}


def as_cells(specs, values: dict, *, index: int | None = None) -> list:
    """One Excel row for these values: real dates in date columns, numbers in number columns, text elsewhere."""
    cells = [index] if index is not None else []
    for spec in specs:
        value = values.get(spec.key)
        if value is not None and spec.type == "date":
            value = datetime.date.fromisoformat(value)
        cells.append(value)
    return cells


# ------------------------------------------------------------------------------------------------ files


def png_bytes(size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


def png_upload(name: str = "扫描件.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def pdf_upload(name: str = "文献.pdf") -> SimpleUploadedFile:
    content = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/content-types"/>')
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def docx_upload(name: str = "查重报告.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, docx_bytes(),
                              content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


# ------------------------------------------------------------------------------------------------ records


def _valid(form) -> dict:
    assert form.is_valid(), form.errors
    return form.record_data()


def make_case(owner, i: int = 1, **kwargs) -> Record:
    """A 卫生-病案 record (编辑中) saved through the form and the service, as the page does."""
    kind = catalogue().kind("health_case")
    data = _valid(record_form(kind, data=as_post(kind.fields, case_values(i, **kwargs))))
    return services.record_create(owner=owner, kind=kind, data=data)


def make_topic(owner, *, by_template: str = "是", cases: int = 0, name: str = "经鼻高流量氧疗的护理", files=None,
               kind_key: str = "health_topic", **case_kwargs) -> Record:
    """A 专题 (or, with kind_key, a 论文) with `cases` rows in its case list."""
    kind = catalogue().kind(kind_key)
    values = {"topic_type": "三新专题", "by_template": by_template, "name": name, "summary": "新技术护理经验总结",
              "title": name, "link": "https://www.cnki.net/kcms/detail/1", "issn": "CN11-2234/R",
              "journal": "中华护理杂志", "published_on": "2024-06-15", "abstract": "摘要"}
    data = _valid(record_form(kind, data=as_post(kind.fields, values)))
    record = services.record_create(owner=owner, kind=kind, data=data, slot_files=files or {})
    if cases:
        add_cases(owner, record, cases, kind_key=kind_key, **case_kwargs)
    return record


def add_cases(owner, record, n: int, *, start: int = 1, kind_key: str = "health_topic", admitted=None) -> None:
    child = catalogue().kind(kind_key).child("cases")
    rows = [_valid(item_form(child, data=as_post(child.fields, topic_case_values(i, admitted=admitted))))
            for i in range(start, start + n)]
    items.items_import(actor=owner, record=record, child=child, rows=rows)


def make_paper(owner, *, by_template: str = "是", cases: int = 0, scans: bool = True) -> Record:
    kind = catalogue().kind("health_paper")
    files = {"scans": [check_upload(png_upload("封面.png"), kind.slot("scans"))]} if scans else {}
    return make_topic(owner, by_template=by_template, cases=cases, kind_key="health_paper", name="呼吸衰竭护理研究",
                      files=files)


def make_review(owner, *, references: int = 0, recent: int | None = None, attached: bool = True) -> Record:
    """A 综述 with `references` rows, the first `recent` of them from this year, the rest from 5 years ago."""
    kind = catalogue().kind("health_review")
    record = services.record_create(owner=owner, kind=kind, data={"name": "重症患者早期活动护理研究进展"})
    add_references(owner, record, references, recent=recent, attached=attached)
    return record


def add_references(owner, record, n: int, *, recent: int | None = None, attached: bool = True, start: int = 1):
    child = catalogue().kind("health_review").child("references")
    this_year = datetime.date.today().year
    recent = n if recent is None else recent
    for i in range(start, start + n):
        year = this_year if i - start < recent else this_year - 5
        attachment = check_upload(pdf_upload(f"文献{i}.pdf"), child.item_attachment) if attached else None
        items.item_add(actor=owner, record=record, child=child, data=reference_values(i, year=year),
                       attachment=attachment)


def rows_of(record, child_key: str) -> list[dict]:
    return [item.data for item in record.items.filter(list_key=child_key).order_by("position", "pk")]


# ------------------------------------------------------------------------------------------------ Excel


def template_workbook(client, url: str) -> openpyxl.Workbook:
    """Download a template over HTTP and open it as the applicant's Excel would."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(response.content))


def fill(workbook: openpyxl.Workbook, rows: list[list], *, first_row: int = 2) -> openpyxl.Workbook:
    sheet = workbook.worksheets[0]
    for r, row in enumerate(rows, start=first_row):
        for c, value in enumerate(row, start=1):
            sheet.cell(row=r, column=c, value=value)
    return workbook


def workbook_upload(workbook: openpyxl.Workbook, name: str = "病案.xlsx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


def upload(client, url: str, file) -> tuple[object, ImportJob | None]:
    """POST a file to an import URL and follow to the job page; returns (final response, the new job)."""
    before = ImportJob.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.post(url, {"file": file}, follow=True)
    assert response.status_code == 200, response.status_code
    return response, ImportJob.objects.filter(pk__gt=before).order_by("-pk").first()


def case_import_url() -> str:
    return reverse("dossier:import", kwargs={"kind_key": "health_case"})


def items_import_url(record, child_key: str = "cases") -> str:
    return reverse("dossier:items_import", kwargs={"pk": record.pk, "child_key": child_key})


def commit(client, job) -> object:
    return client.post(reverse("dossier:import_commit", kwargs={"job_pk": job.pk}), follow=True)


def cell_texts(row_html: str) -> list[str]:
    """The text of each <td> of one table row, whitespace collapsed."""
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row_html, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]


def allowed_rows(response) -> int:
    """How many preview rows say 允许导入."""
    return len(re.findall(r">允许导入</td>", response.content.decode()))


def text(response) -> str:
    """The page's visible text, roughly: tags removed, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
