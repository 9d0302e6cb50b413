"""The Content-Security-Policy in the browser (issue 24 item 4): a journey through the login page, an applicant's
业绩档案 and record, the unit's review list and review page, 评审统计 with its chart, and the public 公示 page,
recording every violation the browser reports (the securitypolicyviolation event, and the console's "Refused to"
lines); there is none, and each page keeps its styling (the screenshots)."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from applications.models import Application
from orgs.models import PostQuota, Unit
from publicity import services as publicity_services
from tests.applications.support import dossier, plan_for
from tests.chain.support import filed, staff
from tests.factories import PASSWORD, PersonFactory, UnitFactory, bureau_staff, unit_admin

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def org(e2e_data, tmp_media):
    department = UnitFactory(kind=Unit.Kind.DEPARTMENT, nature=Unit.Nature.GOVERNMENT, name="福州市卫生健康委员会")
    unit = UnitFactory(name="福州市第一医院", department=department)
    plan = plan_for("工程技术")
    PostQuota.objects.create(unit=unit, year=plan.year, associate=5, confirmed_at=timezone.now())
    org = SimpleNamespace(unit=unit, plan=plan, clerk=unit_admin(unit, name="经办人甲"),
                          bureau=bureau_staff(name="人社厅郑强"),
                          committee=staff(Role.COMMITTEE_STAFF, plan.committee.bureau, name="评委会吴昊"))
    org.applicant = PersonFactory(unit=unit, name="张伟", series="工程技术", birth_date=datetime.date(1980, 1, 2))
    org.records = dossier(org.applicant, org.clerk, series="工程技术")
    filed(org, name="林芳", status=Application.Status.PASSED)
    filed(org, name="陈静")
    org.publicity = publicity_services.publicity_publish(
        actor=org.committee, plan=plan, starts_on=timezone.localdate(), days=5, contact="评委会办公室，0591-87654321")
    return org


def test_no_page_of_the_journey_breaks_the_policy(page, shot, log_in, log_out, org):
    page.add_init_script(RECORD_VIOLATIONS)
    refused: list[str] = []
    page.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
    visited = []

    def check(step: str) -> None:
        page.wait_for_load_state("networkidle")
        violations = page.evaluate("window.__cspViolations")
        assert violations == [], f"{step}: {violations}"
        assert refused == [], f"{step}: {refused}"
        # The page's own stylesheet is applied (a page that lost its styles would show a white top bar).
        background = page.locator("nav.zc-topbar").evaluate("e => getComputedStyle(e).backgroundImage")
        assert "linear-gradient" in background, step
        shot(step)
        visited.append(step)

    page.goto("/accounts/login/")
    check("01-login")

    # The applicant's 个人业绩库 and one of her records with its evidence.
    log_in(org.applicant.username, PASSWORD)
    check("02-applicant-home")
    page.locator("aside").get_by_role("link", name="个人业绩库").click()
    check("03-dossier")
    page.locator("aside .zc-dossier-menu a").first.click()
    expect(page.locator("table")).to_be_visible()
    check("04-dossier-list")
    log_out()

    # The unit's review list and a record's review page (its evidence shown inline).
    log_in(org.clerk.username, PASSWORD)
    page.locator("aside").get_by_role("link", name="业绩档案").click()
    page.locator("aside").get_by_role("link", name=re.compile(r"^\s*表彰奖励")).click()
    expect(page.locator("table tbody").get_by_role("link", name="查看")).to_have_count(1)
    check("05-unit-records")
    page.locator("table tbody").get_by_role("link", name="查看").click()
    expect(page.locator(".zc-card").first).to_be_visible()
    check("06-unit-record-review")
    log_out()

    # 评审统计: the chart is drawn by Chart.js under the policy.
    log_in(org.bureau.username, PASSWORD)
    page.locator("aside").get_by_role("link", name="评审统计", exact=True).click()
    page.wait_for_selector("#stats-chart[data-rendered='1']")
    check("07-statistics")
    log_out()

    # The public 公示 page, signed out.
    page.goto(f"/gs/{org.publicity.slug}/")
    expect(page.get_by_test_id("entries")).to_contain_text("林芳")
    check("08-public-publicity")
    assert len(visited) == 8


def test_the_recorder_sees_a_violation(browser, live_server, e2e_data):
    # The net above can fail: an inline style the page adds itself is reported. (A page of its own: the shared
    # page fixture fails on the console error this violation also writes.)
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto("/accounts/login/")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<div style=\"color: red\">x</div>')")
    page.wait_for_function("window.__cspViolations.length > 0")
    assert any(v.startswith("style-src") for v in page.evaluate("window.__cspViolations"))
    context.close()
