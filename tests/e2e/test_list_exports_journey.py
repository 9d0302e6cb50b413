"""导出Excel of two more lists in the browser: the applicant downloads 我的申报 from 职称申报 (her two applications,
watermarked with her name, nobody else's); the hospital's admin narrows 评审计划 to one 计划类型 and downloads it,
with only the plans the list shows and her own unit's 委托."""

from io import BytesIO

from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from applications.models import Application, Delegation
from tests.applications.support import plan_for
from tests.factories import PASSWORD, CommitteeFactory, PersonFactory, PlanFactory, UnitFactory, unit_admin


def downloaded(page, button) -> tuple[str, list[list]]:
    with page.expect_download() as info:
        button.click()
    download = info.value
    with open(download.path(), "rb") as file:
        rows = [list(r) for r in load_workbook(BytesIO(file.read())).active.iter_rows(values_only=True)]
    return download.suggested_filename, rows


def test_the_applicant_and_the_unit_admin_export_their_lists(page, shot, log_in, log_out, e2e_data):
    hospital = UnitFactory(name="福州市第一医院")
    clerk = unit_admin(hospital, name="医院经办人")
    engineering = plan_for("工程技术")
    teachers = CommitteeFactory(name="福州市中小学教师中级职称评审委员会", series="中小学教师", levels=["初级", "中级"])
    middle = PlanFactory(committee=teachers, year=2025, name="2025年福州中小学教师系列中级职称评审")
    junior = PlanFactory(committee=teachers, year=2024, name="2024年福州中小学教师系列初级职称评审", levels=["初级"])
    Delegation.objects.create(unit=hospital, plan=middle, delegate=UnitFactory(name="福州市人才服务中心"),
                              created_by=clerk)
    person = PersonFactory(unit=hospital, name="陈静", series="工程技术")
    for plan, status in ((junior, Application.Status.FAILED), (engineering, Application.Status.SUBMITTED)):
        Application.objects.create(applicant=person, plan=plan, unit=hospital, series=plan.committee.series,
                                   level="中级", status=status, stage="unit", submitted_at=timezone.now())
    other = PersonFactory(unit=hospital, name="王磊", series="工程技术")
    Application.objects.create(applicant=other, plan=engineering, unit=hospital, series="工程技术", level="副高",
                               status=Application.Status.SUBMITTED, stage="unit", submitted_at=timezone.now())

    log_in(person.username, PASSWORD)
    page.locator("aside").get_by_role("link", name="职称申报", exact=True).click()
    expect(page.get_by_role("heading", name="我的申报")).to_be_visible()
    shot("1-my-applications")
    name, rows = downloaded(page, page.get_by_test_id("export-xlsx"))
    assert name == "我的申报.xlsx"
    assert rows[0][0].startswith("导出人：陈静　导出时间：")
    assert [r[2] for r in rows[2:]] == [engineering.name, junior.name]  # newest first, as listed
    assert [r[9] for r in rows[2:]] == ["审核中", "评审未通过"]
    assert "王磊" not in str(rows)
    log_out()

    log_in(clerk.username, PASSWORD)
    page.locator("aside").get_by_role("link", name="评审计划", exact=True).click()
    filters = page.get_by_test_id("plan-filters")
    filters.get_by_label("计划类型").select_option(label="中小学教师系列")
    filters.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("plans").locator("tbody tr")).to_have_count(2)
    shot("2-plans-filtered")
    name, rows = downloaded(page, page.get_by_test_id("export-xlsx"))
    assert name == "评审计划.xlsx"
    assert rows[0][0].startswith("导出人：医院经办人　导出时间：")
    assert [(r[2], r[6]) for r in rows[2:]] == [(middle.name, "已委托：福州市人才服务中心"), (junior.name, "本单位审核")]
    assert engineering.name not in str(rows)
    expect(page.get_by_test_id("plans")).to_contain_text(middle.name)  # still on the list
