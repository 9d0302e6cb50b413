"""The idle timeout as a nurse meets it at midnight (SESSION_IDLE_TIMEOUT, 30 minutes): while she types into a
long form the page tells the server she is active, so her typing never times out; when she walks away, a warning
comes five minutes before the timeout and 继续使用 keeps her signed in; work in a second tab counts for the
first; left longer, the page says she has been signed out and leaves what she typed on the screen. The page's clock is Playwright's, moved on by hand."""

from playwright.sync_api import expect

from tests.factories import PASSWORD, PersonFactory, UnitFactory

KEEPALIVE = "/accounts/keepalive/"


def test_typing_keeps_her_signed_in_and_walking_away_is_warned_first(page, shot, log_in):
    nurse = PersonFactory(unit=UnitFactory(name="福州市第一医院"), name="陈静")
    log_in(nurse.username, PASSWORD)
    page.clock.install()
    page.goto("/dossier/k/education/new/")
    school = page.get_by_label("毕业院校")
    expect(school).to_be_visible()
    notice = page.get_by_test_id("idle-notice")

    # Typing for a long time: a keepalive once a minute of activity, never a warning.
    for minute in range(1, 36):
        school.fill(f"福建医科大学（第{minute}分钟）")
        if minute % 10 == 0:
            with page.expect_request(lambda request: request.url.endswith(KEEPALIVE)):
                page.clock.run_for("01:00")
        else:
            page.clock.run_for("01:00")
    expect(notice).to_have_count(0)

    # Away from the keyboard: 25 minutes later the warning, with 继续使用.
    page.clock.run_for("25:15")
    expect(notice).to_contain_text("系统将在约5分钟后自动退出")
    shot("1-warning")
    with page.expect_response(lambda response: response.url.endswith(KEEPALIVE) and response.status == 204):
        notice.get_by_role("button", name="继续使用").click()
    expect(notice).to_have_count(0)

    # Working in a second tab for a while: this tab, left alone for 31 minutes, is not warned.
    page.clock.run_for("20:00")
    other = page.context.new_page()
    other.goto("/dossier/k/work_experience/new/")
    other.get_by_label("工作单位名称").fill("福州市第一医院")
    with other.expect_request(lambda request: request.url.endswith(KEEPALIVE)):
        page.clock.run_for("01:15")
    page.clock.run_for("10:00")
    expect(notice).to_have_count(0)
    other.close()

    # Away again, past the timeout: the notice says so, and what she typed is still on the page to copy.
    page.clock.run_for("30:15")
    expect(notice).to_contain_text("已自动退出")
    expect(notice.get_by_role("link", name="重新登录")).to_have_attribute(
        "href", "/accounts/login/?next=%2Fdossier%2Fk%2Feducation%2Fnew%2F")
    expect(school).to_have_value("福建医科大学（第35分钟）")
    shot("2-signed-out")
