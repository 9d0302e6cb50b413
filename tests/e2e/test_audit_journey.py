"""审计日志 in the browser: the system administrator opens it from the menu, sees each row's account as its handle
(never an ID number: a person's account name derives from the number's blind index),
filters by event and pages on; a bureau clerk whose password is older than 90 days is made to change it."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from core.audit import record
from tests.factories import PASSWORD, PersonFactory, bureau_staff, system_admin

COLD_START_MS = 60_000


@pytest.fixture(autouse=True)
def _served(page):
    """The live server's first page (its static files) can take longer than a step's timeout on a busy machine."""
    page.goto("/accounts/login/", timeout=COLD_START_MS)


def test_the_system_administrator_reads_the_audit_log(page, shot, log_in):
    admin = system_admin(name="系统管理员甲")
    applicant = PersonFactory(name="张伟")
    log_in(admin.username, PASSWORD)
    for i in range(55):
        record("download", user=applicant, object=f"/dossier/evidence/{i}/", ip="10.1.2.3")

    page.locator("aside").get_by_role("link", name="审计日志").click()
    expect(page.get_by_role("heading", name="审计日志")).to_be_visible()
    table = page.locator("table")
    expect(table).to_contain_text("下载/导出")
    expect(table).to_contain_text(applicant.username)
    assert applicant.id_number and not applicant.username.startswith(applicant.id_number[:6])
    expect(table).not_to_contain_text(applicant.id_number)
    expect(table).not_to_contain_text(f"{applicant.id_number[:4]}**********")
    shot("1-audit-log")

    page.get_by_label("事件").select_option(label="登录")
    page.get_by_role("button", name="查询").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("系统管理员")
    shot("2-sign-ins")

    page.get_by_label("事件").select_option(label="下载/导出")
    page.get_by_role("button", name="查询").click()
    expect(table.locator("tbody tr")).to_have_count(50)
    page.get_by_role("link", name="下一页").click()
    expect(table.locator("tbody tr")).to_have_count(5)
    expect(table).to_contain_text("/dossier/evidence/0/")
    shot("3-second-page")
    page.get_by_role("link", name="最新").click()
    expect(table).to_contain_text("/dossier/evidence/54/")


def test_a_clerk_with_an_expired_password_changes_it_first(page, shot, log_in):
    staff = bureau_staff("350000", name="人社局办事员")
    User.objects.filter(pk=staff.pk).update(password_changed_at=timezone.now() - datetime.timedelta(days=120))

    log_in(staff.username, PASSWORD)

    expect(page).to_have_url(f"{page.url.split('/accounts/')[0]}/accounts/password/change/")
    expect(page.get_by_text("您的密码已使用超过90天")).to_be_visible()
    shot("1-expired")
    page.get_by_label("原密码").fill(PASSWORD)
    page.get_by_label("新密码", exact=True).fill("Renewed2026pw")
    page.get_by_label("确认新密码").fill("Renewed2026pw")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("密码已修改。")).to_be_visible()
    shot("2-changed")
