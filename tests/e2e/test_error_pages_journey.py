"""Pages that explain what the server could not do. A nurse saves her 教育经历 while the server's disk is full:
the page says so by the file field and keeps what she typed; once there is room again she saves it. Later the
file is lost from the server: its link opens a page that says the file is missing. A link carrying a NUL gets
the 400 page in Chinese."""

from pathlib import Path

from playwright.sync_api import expect

from dossier.models import Evidence, Record
from tests.factories import PASSWORD, PersonFactory

from .conftest import SCREENSHOTS
from .test_dossier_journey import _diploma, fill_bachelor


def test_a_full_disk_then_a_lost_file_are_explained_to_the_nurse(page, browser, live_server, log_in, shot, tmp_media,
                                                                hospital, full_disk, settings):
    nurse = PersonFactory(name="陈静", unit=hospital.unit)
    log_in(nurse.username, PASSWORD)
    page.goto("/dossier/k/education/new/")
    fill_bachelor(page)
    page.locator("#id_evidence").set_input_files(str(_diploma(tmp_media)))
    full_disk(room=0)

    page.get_by_role("button", name="保存").click()

    field = page.locator(".zc-slot", has=page.locator("#id_evidence"))
    expect(field).to_contain_text("服务器存储空间不足，文件未能保存。请稍后再试，或联系系统管理员。")
    expect(page.get_by_label("毕业院校")).to_have_value("福建医科大学")
    assert not Record.objects.exists()
    shot("1-disk-full")

    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage"}}
    page.locator("#id_evidence").set_input_files(str(_diploma(tmp_media)))
    page.get_by_role("button", name="保存").click()
    page.get_by_text("教育经历已保存（编辑中）").wait_for()

    evidence = Evidence.objects.get()
    Path(evidence.file.path).unlink()
    page.goto(f"/dossier/r/{evidence.record_id}/edit/")
    link = page.get_by_role("link", name="毕业证书.jpg").get_attribute("href")

    # The file's link opens in a tab of its own; the browser reports its 404 as a console error, which the
    # journey's page would count as a problem, so the tab is a second page of the same signed-in browser.
    tab = browser.new_context(base_url=live_server.url, locale="zh-CN", storage_state=page.context.storage_state())
    missing = tab.new_page()
    response = missing.goto(link)
    assert response.status == 404
    expect(missing.get_by_role("heading", name="文件缺失")).to_be_visible()
    expect(missing.locator("body")).to_contain_text("文件“毕业证书.jpg”已不在服务器上，无法查看或下载。请联系上传者重新上传。")
    missing.screenshot(path=str(SCREENSHOTS / "test_a_full_disk_then_a_lost_file_are_explained_to_the_nurse-2-missing.png"),
                       full_page=True)
    tab.close()


def test_a_link_carrying_a_nul_gets_the_chinese_400_page(browser, live_server, e2e_data):
    # Not the journey's watched page: the browser reports the 400 itself as a console error.
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()

    response = page.goto("/units/search/?q=%00")

    assert response.status == 400
    expect(page.get_by_role("heading", name="请求无效")).to_be_visible()
    expect(page.locator("body")).to_contain_text("提交的内容或网址中含有不允许的控制字符（如 NUL），请删除后重新提交。")
    page.screenshot(path=str(SCREENSHOTS / "test_a_link_carrying_a_nul_gets_the_chinese_400_page.png"), full_page=True)
    context.close()
