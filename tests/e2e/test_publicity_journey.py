"""结果公示 in the browser (issue 22): the committee office publishes a plan's two passed results; a stranger opens
the public page without logging in and objects to 林芳 with an SMS-verified phone; the office does not accept the
objection, with its reason; once the period is over the bureau confirms the list's clean results in one action;
林芳 reads the period, the objection's outcome and her certificate number on her application page, and what
happened in her notices (the bell)."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from applications.models import Application
from notices.models import Notice
from orgs.models import PostQuota, Unit
from publicity.models import Objection, Publicity
from tests.applications.support import plan_for
from tests.chain.support import filed, last_weekday_before, staff
from tests.factories import PASSWORD, UnitFactory, bureau_staff, unit_admin

PHONE = "13912345678"


@pytest.fixture
def org(e2e_data, tmp_media):
    department = UnitFactory(kind=Unit.Kind.DEPARTMENT, nature=Unit.Nature.GOVERNMENT, name="福州市卫生健康委员会")
    unit = UnitFactory(name="福州市第一医院", department=department)
    plan = plan_for("工程技术")
    PostQuota.objects.create(unit=unit, year=plan.year, associate=5, confirmed_at=timezone.now())
    org = SimpleNamespace(
        unit=unit, plan=plan, clerk=unit_admin(unit, name="经办人甲"), bureau=bureau_staff(name="人社厅郑强"),
        committee=staff(Role.COMMITTEE_STAFF, plan.committee.bureau, name="评委会吴昊"),
        publicity=(last_weekday_before(14), last_weekday_before(1)),
    )
    org.nurse = filed(org, name="林芳", status=Application.Status.PASSED)
    org.other = filed(org, name="陈静", status=Application.Status.PASSED)
    return org


def test_published_objected_dismissed_confirmed(page, shot, log_in, log_out, sms_code_for, accept_dialogs, org):
    # The committee office publishes the plan's results.
    log_in(org.committee.username, PASSWORD)
    page.locator("aside").get_by_role("link", name="结果公示", exact=True).click()
    expect(page.get_by_test_id("plans")).to_contain_text(org.plan.name)
    page.get_by_test_id(f"publish-{org.plan.pk}").click()
    expect(page.get_by_test_id("waiting").locator("tbody tr")).to_have_count(2)
    page.get_by_label("异议受理联系方式").fill("省人社厅评委会办公室，电话0591-87654321")
    shot("01-publish")
    page.get_by_test_id("publish").click()
    expect(page.locator(".alert-success")).to_contain_text("已发布公示")
    expect(page.get_by_test_id("entries").locator("tbody tr")).to_have_count(2)
    publicity = Publicity.objects.get()
    log_out()

    # A stranger, not logged in, reads the list and objects to 林芳.
    page.goto(f"/gs/{publicity.slug}/")
    expect(page.get_by_test_id("period")).to_contain_text("5个工作日")
    id_number = org.nurse.applicant.id_number
    expect(page.get_by_test_id("entries")).to_contain_text(f"{id_number[:4]}**********{id_number[-4:]}")
    expect(page.get_by_test_id("entries")).not_to_contain_text(id_number)
    shot("02-public-page")
    page.get_by_test_id("object").click()
    page.get_by_label("异议对象").select_option(label=f"1. 林芳（{org.unit.name}）" if publicity.entries.get(
        name="林芳").seq == 1 else f"2. 林芳（{org.unit.name}）")
    page.get_by_label("异议人姓名").fill("张三")
    page.get_by_label("手机号").fill(PHONE)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.locator("#sms-status")).to_contain_text("验证码已发送")
    page.get_by_label("短信验证码").fill(sms_code_for(PHONE))
    page.get_by_label("异议内容").fill("其代表作与他人论文高度雷同。")
    shot("03-objection-form")
    page.get_by_test_id("submit-objection").click()
    expect(page.get_by_test_id("status")).to_have_text("待受理")
    receipt = page.url
    shot("04-receipt")

    # The office does not accept it, with its reason.
    log_in(org.committee.username, PASSWORD)
    page.locator("aside").get_by_role("link", name="结果公示", exact=True).click()
    page.get_by_role("link", name="办理").click()
    objection = Objection.objects.get()
    page.get_by_test_id(f"objection-{objection.pk}").click()
    expect(page.get_by_test_id("status")).to_have_text("待受理")
    page.get_by_test_id("reject").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("请填写受理意见或不予受理的理由。")
    page.get_by_label("受理意见 / 不予受理理由").fill("所附材料不能说明存在抄袭，不予受理。")
    page.get_by_test_id("reject").click()
    expect(page.get_by_test_id("status")).to_have_text("不予受理")
    shot("05-office-decided")
    log_out()
    page.goto(receipt)
    expect(page.get_by_test_id("status")).to_have_text("不予受理")

    # The period is over: the bureau confirms the list's clean results in one action.
    end = timezone.localdate() - datetime.timedelta(days=1)
    Publicity.objects.filter(pk=publicity.pk).update(starts_on=end - datetime.timedelta(days=10), ends_on=end)
    log_in(org.bureau.username, PASSWORD)
    page.locator("aside").get_by_role("link", name="结果公示", exact=True).click()
    page.get_by_role("link", name="办理").click()
    page.get_by_test_id("confirm-clean").click()
    expect(page.locator(".alert-success")).to_contain_text("已确认2人")
    shot("06-confirmed")
    log_out()

    # 林芳 reads the outcome on her application page, never who objected.
    log_in(org.nurse.applicant.username, PASSWORD)
    page.goto(f"/apply/{org.nurse.pk}/")
    panel = page.get_by_test_id("publicity-panel")
    expect(panel).to_contain_text("不予受理")
    expect(panel).not_to_contain_text("张三")
    number = Application.objects.get(pk=org.nurse.pk).certificate_no
    expect(page.get_by_test_id("certificate-no")).to_have_text(number)
    shot("07-applicant")

    # Her bell counts what happened (published, the objection's outcome, confirmed); the list names it.
    unread = Notice.objects.filter(user=org.nurse.applicant, read_at__isnull=True).count()
    assert unread >= 3  # the steps before the committee's result too, as this fixture wrote them
    expect(page.get_by_test_id("unread")).to_have_text(str(unread))
    page.get_by_test_id("bell").click()
    notices = page.get_by_test_id("notices")
    expect(notices).to_contain_text(f"证书编号{number}")
    expect(notices).to_contain_text("在公示期间收到的异议：不予受理")
    expect(notices).not_to_contain_text("张三")
    shot("08-notices")
    page.get_by_test_id("read-all").click()
    expect(page.get_by_test_id("unread")).to_have_count(0)
