"""评审统计 and a long export, in the browser: the HR bureau's clerk reads the days each node took, the backlog
and the records waiting at their units, each chart beside its table; then exports the 职称资格审查 list, which is
long enough to be generated in the background (the worker run here as `db_worker`): a progress bar, then the file
downloads by itself, masked and watermarked with the clerk's name."""

import datetime
from io import BytesIO

from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from applications.models import Application
from core.masking import mask_id_number
from core.models import FlowEntry
from orgs.models import Unit
from review.models import Decision
from tests.applications.support import plan_for
from tests.conftest import DATABASE_TASKS
from tests.factories import PASSWORD, PersonFactory, UnitFactory, bureau_staff
from tests.review.support import make_record


def flow(application, *steps):
    start = timezone.now() - datetime.timedelta(days=30)
    for days, action, stage in steps:
        entry = FlowEntry.objects.create(subject_type="application", subject_id=application.pk, actor_name="经办人",
                                         role="", stage=stage, action=action, action_label=action,
                                         at=start + datetime.timedelta(days=days))
        if stage:
            Decision.objects.create(subject_type="application", subject_id=application.pk, stage=stage,
                                    decision=action, role="", entry=entry, at=entry.at)


def test_the_bureau_reads_the_new_figures_and_exports_a_long_list(page, shot, log_in, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.TASKS = DATABASE_TASKS
    settings.EXPORT_BACKGROUND_ROWS = 2
    plan = plan_for("工程技术")
    department = UnitFactory(kind=Unit.Kind.DEPARTMENT, nature=Unit.Nature.GOVERNMENT, name="福州市工业和信息化局")
    unit = UnitFactory(name="福建闽江工程科技有限公司", department=department)
    other = UnitFactory(name="福州软件园发展有限公司", department=department)
    people = []
    for name, days, stage in (("李娜", (2, 6), "bureau"), ("王磊", (4, 9), "bureau"), ("赵敏", (1, 3), "bureau")):
        person = PersonFactory(unit=unit, name=name, series="工程技术")
        people.append(person)
        application = Application.objects.create(applicant=person, plan=plan, unit=unit, series="工程技术",
                                                 level="副高", status="submitted", stage=stage,
                                                 submitted_at=timezone.now(), node_since=timezone.now())
        flow(application, (0, "submit", ""), (days[0], "approve", "unit"), (days[1], "approve", "department"))
    for owner_unit, count in ((unit, 3), (other, 1)):
        owner = PersonFactory(unit=owner_unit, name=f"{owner_unit.name[:2]}业绩人")
        for _ in range(count):
            make_record(owner)
    staff = bureau_staff(name="人社厅郑强")

    log_in(staff.username, PASSWORD)
    page.locator("aside").get_by_role("link", name="评审统计", exact=True).click()
    durations = page.get_by_test_id("stats-durations")
    expect(durations.get_by_role("row", name="用人单位审核 3 2.0 4.0")).to_be_visible()
    expect(durations.get_by_role("row", name="主管部门审核 3 4.0 5.0")).to_be_visible()
    expect(page.get_by_test_id("stats-backlog").get_by_role("row", name="业绩·单位审核 4")).to_be_visible()
    expect(page.get_by_test_id("stats-backlog").get_by_role("row", name="人社部门审核 3")).to_be_visible()
    units = page.get_by_test_id("stats-pending-units")
    expect(units.get_by_role("row")).to_have_count(3)
    expect(units.get_by_role("row").nth(1)).to_have_text("福建闽江工程科技有限公司3")
    for chart in ("stats-chart", "chart-durations-canvas", "chart-backlog-canvas", "chart-units-canvas"):
        page.wait_for_selector(f"#{chart}[data-rendered='1']")
    page.get_by_test_id("stats-durations").scroll_into_view_if_needed()
    shot("1-statistics")

    page.goto("/chain/bureau/?status=all")
    page.get_by_test_id("export-xlsx").click()
    status = page.get_by_test_id("export-status")
    expect(status).to_have_attribute("data-state", "pending")
    expect(status).to_contain_text("已写入 0 / 3 行")
    expect(page.get_by_test_id("export-progress")).to_be_visible()
    shot("2-export-progress")

    with page.expect_download(timeout=20_000) as info:
        call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0)
    download = info.value
    assert download.suggested_filename == "职称资格审查-全部.xlsx"
    rows = list(load_workbook(BytesIO(open(download.path(), "rb").read())).active.iter_rows(values_only=True))
    assert rows[0][0].startswith("导出人：人社厅郑强　导出时间：")
    assert {row[2]: row[3] for row in rows[2:]} == {p.name: mask_id_number(p.id_number) for p in people}
    expect(status).to_have_attribute("data-state", "ready")
    expect(status).to_contain_text("已生成（共 3 行）")
    shot("3-export-ready")
