"""Browser journeys: Debian's chromium driven by Playwright (sync API) against pytest-django's live server.

Run them as the Makefile does: `DEBUG=1 CAPTCHA_DISABLED=1 DJANGO_ALLOW_ASYNC_UNSAFE=true SQLITE_TEST_NAME=var/test-e2e.sqlite3 uv run pytest tests/e2e`.
The image captcha cannot be read by a test, so it is switched off by that environment variable only; the
Playwright event loop in the main thread is why Django's async-safety check must be relaxed.

Every page a journey opens is watched: a JavaScript error, a failed static asset or a server error fails the
test even when the visible assertions pass. Screenshots go to var/test-reports/screenshots/<test>-<step>.png.
"""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect, sync_playwright

from accounts.backends import login_name
from accounts.models import SmsMessage, User
from accounts.second_factor import is_staff_user
from dossier.catalogue import reset
from orgs.services import regions_load
from tests.factories import PersonFactory, UnitFactory, unit_admin
from tests.helpers import totp_code, totp_device_for

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(django_settings.BASE_DIR) / "var" / "test-reports" / "screenshots"
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def _captcha_must_be_off(settings):
    assert settings.CAPTCHA_DISABLED is True, (
        "Browser journeys cannot read the image captcha: run them with DEBUG=1 CAPTCHA_DISABLED=1 "
        "DJANGO_ALLOW_ASYNC_UNSAFE=true (see the Makefile's test-sqlite / test-postgres targets)."
    )


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def e2e_data(transactional_db):
    """The live server reads committed rows, so journeys use a transactional database with the regions loaded."""
    regions_load(provinces={"35", "34", "12"})


@pytest.fixture
def page(browser, live_server, e2e_data):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 860}
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    page.on(
        "console",
        lambda msg: problems.append(f"console error: {msg.text}") if msg.type == "error" else None,
    )
    page.on(
        "response",
        lambda resp: problems.append(f"HTTP {resp.status} for {resp.url}") if resp.status >= 500
        or (resp.status >= 400 and "/static/" in resp.url) else None,
    )
    yield page
    context.close()
    assert not problems, "the browser reported problems:\n" + "\n".join(problems)


@pytest.fixture
def shot(page, request):
    """shot("step") saves a full-page PNG named after the test and the step."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    test_name = re.sub(r"[^\w.-]+", "_", request.node.name)

    def take(step: str) -> Path:
        path = SCREENSHOTS / f"{test_name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def log_in(page):
    """Log in from the login page as a user would: account, password, 登录; then, for a staff member, 二次验证
    with the code her authenticator shows (one is enrolled for her beforehand if she has none)."""

    def do(username: str, password: str) -> None:
        user = User.objects.filter(username=login_name(username)).first()
        staff = user is not None and is_staff_user(user)
        if staff:
            totp_device_for(user)
        page.goto("/accounts/login/")
        page.get_by_label("身份证号 / 单位账号").fill(username)
        page.get_by_label("密码", exact=True).fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()
        if staff and "/accounts/second-factor/" in page.url:
            page.get_by_label("验证码").fill(totp_code(user))
            page.get_by_role("button", name="验证", exact=True).click()
            page.wait_for_load_state()

    return do


@pytest.fixture
def log_out(page):
    def do() -> None:
        page.get_by_role("button", name="退出").click()
        page.wait_for_url("**/accounts/login/")

    return do


@pytest.fixture
def sms_code_for():
    """The last 6-digit code the outbox SMS backend 'sent' to a phone (what the user reads on their handset)."""
    def read(phone: str) -> str:
        message = SmsMessage.objects.by_phone(phone).order_by("-created_at", "-pk").first()
        assert message is not None, f"no SMS was sent to {phone}"
        match = re.search(r"验证码(\d{6})", message.text)
        assert match, f"no 6-digit code in the SMS {message.text!r}"
        return match.group(1)

    return read


@pytest.fixture
def pick_region(page):
    """The 属地 cascader: each choice loads the next level's options (select_option waits for them)."""

    def pick(province: str, city: str | None = None, district: str | None = None) -> None:
        page.get_by_label("省", exact=True).select_option(label=province)
        if city:
            page.get_by_label("市", exact=True).select_option(label=city)
        if district:
            page.get_by_label("区县", exact=True).select_option(label=district)

    return pick


# ---------------------------------------------------------------------------------------------------------------
# The employer portal's journeys (tests/e2e/test_employer_*.py): one hospital with its admin and a member of
# staff, uploads in a throw-away folder, the base catalogue.


@pytest.fixture
def hospital(e2e_data, settings, tmp_path):
    """福州市第一医院 with its 单位管理员 (黄主任) and an approved member of staff (林晓医生)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.DOSSIER_CATALOGUE_OVERRIDES = []
    reset()
    unit = UnitFactory(name="福州市第一医院")
    yield SimpleNamespace(unit=unit, admin=unit_admin(unit, name="黄主任"), doctor=PersonFactory(unit=unit, name="林晓"))
    reset()


@pytest.fixture
def accept_dialogs(page):
    """Answer 确定 to the confirm() dialogs (撤回, 终止, 删除) as a user who means it would."""
    page.on("dialog", lambda dialog: dialog.accept())


@pytest.fixture
def open_record_drawer(page):
    """查看 on the row of `title`: the right-hand drawer opens on 详情; tab="流程" switches to the flow."""
    def open_(title: str, tab: str = "详情"):
        page.locator("tr", has_text=title).get_by_role("button", name="查看").click()
        drawer = page.locator("#record-drawer")
        expect(drawer).to_be_visible()
        expect(drawer).to_contain_text(title)
        if tab != "详情":
            drawer.get_by_role("tab", name=tab).click()
        # Bootstrap fades the pane in: wait until it is fully shown, or a screenshot catches it blank.
        page.wait_for_function(
            """() => { const p = document.querySelector("#record-drawer .tab-pane.active");
                       return p && p.classList.contains("show") && getComputedStyle(p).opacity === "1"; }"""
        )
        return drawer

    return open_


@pytest.fixture
def screen_shot(page, request):
    """Like `shot`, but only what is on the screen: for the drawer, which a full-page picture cuts at the
    first screen's height."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    test_name = re.sub(r"[^\w.-]+", "_", request.node.name)

    def take(step: str) -> Path:
        path = SCREENSHOTS / f"{test_name}-{step}.png"
        page.screenshot(path=str(path))
        return path

    return take


@pytest.fixture
def tmp_media(settings, tmp_path):
    """Uploads and imported files of a journey go to a throw-away folder; the journey sees the base catalogue."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.DOSSIER_CATALOGUE_OVERRIDES = []
    reset()
    yield tmp_path
    reset()
