"""A print made in the background, in the browser: 张伟 has filed his application; 专业技术资格评审表（PDF） opens a
正在生成 page while the worker (run here as `db_worker`, with the database task backend of production) makes the
file, and the page downloads it by itself once it is ready. When the storage cannot keep a print, the page says so
and 重新生成 makes it again once the disk has room."""

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
def filed(e2e_data, tmp_media, settings):
    """张伟's complete 工程技术 application, filed; tasks wait in the database for a worker."""
    settings.TASKS = DATABASE_TASKS
    unit = UnitFactory(name="福建闽江工程科技有限公司")
    person = PersonFactory(unit=unit, name="张伟", series="工程技术", birth_date=datetime.date(1984, 2, 20))
    records = dossier(person, unit_admin(unit, name="经办人甲"), series="工程技术")
    application = services.application_start(actor=person, plan=plan_for("工程技术"), series="工程技术", level="副高")
    fill_everything(login(Client(), person), application, records, series="工程技术")
    return services.application_submit(actor=person, application=application)


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0)


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-raw", path, "-"], capture_output=True, check=True).stdout.decode()


def test_the_review_form_is_made_in_the_background_and_downloads_when_ready(page, shot, log_in, filed):
    log_in(filed.applicant.username, PASSWORD)
    page.goto(f"/apply/{filed.pk}/")

    page.get_by_role("link", name="专业技术资格评审表（PDF）").click()

    expect(page.get_by_role("heading", name="专业技术资格评审表（PDF）")).to_be_visible()
    status = page.get_by_test_id("print-status")
    expect(status).to_have_attribute("data-state", "pending")
    expect(status).to_contain_text("正在生成，请稍候")
    shot("1-waiting")

    with page.expect_download(timeout=20_000) as info:
        run_worker()  # the page's next poll finds the file and downloads it
    download = info.value
    assert download.suggested_filename == "专业技术资格评审表.pdf"
    assert "张伟" in pdf_text(download.path())
    expect(status).to_have_attribute("data-state", "ready")
    expect(status).to_contain_text("已生成")
    shot("2-ready")

    # Asked for again, the stored print downloads at once.
    page.goto(f"/apply/{filed.pk}/")
    with page.expect_download() as again:
        page.get_by_role("link", name="专业技术资格评审表（PDF）").click()
    assert open(again.value.path(), "rb").read() == open(download.path(), "rb").read()


def test_a_print_the_storage_could_not_keep_is_made_again(page, shot, log_in, filed, full_disk, settings):
    storages = settings.STORAGES
    full_disk(room=0)
    log_in(filed.applicant.username, PASSWORD)
    page.goto(f"/apply/{filed.pk}/")
    page.get_by_role("link", name="申报专业技术资格情况简表（PDF）").click()
    status = page.get_by_test_id("print-status")
    expect(status).to_have_attribute("data-state", "pending")

    run_worker()

    expect(status).to_have_attribute("data-state", "failed", timeout=20_000)
    expect(status.get_by_role("alert")).to_contain_text("服务器存储空间不足")
    shot("1-failed")

    settings.STORAGES = storages  # room again
    page.get_by_role("button", name="重新生成").click()
    expect(status).to_have_attribute("data-state", "pending")
    with page.expect_download(timeout=20_000) as info:
        run_worker()
    assert info.value.suggested_filename == "申报专业技术资格情况简表.pdf"
    assert "张伟" in pdf_text(info.value.path())
