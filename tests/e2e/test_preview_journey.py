"""打印预览 in the browser: 张伟, still filling in his application, opens 预览简表 from its page; the 正在生成 page
waits for the worker and downloads the 简表 of his current draft, stamped 草稿 · 未提交."""

import datetime
import subprocess

import pytest
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect

from applications import services
from tests.applications.support import dossier, fill_everything, login, plan_for
from tests.conftest import DATABASE_TASKS
from tests.factories import PASSWORD, PersonFactory, UnitFactory, unit_admin


@pytest.fixture
def draft(e2e_data, tmp_media, settings):
    settings.TASKS = DATABASE_TASKS
    unit = UnitFactory(name="福建闽江工程科技有限公司")
    person = PersonFactory(unit=unit, name="张伟", series="工程技术", birth_date=datetime.date(1984, 2, 20))
    records = dossier(person, unit_admin(unit, name="经办人甲"), series="工程技术")
    application = services.application_start(actor=person, plan=plan_for("工程技术"), series="工程技术", level="副高")
    fill_everything(login(Client(), person), application, records, series="工程技术")
    return application


def test_the_applicant_previews_the_brief_of_her_draft(page, shot, log_in, draft):
    log_in(draft.applicant.username, PASSWORD)
    page.goto(f"/apply/{draft.pk}/")
    card = page.get_by_test_id("preview")
    expect(card).to_contain_text("草稿 · 未提交")
    shot("1-preview-offered")
    card.get_by_role("link", name="预览简表（PDF）").click()
    expect(page.get_by_test_id("print-status")).to_contain_text("正在生成，请稍候")
    with page.expect_download(timeout=20_000) as info:
        call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0)
    download = info.value
    assert download.suggested_filename == "申报专业技术资格情况简表（草稿预览）.pdf"
    text = subprocess.run(["pdftotext", "-raw", download.path(), "-"], capture_output=True, check=True).stdout.decode()
    assert "草稿 · 未提交" in text and "张伟" in text
    shot("2-preview-downloaded")
