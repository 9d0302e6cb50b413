"""`DEBUG=1 uv run python -m bench.pdf`: what a 专业技术资格评审表 costs per page, against a floor.

The print is built in memory from an unsaved Application holding a realistic snapshot (a 中小学教师 applicant with
every section filled and the row lists near their limits, a photo), so no database is needed. Several runs are
timed; the figure is milliseconds per page (median run).

The floor is bare ReportLab drawing the same thing by hand: the same strings, in the same embedded font, at the
same sizes and positions (read back from the built PDF with poppler's `pdftotext -bbox`), with
canvas.drawString and nothing else — no platypus, no tables, no line breaking, no grid lines. The ratio says what
the layout engine costs on top of putting the text on the page; the target is ≤ 2×.

Options: --runs N (default 20), --save DIR (write both PDFs there to look at).
"""

import argparse
import html
import io
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET = 2.0


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhicheng.settings")
    import django

    django.setup()


# ------------------------------------------------------------------------------------------------ the application


def _photo() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (300, 400), (67, 142, 219))
    draw = ImageDraw.Draw(image)
    draw.ellipse((90, 72, 210, 232), fill=(236, 200, 170))
    draw.ellipse((24, 248, 276, 520), fill=(40, 40, 52))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _text(seed: str, length: int) -> str:
    sentence = f"{seed}：主持完成校级以上课题，组织开展课堂教学改革，指导青年教师参加优质课评比并获奖，所带班级成绩突出。"
    return (sentence * (length // len(sentence) + 1))[:length]


def realistic_snapshot() -> dict:
    """A filed 中小学教师 application: every section filled, lists near their limits, long texts near theirs."""
    year = 2026
    rows = lambda items: [{"id": f"r{i}", "values": v, "record_id": None} for i, v in enumerate(items)]  # noqa: E731
    sections = {
        "basic": {"values": {
            "ethnicity": "汉族", "political": "中共党员", "current_specialty": "中学数学", "admin_post": "数学教研组长",
            "admin_level": "无", "work_start": "2009-08-20", "qualification_specialty": "中学数学",
            "title_name": "高级教师", "language": "英语综合B合格", "computer": "三个模块合格"}},
        "education": {"rows": rows([
            {"start": "2005-09-01", "end": "2009-07-01", "school": "福建师范大学", "major": "数学与应用数学",
             "education": "大学本科", "degree": "学士", "pre_work": "是", "remarks": None},
            {"start": "2012-09-01", "end": "2015-06-30", "school": "华东师范大学", "major": "课程与教学论（数学）",
             "education": "硕士研究生", "degree": "硕士", "pre_work": "否", "remarks": "在职攻读"}])},
        "qualification": {"values": {
            "title_series": "中小学教师", "title_specialty": "中学数学", "title_level": "中级", "title_name": "一级教师",
            "title_obtained": "2017-12-20", "post_series": "中小学教师", "post_level": "中级", "post_name": "一级教师",
            "appointed_on": "2018-01-01"}},
        "societies": {"rows": rows([
            {"organisation": f"福建省数学学会第{i}届中学数学教学专业委员会", "post": "委员", "start": f"{2015 + i}-01-01",
             "end": None} for i in range(1, 6)])},
        "work_history": {"values": {"before": _text("任现职前", 640), "after": _text("任现职后", 680)}},
        "continuing_education": {"rows": rows([
            {"year": year - i, "content": f"{year - i}年中小学教师全员培训（数学学科）", "hours": "120"}
            for i in range(1, 6)])},
        "achievements": {"values": {"summary": _text("业绩成果", 1450)}},
        "papers": {"rows": rows([
            {"title": f"高中数学核心素养导向的单元教学设计研究之{i}", "journal": "数学通报", "issn": "ISSN 0583-1458",
             "published_on": f"{2018 + i % 7}-0{1 + i % 9}-15", "rank": 1 + i % 3, "words": 6000 + 100 * i}
            for i in range(1, 11)])},
        "books": {"rows": rows([
            {"title": f"高中数学解题方法与思维训练（第{i}册）", "publisher": "福建教育出版社",
             "isbn": f"978-7-5334-{8000 + i}-{i}", "published_on": f"{2019 + i}-08-01", "rank": i, "words": 180000}
            for i in range(1, 4)])},
        "patents": {"rows": rows([
            {"name": "一种用于立体几何教学的可拆装演示教具", "category": "实用新型", "number": f"ZL2021201234{i:02d}.7",
             "granted_on": f"{2021 + i % 3}-05-20", "rank": 1} for i in range(1, 3)])},
        "awards": {"rows": rows([
            {"award": f"福建省基础教育教学成果奖", "grade": ["特等", "一等", "二等", "三等"][i % 4],
             "project": f"指向深度学习的高中数学课堂教学实践{i}", "awarded_on": f"{2018 + i}-12-01",
             "grantor": "福建省教育厅", "rank": i} for i in range(1, 7)])},
        "appraisals": {"rows": rows([{"year": year - i, "result": "优秀" if i % 2 else "合格"} for i in range(1, 6)])},
        "teacher": {"values": {
            "stage": "高中", "subject": "数学", "teaching_since": "2009-08-20", "years_secondary": 16,
            "years_primary": 0, "years_kindergarten": 0, "years_in_post": 8, "years_head_teacher": 10,
            "years_grade_leader": 3, "years_moral": 0, "years_research_leader": 5, "years_district_researcher": 2,
            "years_city_researcher": 1, "excellent_class": _text("优秀班集体", 560), "promoted_on": None,
            "years_teacher": 16, "extra_terms": 4, "extra_lessons": 320, "teaching_now": "是",
            "teaching_results": _text("教育教学", 480), "mentoring": _text("培养青年教师", 290),
            "research_results": _text("教科研", 290), "remarks": _text("备注", 150)},
            "groups": {
                "resume": [{"id": f"g{i}", "values": {"start": f"{2009 + 4 * i}-08-20", "end": f"{2013 + 4 * i}-07-31",
                                                      "employer": "福州第三中学", "work": "高中数学教学、班主任",
                                                      "post": "一级教师"}} for i in range(4)],
                "teaching": [{"id": f"t{i}", "values": {"start": f"{2020 + i}-09-01", "end": f"{2021 + i}-07-15",
                                                        "grade": "高二", "stage": "高中", "subject": "数学",
                                                        "weekly_hours": 12, "head_teacher": "是",
                                                        "activities": "数学建模社团"}} for i in range(5)],
                "research": [{"id": f"s{i}", "values": {"topic": f"高中数学深度学习课堂研究{i}", "department": "福州市教育局",
                                                        "results": "研究报告、论文", "role": "主持", "appraisal": "良好"}}
                             for i in range(4)],
            }},
    }
    return {
        "account": {"name": "王磊", "id_number": "350102198609032112", "gender": "男", "birth_date": "1986-09-03",
                    "phone": "13800000002", "unit": "福州第三中学"},
        "plan": {"year": year, "name": f"{year}年度中小学教师职称评审", "committee": "福州市中小学教师职称评审委员会"},
        "series": "中小学教师", "level": "副高", "form": "常规申报", "sections": sections, "files": [],
        "submitted_at": f"{year}-03-15T10:00:00+08:00",
    }


# ------------------------------------------------------------------------------------------------ the floor


def placed_strings(pdf: bytes) -> tuple[tuple[float, float], list[list[tuple[float, float, float, str]]]]:
    """Every word of the PDF with its size and baseline position, per page (poppler's pdftotext -bbox)."""
    from reportlab.pdfbase.pdfmetrics import getFont

    from core.pdf import FONT

    face = getFont(FONT).face
    ascent, descent = face.ascent / 1000, face.descent / 1000
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(pdf)
        fh.flush()
        out = subprocess.run(["pdftotext", "-bbox", fh.name, "-"], capture_output=True, check=True).stdout.decode()
    pages = []
    size = None
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S):
        width, height = float(page.group(1)), float(page.group(2))
        size = (width, height)
        words = []
        for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>',
                             page.group(3)):
            x, top, bottom, text = float(m.group(1)), float(m.group(2)), float(m.group(3)), html.unescape(m.group(4))
            font_size = round((bottom - top) / (ascent - descent), 1)
            words.append((x, height - top - ascent * font_size, font_size, text))
        pages.append(words)
    return size, pages


def floor_pdf(page_size, pages) -> bytes:
    """The same words in the same font at the same places, drawn with canvas.drawString."""
    from reportlab.pdfgen.canvas import Canvas

    from core.pdf import FONT

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=page_size, initialFontName=FONT)
    for words in pages:
        current = None
        for x, y, size, text in words:
            if size != current:
                canvas.setFont(FONT, size)
                current = size
            canvas.drawString(x, y, text)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------------ timing


def timed(builds, runs: int) -> list[list[float]]:
    """Milliseconds of each build over `runs` rounds, the builds alternating within a round so that a busy
    machine slows them alike."""
    for build in builds:
        build()  # warm: font registration, section declarations, first-use caches
    times = [[] for _ in builds]
    for _ in range(runs):
        for build, spent in zip(builds, times):
            start = time.perf_counter()
            build()
            spent.append((time.perf_counter() - start) * 1000)
    return times


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pdf", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--save", type=Path, help="write the print and the floor PDF into this folder")
    args = parser.parse_args(argv)
    _setup()
    from applications.models import Application
    from applications.prints import review_pdf
    from core.pdf import register_font

    register_font()
    application = Application(series="中小学教师", level="副高", snapshot=realistic_snapshot())  # never saved
    photo = _photo()
    pdf = review_pdf(application, photo=photo)
    size, pages = placed_strings(pdf)
    n_pages, n_words = len(pages), sum(len(words) for words in pages)
    floor = floor_pdf(size, pages)

    platypus_ms, floor_ms = timed([lambda: review_pdf(application, photo=photo), lambda: floor_pdf(size, pages)],
                                  args.runs)
    per_page = statistics.median(platypus_ms) / n_pages
    floor_per_page = statistics.median(floor_ms) / n_pages
    ratio = per_page / floor_per_page

    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        (args.save / "review.pdf").write_bytes(pdf)
        (args.save / "floor.pdf").write_bytes(floor)
    print(f"评审表 (A4, {n_pages} pages, {n_words} placed strings, {len(pdf) / 1024:.0f} KB), {args.runs} runs")
    print(f"  print  (platypus, applications.prints.review_pdf): {per_page:7.2f} ms/page  "
          f"(median {statistics.median(platypus_ms):.1f} ms, min {min(platypus_ms):.1f}, max {max(platypus_ms):.1f})")
    print(f"  floor  (canvas.drawString, same strings/font/places): {floor_per_page:7.2f} ms/page  "
          f"(median {statistics.median(floor_ms):.1f} ms, {len(floor) / 1024:.0f} KB)")
    print(f"  ratio  {ratio:.2f}×  (target ≤ {TARGET:g}×) {'OK' if ratio <= TARGET else 'ABOVE TARGET'}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
