"""首页 in the browser: the applicant sees a returned record, her application's next step and the open plan's
countdown, and follows the links; the unit clerk sees the waiting application and opens it from the home."""

from io import BytesIO

from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from applications import services
from core.masking import mask_id_number
from dossier.models import Record
from dossier.models import Status as RecordStatus
from tests.applications.support import plan_for
from tests.factories import PASSWORD, PersonFactory, UnitFactory, unit_admin


def test_the_applicant_and_the_clerk_find_their_work_on_the_home_page(page, shot, log_in, log_out):
    unit = UnitFactory(name="福建闽江工程科技有限公司")
    plan = plan_for("工程技术")
    person = PersonFactory(unit=unit, name="张伟", series="工程技术")
    Record.objects.create(owner=person, unit=unit, kind="paper", title="桥梁抗震设计研究", status=RecordStatus.RETURNED,
                          submitted_at=timezone.now(), decided_at=timezone.now())
    services.application_start(actor=person, plan=plan, series="工程技术", level="副高")
    log_in(person.username, PASSWORD)
    expect(page.get_by_test_id("records-returned")).to_have_text("1")
    expect(page.get_by_test_id("returned-records")).to_contain_text("桥梁抗震设计研究")
    expect(page.get_by_test_id("my-applications")).to_contain_text("完善各部分内容并核对打印预览后，提交申报")
    days = (plan.closes_on - timezone.localdate()).days
    expect(page.get_by_test_id("plan-deadlines")).to_contain_text(f"还剩 {days} 天")
    shot("1-applicant-home")
    other = plan_for("经济")
    page.locator("aside").get_by_role("link", name="职称申报", exact=True).click()
    card = page.get_by_test_id(f"plan-{other.pk}")
    expect(card.get_by_label("申报级别")).to_have_class("form-select")  # styled like the other controls
    shot("1b-plan-cards")
    page.goto("/")
    page.get_by_test_id("my-applications").get_by_role("link", name="查看").click()
    expect(page).to_have_url(f"{page.url.split('/apply/')[0]}/apply/{person.applications.get().pk}/")
    log_out()

    applicant = PersonFactory(unit=unit, name="李娜", series="工程技术")
    filed = services.application_start(actor=applicant, plan=plan, series="工程技术", level="副高")
    filed.status, filed.stage, filed.submitted_at = "submitted", "unit", timezone.now()  # filed, as the chain tests
    filed.node_since = filed.submitted_at
    filed.save()
    filed.snapshot = services.snapshot_build(filed)
    filed.save(update_fields=["snapshot"])
    clerk = unit_admin(unit, name="经办人甲")
    log_in(clerk.username, PASSWORD)
    desk = page.get_by_test_id("desk-1")
    expect(desk).to_contain_text("职称申报审核")
    expect(desk).to_contain_text("工程技术 1")
    shot("2-clerk-home")
    desk.get_by_role("link", name="李娜 · 工程技术副高").click()
    expect(page.get_by_text("李娜").first).to_be_visible()
    assert f"/chain/unit/{filed.pk}/" in page.url

    # The desk's list goes to Excel, the numbers masked.
    page.goto("/chain/unit/?status=all")
    with page.expect_download() as info:
        page.get_by_test_id("export-xlsx").click()
    rows = list(load_workbook(BytesIO(open(info.value.path(), "rb").read())).active.iter_rows(values_only=True))
    assert rows[2][2] == "李娜" and rows[2][3] == mask_id_number(applicant.id_number)
