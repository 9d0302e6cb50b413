"""全省检索 in the browser: the HR bureau's clerk opens it from the menu, searches two characters, reads the masked
numbers, opens a result and goes back to the results."""

import re

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Application
from dossier.models import Record, Status
from tests.applications.support import plan_for
from tests.factories import PASSWORD, PersonFactory, UnitFactory, bureau_staff, region


def test_the_bureau_clerk_searches_two_characters_and_opens_a_result(page, shot, log_in):
    search_url = reverse("lookup:search")  # loads the URLconf here rather than in the live server's first request
    hospital = UnitFactory(name="福州市第一医院", region=region("350102"))
    school = UnitFactory(name="厦门市实验小学", region=region("350203"))
    plan = plan_for("工程技术")
    lin = PersonFactory(unit=hospital, name="林晓燕")
    Record.objects.create(owner=lin, unit=hospital, kind="project_award", title="重症患者早期康复护理研究",
                          status=Status.APPROVED, submitted_at=timezone.now(), decided_at=timezone.now())
    Application.objects.create(applicant=lin, plan=plan, unit=hospital, series="工程技术", level="副高",
                               status=Application.Status.SUBMITTED, stage="unit", submitted_at=timezone.now())
    chen = PersonFactory(unit=school, name="陈晓燕")
    Record.objects.create(owner=chen, unit=school, kind="honour", title="优秀教师", status=Status.APPROVED,
                          submitted_at=timezone.now(), decided_at=timezone.now())
    PersonFactory(unit=school, name="周晓燕")  # no approved record, no application: not found

    log_in(bureau_staff(name="人社厅郑强").username, PASSWORD)
    page.locator("aside").get_by_role("link", name="全省检索", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(search_url) + "$"))
    expect(page.get_by_role("heading", name="全省检索")).to_be_visible()
    page.get_by_test_id("lookup-query").fill("晓")
    page.get_by_role("button", name="检索").click()
    expect(page.get_by_text("请输入至少2个字的姓名、身份证号、职称或关键词。")).to_be_visible()
    shot("1-too-short")

    page.get_by_test_id("lookup-query").fill("晓燕")
    page.get_by_role("button", name="检索").click()
    results = page.get_by_test_id("lookup-results")
    expect(results.locator("tbody tr")).to_have_count(3)
    expect(results).to_contain_text("陈晓燕")
    expect(results).not_to_contain_text("周晓燕")
    expect(results).to_contain_text(lin.id_number[:4] + "*" * 10 + lin.id_number[-4:])
    expect(results).not_to_contain_text(lin.id_number)
    shot("2-results")

    results.locator("tr", has_text="重症患者早期康复护理研究").get_by_role("link", name="林晓燕").click()
    document = page.get_by_test_id("lookup-document")
    expect(document).to_contain_text("重症患者早期康复护理研究")
    expect(document).to_contain_text("福州市第一医院")
    expect(document).to_contain_text("审核通过")
    shot("3-result")
    page.get_by_role("link", name="返回检索结果").click()
    expect(page.get_by_test_id("lookup-query")).to_have_value("晓燕")
    expect(page.get_by_test_id("lookup-results").locator("tbody tr")).to_have_count(3)
