"""The idle timeout as a nurse meets it at midnight (SESSION_IDLE_TIMEOUT, 30 minutes): while she types into a
long form the page tells the server she is active, so her typing never times out; when she walks away, a warning
comes five minutes before the timeout and 继续使用 keeps her signed in; work in a second tab counts for the
first; left longer, the page says she has been signed out and leaves what she typed on the screen; once she has
signed in again in another tab, what she typed is saved as it stands. The page's clock is Playwright's, moved on
by hand."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from accounts.middleware import LAST_SEEN
from dossier.models import Record
from tests.e2e.test_dossier_journey import _diploma, fill_bachelor
from tests.factories import PASSWORD, PersonFactory, UnitFactory
from tests.helpers import sessions_of

KEEPALIVE = "/accounts/keepalive/"


def idle_for(person, time: datetime.timedelta) -> None:
    """The server's idle clock of each of `person`'s sessions set back by `time` from now."""
    for session in sessions_of(person):
        session[LAST_SEEN] = int((timezone.now() - time).timestamp())
        session.save()


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

    # Away again, past the timeout (the server's clock too): the notice says so, and what she typed is still there.
    idle_for(nurse, datetime.timedelta(minutes=31))
    page.clock.run_for("30:15")
    expect(notice).to_contain_text("已自动退出")
    expect(notice.get_by_role("link", name="重新登录")).to_have_attribute(
        "href", "/accounts/login/?next=%2Fdossier%2Fk%2Feducation%2Fnew%2F")
    expect(school).to_have_value("福建医科大学（第35分钟）")
    shot("2-signed-out")


def test_signed_out_she_signs_in_again_in_another_tab_and_saves_what_she_typed(page, shot, log_in, tmp_path):
    """Past the timeout on the server too: 保存 is held back on the page (sent, it would only meet the login page),
    she signs in again in a new tab, comes back, and 保存 keeps everything she typed."""
    nurse = PersonFactory(unit=UnitFactory(name="福州市第一医院"), name="陈静")
    log_in(nurse.username, PASSWORD)
    page.clock.install()
    page.goto("/dossier/k/education/new/")
    fill_bachelor(page)
    page.locator("#id_evidence").set_input_files(str(_diploma(tmp_path)))

    # She walks away; the server's own clock runs out too (its last request is moved 31 minutes back).
    idle_for(nurse, datetime.timedelta(minutes=31))
    page.clock.run_for("31:00")
    notice = page.get_by_test_id("idle-notice")
    expect(notice).to_contain_text("已自动退出")
    url = page.url
    page.get_by_role("button", name="保存").click()
    expect(notice).to_contain_text("请点“重新登录”在新窗口中登录")
    assert page.url == url and not Record.objects.filter(owner=nurse).exists()
    expect(page.get_by_label("毕业院校")).to_have_value("福建医科大学")
    shot("3-save-held-back")

    # 重新登录 opens the login page in a new tab; she signs in there and comes back.
    with page.context.expect_page() as opened:
        notice.get_by_role("link", name="重新登录").click()
    other = opened.value
    other.get_by_label("身份证号 / 单位账号").fill(nurse.username)
    other.get_by_label("密码", exact=True).fill(PASSWORD)
    other.get_by_role("button", name="登录").click()
    other.wait_for_url("**/dossier/k/education/new/")
    other.close()
    page.bring_to_front()
    page.clock.run_for("00:16")  # the page looks again (also on focus)
    expect(notice).to_contain_text("已重新登录，可以继续填写并保存。")
    shot("4-signed-in-again")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("教育经历已保存（编辑中）")).to_be_visible()
    record = Record.objects.get(owner=nurse)
    assert (record.data["school"], record.data["major"]) == ("福建医科大学", "护理学")
