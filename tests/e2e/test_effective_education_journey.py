"""有效学历 in the browser (SPEC §4, 卫生技术): 陈静 has filled her 副高 application, her 学历信息 holding her bachelor's
and master's rows. In the 卫生技术 section she opens the 有效学历 drop-down, finds both rows as they read, picks the
master's and saves; the pick is kept. She then corrects the major of that row in 学历信息: the pre-check names the
stale pick and links back, where she picks the corrected row and the pre-check has nothing more to say of it."""

from django.test import Client
from playwright.sync_api import expect

from applications import services
from applications.models import Application
from applications.sections import sections
from tests.applications.support import dossier, fill_everything, login, plan_for, rows_of
from tests.factories import PASSWORD, PersonFactory, UnitFactory, unit_admin

STALE = "有效学历所选的一条已不在学历信息中"


def nurse_with_an_application():
    hospital = UnitFactory(name="福州市第一医院")
    person = PersonFactory(unit=hospital, name="陈静", series="卫生技术")
    records = dossier(person, unit_admin(hospital, name="护理部"), series="卫生技术")
    application = services.application_start(actor=person, plan=plan_for("卫生技术"), series="卫生技术", level="副高")
    client = Client()
    login(client, person)
    fill_everything(client, application, records, series="卫生技术")
    return person, Application.objects.get(pk=application.pk)


def offered(application) -> list[str]:
    application.refresh_from_db()
    return sections().row_choices(sections().get("health").field("effective_education"), application.data)


def test_nurse_picks_her_effective_education_and_is_told_when_the_row_changes(page, shot, log_in, tmp_media):
    person, application = nurse_with_an_application()
    bachelor, master = offered(application)
    log_in(person.username, PASSWORD)

    page.get_by_role("link", name="职称申报", exact=True).click()
    page.get_by_role("link", name="继续填报").first.click()
    page.get_by_role("link", name="卫生技术", exact=True).click()
    expect(page.get_by_role("heading", name="卫生技术", exact=True)).to_be_visible()
    choice = page.locator("#section-form").get_by_label("有效学历")
    expect(choice.locator("option")).to_have_text(["请选择", bachelor, master])
    choice.select_option(label=master)
    choice.scroll_into_view_if_needed()
    shot("1-picked")
    page.locator("#section-form").get_by_role("button", name="保存").click()
    expect(page.get_by_text("卫生技术已保存。")).to_be_visible()
    expect(page.locator("#section-form").get_by_label("有效学历")).to_have_value(master)

    # The master's row corrected in 学历信息 (as its 修改 would): the old pick no longer reads as any row.
    row = rows_of(application, "education")[1]
    services.row_update(actor=person, application=application, section=sections().get("education"),
                        row_id=row["id"], values={**row["values"], "major": "护理学（专业学位）"})
    corrected = offered(application)[1]
    page.get_by_role("link", name="申报概览与提交").click()
    problem = page.get_by_test_id("precheck").locator("li", has_text=STALE)
    expect(problem).to_be_visible()
    shot("2-precheck-names-it")
    problem.get_by_role("link", name="去完善").click()
    choice = page.locator("#section-form").get_by_label("有效学历")
    expect(choice).to_have_value(master)  # still shown as kept, not silently emptied
    choice.select_option(label=corrected)
    page.locator("#section-form").get_by_role("button", name="保存").click()
    expect(page.get_by_text("卫生技术已保存。")).to_be_visible()
    page.get_by_role("link", name="申报概览与提交").click()
    expect(page.get_by_test_id("precheck")).not_to_contain_text(STALE)
    shot("3-precheck-clear")
