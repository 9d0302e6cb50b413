"""The unit's 公示表 (PDF) and 一览表 (Excel) for a plan (FORMS-AND-RULES §2–§3): the roster's columns in order,
its candidates' rows from their filed applications, the contact's phone masked; only the unit's own filed
applications (or those ticked); 404 for anyone who administers no unit."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applications import chain, services
from applications.models import Application
from applications.publicity import COLUMNS
from core.masking import mask_phone
from tests.applications.support import SCHOOL, login, pdf_text
from tests.applications.test_prints import render_first_pages
from tests.factories import PersonFactory, UnitFactory

from .support import filed

pytestmark = pytest.mark.django_db


def url(plan, fmt, **query):
    base = reverse("chain:unit_publicity", args=[plan.pk, fmt])
    ids = "&".join(f"id={pk}" for pk in query.get("ids", []))
    return f"{base}?{ids}" if ids else base


@pytest.fixture
def posted(world):
    world.unit.contact_name, world.unit.contact_phone = "人事科林芳", "13912345678"
    world.unit.save()
    world.person.birth_date = datetime.date(1990, 5, 12)
    world.person.save()
    world.application = services.application_submit(actor=world.person, application=world.application)
    return world


def roster(client, plan, **query):
    response = client.get(url(plan, "xlsx", **query))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_the_roster_has_the_documented_columns_and_the_candidates_values(client, posted):
    login(client, posted.clerk)
    rows = roster(client, posted.plan)
    assert rows[0][0] == f"{posted.plan.name} 申报人员一览表"
    assert "单位（盖章）：福州市第一医院" in rows[1][0] and "填报人：人事科林芳" in rows[1][0]
    assert "139****5678" in rows[1][0] and "13912345678" not in str(rows)  # the phone masked
    assert rows[2] == COLUMNS
    assert len(rows) == 4
    row = dict(zip(COLUMNS, rows[3], strict=True))
    assert (row["序号"], row["姓名"], row["出生年月"], row["是否破格"]) == (
        1, "陈静", "1990-05", "否")
    # The highest of her two degrees (本科 at 福州大学, then 硕士 at 同济大学).
    assert (row["学历"], row["学位"], row["毕业学校"], row["所学专业"], row["毕业时间"]) == (
        "硕士研究生", "硕士", "同济大学", "结构工程", "2014-06")
    assert SCHOOL not in str(rows[3])
    snapshot = Application.objects.get(pk=posted.application.pk).snapshot["sections"]
    assert row["申报资格名称"] == snapshot["basic"]["values"]["title_name"]
    assert row["现资格名称"] == snapshot["qualification"]["values"]["title_name"]
    assert mask_phone("13912345678") == "139****5678"


def test_only_this_units_filed_applications_or_those_ticked(client, posted):
    filed(posted, name="第二人")
    filed(posted, name="外单位的人", unit=UnitFactory(name="外单位"))
    filed(posted, name="被退回的人", status=Application.Status.RETURNED)
    services.application_start(actor=PersonFactory(unit=posted.unit, name="草稿中的人", series="工程技术"),
                               plan=posted.plan, series="工程技术", level="副高")
    login(client, posted.clerk)
    names = [r[1] for r in roster(client, posted.plan)[3:]]
    assert names == ["陈静", "第二人"]
    assert [r[1] for r in roster(client, posted.plan, ids=[posted.application.pk])[3:]] == ["陈静"]


def test_the_pdf_is_the_publicity_sheet_to_post(client, posted):
    login(client, posted.clerk)
    response = client.get(url(posted.plan, "pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content).replace(" ", "")
    assert "申报人员公示表" in text and "陈静" in text and "公示期" in text and "139****5678" in text
    assert "13912345678" not in text
    render_first_pages(response.content, "chain-unit-publicity")


def test_the_plan_page_and_the_recommendation_form_offer_it(client, posted):
    login(client, posted.clerk)
    page = client.get(reverse("chain:unit_plan", args=[posted.plan.pk])).content.decode()
    assert url(posted.plan, "pdf") in page and url(posted.plan, "xlsx") in page and "陈静" in page
    chain.claim(actor=posted.clerk, stage="unit", pk=posted.application.pk)
    review = client.get(reverse("chain:review", args=["unit", posted.application.pk])).content.decode()
    assert "公示证明" in review
    assert 'data-testid="publicity-pdf"' in review


def test_someone_who_administers_no_unit_gets_404(client, posted):
    for outsider in (posted.person, posted.reviewer, posted.bureau):
        login(client, outsider)
        assert client.get(url(posted.plan, "pdf")).status_code == 404
    login(client, posted.clerk)
    assert client.get(url(posted.plan, "doc")).status_code == 404
