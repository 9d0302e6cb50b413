"""Helpers for the title-application tests: an approved dossier made through dossier.services, application
sections filled by POSTing their pages as a browser does, and real image files of a chosen size.

Years: plans are of this year (tests.factories.PlanFactory), so the "last five years" the pre-check asks for are
the five years before it (RECENT).
"""

import datetime
import io
import random
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageDraw

from applications.sections import sections
from core.uploads import check_upload
from dossier import services as dossier_services
from dossier.catalogue import catalogue
from dossier.forms import record_form
from review import services as review_services
from tests.factories import CommitteeFactory, PlanFactory
from tests.helpers import fetch_print, sign_in

TODAY = datetime.date.today()
YEAR = TODAY.year
RECENT = [YEAR - i for i in range(1, 6)]

# What each series applies for in these tests: level, 申报专业技术资格名称, the current title held.
SERIES = {
    "卫生技术": SimpleNamespace(level="副高", title="副主任医师", current=("卫生技术", "中级", "主治医师"),
                              unit="福州市第一医院", specialty="心血管内科"),
    "中小学教师": SimpleNamespace(level="副高", title="高级教师", current=("中小学教师", "中级", "一级教师"),
                             unit="福州第三中学", specialty="中学数学"),
    "会计": SimpleNamespace(level="副高", title="高级会计师", current=("会计", "中级", "会计师"),
                          unit="福建海峡会计师事务所", specialty="财务会计"),
    "工程技术": SimpleNamespace(level="副高", title="高级工程师", current=("工程技术", "中级", "工程师"),
                            unit="福建闽江工程科技有限公司", specialty="结构工程"),
}

PAPER_TITLE = "装配式桥梁伸缩缝的疲劳性能试验研究"
SCHOOL = "福州大学"


# ------------------------------------------------------------------------------------------------ files


def scan_image(title: str = "证书", size=(480, 320)) -> Image.Image:
    """An image that looks like a scanned certificate: a frame, lines of text and a red seal."""
    image = Image.new("RGB", size, (252, 250, 242))
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.rectangle((8, 8, w - 8, h - 8), outline=(170, 40, 40), width=5)
    draw.rectangle((40, 30, w - 40, 52), fill=(31, 95, 168))
    for i, y in enumerate(range(80, h - 70, 20)):
        draw.rectangle((40, y, w - 40 - (i % 3) * 60, y + 7), fill=(120, 126, 138))
    draw.ellipse((w - 130, h - 110, w - 30, h - 20), outline=(210, 40, 40), width=5)
    return image


def portrait(size=(300, 400)) -> Image.Image:
    """A passport-style photo: a blue background, a head and shoulders."""
    image = Image.new("RGB", size, (67, 142, 219))
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.ellipse((w * 0.3, h * 0.18, w * 0.7, h * 0.58), fill=(236, 200, 170))
    draw.rectangle((w * 0.42, h * 0.55, w * 0.58, h * 0.66), fill=(236, 200, 170))
    draw.ellipse((w * 0.08, h * 0.62, w * 0.92, h * 1.3), fill=(40, 40, 52))
    draw.ellipse((w * 0.3, h * 0.14, w * 0.7, h * 0.32), fill=(30, 24, 20))
    return image


def image_bytes(image: Image.Image, fmt: str = "JPEG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, quality=85) if fmt == "JPEG" else image.save(buffer, fmt)
    return buffer.getvalue()


def jpeg_of_size(n_bytes: int) -> bytes:
    """A real JPEG of exactly `n_bytes`: the largest noisy picture that stays under it, then padding after its
    end marker (which every decoder ignores), as files from cameras and scanners often carry."""
    best, low, high = b"", 8, 1200
    while low <= high:
        side = (low + high) // 2
        content = image_bytes(Image.frombytes("RGB", (side, side), random.Random(side).randbytes(side * side * 3)))
        if len(content) <= n_bytes:
            best, low = content, side + 1
        else:
            high = side - 1
    return best + b"\0" * (n_bytes - len(best))


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def photo_upload() -> SimpleUploadedFile:
    return upload("证件照.jpg", image_bytes(portrait()))


def id_card_upload(n_bytes: int | None = None, name: str = "身份证.jpg") -> SimpleUploadedFile:
    return upload(name, jpeg_of_size(n_bytes) if n_bytes else image_bytes(scan_image("居民身份证", (420, 265))))


def scan_upload(name: str = "证书.jpg") -> SimpleUploadedFile:
    return upload(name, image_bytes(scan_image(name)))


# ------------------------------------------------------------------------------------------------ plans


def plan_for(series: str, **kwargs):
    """An open plan of this year for `series` (中级 to 正高); the health series' plan asks for a 卫生-专题."""
    committee = CommitteeFactory(name=f"福建省{series}高级职称评审委员会", series=series, levels=["中级", "副高", "正高"])
    if series == "卫生技术":
        kwargs.setdefault("health_requires", ["health_topic"])
    return PlanFactory(committee=committee, **kwargs)


# ------------------------------------------------------------------------------------------------ dossier


def approved(owner, admin, kind_key: str, data: dict, *, evidence: bool = True, slot_files: dict | None = None):
    """A record of `owner` entered through the generated form, submitted and approved by `admin`."""
    kind = catalogue().kind(kind_key)
    form = record_form(kind, data=data, unit_name=owner.unit.name if owner.unit_id else "")
    assert form.is_valid(), form.errors
    files = [check_upload(scan_upload(f"{kind.label}佐证.jpg"), kind.evidence)] if evidence and kind.evidence.enabled else []
    checked_slots = {key: [check_upload(f, kind.slot(key)) for f in uploads] for key, uploads in (slot_files or {}).items()}
    record = dossier_services.record_create(owner=owner, kind=kind, data=form.record_data(), files=files,
                                            slot_files=checked_slots)
    record = dossier_services.record_submit(actor=owner, record=record)
    return review_services.record_decide(actor=admin, record=record, decision="approve", opinion="情况属实")


def dossier(owner, admin, *, series: str, ce_hours: int = 100, appraisal: str = "优秀", years=RECENT) -> SimpleNamespace:
    """A realistic approved dossier: two degrees, continuing education and an appraisal for each recent year, a
    paper, a book, a patent, an award, an honour and a society post (and a 卫生-专题 for the health series)."""
    made = SimpleNamespace(ce=[], appraisals=[])
    made.bachelor = approved(owner, admin, "education", {
        "school": SCHOOL, "start_date": "2002-09-01", "end_date": "2006-07-01", "major": "土木工程",
        "education_type": "全日制教育", "length": "4年", "education": "大学本科", "degree": "学士",
        "degree_date": "2006-07-01"})
    made.master = approved(owner, admin, "education", {
        "school": "同济大学", "start_date": "2011-09-01", "end_date": "2014-06-30", "major": "结构工程",
        "education_type": "在职教育", "length": "3年", "education": "硕士研究生", "degree": "硕士",
        "degree_date": "2014-06-30"})
    for year in years:
        made.ce.append(approved(owner, admin, "continuing_education", {
            "ce_type": "专业课", "year": str(year), "hours": str(ce_hours), "programme": f"{year}年度专业技术人员继续教育",
            "organiser": "福建省继续教育中心", "start_date": f"{year}-03-01", "end_date": f"{year}-11-30"}))
        made.appraisals.append(approved(owner, admin, "appraisal", {"year": str(year), "grade": appraisal}))
    made.paper = approved(owner, admin, "paper", {
        "title": PAPER_TITLE, "published_on": f"{YEAR - 2}-06-15", "journal": "土木工程学报",
        "journal_level": "核心期刊", "index": ["EI"], "participants": "3", "rank": "1"})
    made.book = approved(owner, admin, "book", {
        "name": "桥梁结构设计实务", "book_type": "专著", "published_on": f"{YEAR - 3}-05-01", "publisher": "人民交通出版社",
        "isbn": "978-7-114-12345-0", "participants": "2", "rank": "1"})
    made.patent = approved(owner, admin, "patent", {
        "number": "ZL202310123456.7", "name": "一种装配式桥梁伸缩缝装置", "patent_type": "实用新型",
        "approved_on": f"{YEAR - 2}-02-20", "participants": "4", "rank": "1"})
    made.award = approved(owner, admin, "project_award", {
        "project": "闽江北岸滨江步道桥梁工程", "award": "福建省科学技术进步奖", "participants": "9", "rank": "2",
        "awarded_on": f"{YEAR - 2}-12-01", "level": "省部级", "grade": "二等"})
    made.honour = approved(owner, admin, "honour", {
        "name": "福州市青年岗位能手", "granted_on": f"{YEAR - 3}-05-04", "grantor": "共青团福州市委员会", "level": "市厅级"})
    made.society = approved(owner, admin, "academic_post", {
        "organisation": "福建省土木建筑学会", "start_date": f"{YEAR - 4}-01-01", "post": "理事"})
    if series == "卫生技术":
        made.topic = health_topic(owner, admin)
    return made


def health_topic(owner, admin):
    """An approved 卫生-专题 entered without the template (its attachment instead of a case list)."""
    return approved(owner, admin, "health_topic", {
        "topic_type": "专题报告", "by_template": "否", "name": "急性心肌梗死介入治疗的临床观察",
        "summary": "总结近五年介入治疗病例。"}, slot_files={"non_template": [scan_upload("专题.jpg")]})


# ------------------------------------------------------------------------------------------------ pages


def login(client, user):
    sign_in(client, user)
    return client


def page_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def section_url(application, key: str) -> str:
    return reverse("applications:section", args=[application.pk, key])


def save_section(client, application, key: str, data: dict, **files):
    """保存 on a fields section page; `files` are slot uploads by slot key."""
    post = {"action": "save", **data}
    for slot, uploads in files.items():
        post[f"slot_{slot}"] = uploads
    return client.post(section_url(application, key), post)


def add_row(client, application, key: str, data: dict, files=()):
    post = {"action": "add_row", **data}
    if files:
        post["row_files"] = list(files)
    return client.post(section_url(application, key), post)


def add_group_row(client, application, key: str, group: str, data: dict):
    post = {"action": f"add_group:{group}", **{f"{group}-{k}": v for k, v in data.items()}}
    return client.post(section_url(application, key), post)


def pick(client, application, key: str, records):
    return client.post(section_url(application, key), {"action": "pick", "records": [r.pk for r in records]})


def update_row(client, application, key: str, row_id: str, data: dict, group: str = ""):
    post = {"action": "update_row", "row_id": row_id, "group": group}
    post.update({f"{group}-{k}" if group else k: v for k, v in data.items()})
    return client.post(section_url(application, key), post)


def rows_of(application, key: str, group: str = "") -> list[dict]:
    application.refresh_from_db()
    stored = application.data.get(key, {})
    return stored.get("groups", {}).get(group, []) if group else stored.get("rows", [])


def values_of(application, key: str) -> dict:
    application.refresh_from_db()
    return application.data.get(key, {}).get("values", {})


# ------------------------------------------------------------------------------------------------ sections


def basic_values(series: str) -> dict:
    setup = SERIES[series]
    return {
        "ethnicity": "汉族", "political": "中共党员", "current_specialty": setup.specialty, "admin_post": "",
        "admin_level": "无", "work_start": "2006-08-01", "qualification_specialty": setup.specialty,
        "title_name": setup.title, "language": "英语综合B合格", "computer": "三个模块合格",
    }


def qualification_values(series: str, *, obtained: str | None = None) -> dict:
    title_series, level, name = SERIES[series].current
    return {
        "title_series": title_series, "title_specialty": SERIES[series].specialty, "title_level": level,
        "title_name": name, "title_obtained": obtained or f"{YEAR - 7}-12-20", "post_series": title_series,
        "post_level": level, "post_name": name, "appointed_on": f"{YEAR - 7}-12-31",
    }


WORK_HISTORY = {
    "before": "2006年7月至2016年12月在福建闽江工程科技有限公司从事桥梁结构设计，参与完成中小跨径桥梁设计二十余座。",
    "after": "取得现资格后主持闽江北岸滨江步道桥梁工程等项目的结构设计与施工技术指导，解决装配式伸缩缝耐久性问题。",
}
ACHIEVEMENTS = {"summary": "主持完成省级重点工程三项，获福建省科学技术进步奖二等奖一项，授权实用新型专利一项。"}

TEACHER = {
    "stage": "高中", "subject": "数学", "teaching_since": "2009-08-20", "years_secondary": "16", "years_primary": "0",
    "years_kindergarten": "0", "years_in_post": "7", "years_head_teacher": "10", "years_research_leader": "3",
    "excellent_class": "2021年所带高二（3）班获评福州市优秀班集体。", "teaching_now": "否",
    "teaching_results": "连续三届高考数学平均分居全市前列。", "mentoring": "指导青年教师三名，其中一名获市优质课一等奖。",
    "research_results": "主持市级课题一项。", "remarks": "无",
}
HEALTH = {
    "institution": "医院", "institution_level": "三级甲等", "institution_nature": "公立医疗机构",
    "qualification": "副主任医师", "practice_category": "临床", "practice_scope": "内科专业", "specialty": "内科学",
    "language_level": "职称外语B级合格", "review_title": "冠心病介入治疗进展综述", "review_published_on": f"{YEAR - 1}-04-01",
    "review_journal": "中华心血管病杂志", "results_provincial": "省医学科技奖三等奖", "transfer": "否", "exceptional": "否",
    "support": "无", "community_service": "已完成（累计满半年）",
}
ACCOUNTING = {"exam_year": str(YEAR - 2), "certificate_no": "3501202300123", "valid_from": f"{YEAR - 2}-10-01",
              "valid_to": f"{YEAR + 3}-09-30"}


def fill_everything(client, application, records, *, series: str, basic: dict | None = None,
                    qualification: dict | None = None) -> None:
    """Fill every section of `application` through its pages: pick the dossier records, type the rest, upload
    the photo and the ID-card image. `basic` and `qualification` override values. Asserts each step was
    accepted."""
    def ok(response):
        if response.status_code != 302:
            form = response.context and (response.context.get("form") or response.context.get("row_form"))
            raise AssertionError(f"refused ({response.status_code}): {form.errors if form else ''}")

    ok(save_section(client, application, "basic", {**basic_values(series), **(basic or {})}, photo=[photo_upload()],
                    id_card=[id_card_upload()]))
    ok(pick(client, application, "education", [records.bachelor, records.master]))
    ok(save_section(client, application, "qualification", {**qualification_values(series), **(qualification or {})}))
    ok(pick(client, application, "societies", [records.society]))
    ok(save_section(client, application, "work_history", WORK_HISTORY))
    ok(pick(client, application, "continuing_education", records.ce))
    ok(save_section(client, application, "achievements", ACHIEVEMENTS))
    ok(pick(client, application, "papers", [records.paper]))
    paper_row = rows_of(application, "papers")[-1]
    ok(update_row(client, application, "papers", paper_row["id"], {
        **{k: v for k, v in paper_row["values"].items() if v is not None}, "issn": "ISSN 0000-1317", "words": "8000"}))
    ok(pick(client, application, "books", [records.book]))
    ok(pick(client, application, "patents", [records.patent]))
    ok(pick(client, application, "awards", [records.award, records.honour]))
    ok(pick(client, application, "appraisals", records.appraisals))
    if series == "中小学教师":
        ok(save_section(client, application, "teacher", TEACHER))
        ok(add_group_row(client, application, "teacher", "resume", {
            "start": "2009-08-20", "employer": "福州第三中学", "work": "高中数学教学", "post": "一级教师"}))
    elif series == "卫生技术":
        ok(save_section(client, application, "health", HEALTH,
                        physician_certificates=[scan_upload("医师资格证书.jpg"), scan_upload("医师执业证书.jpg")]))
    elif series == "会计":
        ok(save_section(client, application, "accounting", ACCOUNTING))


def section_keys(series: str) -> list[str]:
    return [s.key for s in sections().for_series(series)]


# ------------------------------------------------------------------------------------------------ generated rows

PATTERN_SAMPLES = {"journal_number": "ISSN 2095-882X", "isbn": "ISBN 978-7-114-12345-0", "issn": "ISSN 2095-882X", "cn_serial": "CN 11-2120/TU", "patent_number": "ZL2023101234{n:02d}.7", "digits": "3501{n:04d}"}


def valid_row(fields, n: int = 1) -> dict:
    """POST values of a valid row for these field declarations, distinct for each `n` (years differ, so rows
    one-per-year sections accept them)."""
    values = {}
    for spec in fields:
        if spec.show_if:
            continue
        match spec.type:
            case "text" | "textarea":
                value = PATTERN_SAMPLES[spec.pattern].format(n=n) if spec.pattern else f"{spec.label}{n}"
                value = value[: spec.max_length or 200]
            case "date":
                value = f"{YEAR - 3}-0{1 + (spec.not_before is not None)}-01"
            case "year":
                value = str(YEAR - n)
            case "int":
                value = str(int(spec.min if spec.min is not None else 1) or 1)
            case "decimal":
                value = "100"
            case "choice":
                value = spec.choices[0]
            case _:
                value = ""
        values[spec.key] = value
    return values


# ------------------------------------------------------------------------------------------------ prints


def pdf_text(content: bytes) -> str:
    """The text of a PDF as poppler's pdftotext reads it, in drawing order (what a reviewer's viewer copies)."""
    return subprocess.run(["pdftotext", "-raw", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()


def render_workbook(content: bytes, name: str) -> list[Path]:
    """The workbook printed to PDF by LibreOffice as a spreadsheet program prints it (print areas, page setup,
    page breaks); the caller renders its pages to be looked at."""
    assert shutil.which("libreoffice"), "libreoffice-calc-nogui is needed (scripts/apt-deps.sh installs it)"
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / f"{name}.xlsx"
        source.write_bytes(content)
        subprocess.run(["libreoffice", f"-env:UserInstallation=file://{folder}/profile", "--headless",
                        "--convert-to", "pdf", "--outdir", folder, str(source)], check=True, capture_output=True,
                       timeout=180)
        pdf = (Path(folder) / f"{name}.pdf").read_bytes()
    return pdf


def flat(text: str) -> str:
    """Text without its line breaks and spaces, so that a title wrapped inside its cell is found whole."""
    return re.sub(r"\s+", "", text)


def pdf_info(content: bytes) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def download(client, application, kind: str):
    return fetch_print(client, reverse("applications:print", args=[application.pk, kind]))
