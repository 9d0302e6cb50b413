"""A nurse adds her 教育经历 with a diploma image, saves, submits, and follows it in her dossier."""

import io

from PIL import Image
from playwright.sync_api import expect

from dossier.models import Record
from tests.factories import PASSWORD, PersonFactory, UnitFactory


def _diploma(tmp_path):
    image = Image.new("RGB", (800, 560), (250, 246, 232))
    path = tmp_path / "毕业证书.jpg"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def fill_bachelor(page):
    """The required fields of her 教育经历 form: a nursing bachelor's."""
    page.get_by_label("毕业院校").fill("福建医科大学")
    page.get_by_label("入学日期").fill("2008-09-01")
    page.get_by_label("毕业日期").fill("2012-07-01")
    page.get_by_label("所学专业").fill("护理学")
    page.get_by_label("教育类型").select_option("全日制教育")
    page.get_by_label("获得学历").select_option("大学本科")


def test_nurse_adds_education_submits_it_and_sees_the_flow(page, log_in, shot, tmp_path):
    hospital = UnitFactory(name="福州市第一医院")
    nurse = PersonFactory(name="陈静", unit=hospital)
    log_in(nurse.username, PASSWORD)

    page.get_by_role("link", name="个人业绩库").click()
    # The donut charts draw on their canvases once Chart.js has loaded.
    page.wait_for_selector("#donut-0[data-rendered='1']")
    shot("1-home-empty")

    page.locator("[data-kind='education']").click()
    page.get_by_role("link", name="新增", exact=True).click()
    fill_bachelor(page)
    # 学位获得日期 appears only once a degree is chosen.
    assert page.get_by_label("学位获得日期").is_hidden()
    page.get_by_label("获得学位").select_option("学士")
    assert page.get_by_label("学位获得日期").is_visible()
    page.get_by_label("学位获得日期").fill("2012-07-01")
    # The file control reads in Chinese whatever the browser's language: 选择文件, then the chosen name.
    chooser = page.locator(".zc-file").filter(has=page.get_by_role("button", name="选择文件"))
    expect(chooser.locator(".zc-file-names")).to_have_text("未选择文件")
    page.locator("#id_evidence").set_input_files(str(_diploma(tmp_path)))
    expect(chooser.locator(".zc-file-names")).to_have_text("毕业证书.jpg")
    shot("2-form-filled")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("教育经历已保存（编辑中）").wait_for()
    assert page.locator("[data-tab='all']").inner_text() == "全部(1)"

    page.get_by_role("link", name="修改", exact=True).click()
    page.get_by_role("button", name="提交").click()
    page.get_by_text("教育经历已提交，等待单位审核。").wait_for()
    page.locator("[data-tab='pending']").click()
    assert page.locator("[data-tab='pending']").inner_text() == "审核中(1)"
    assert page.locator("tbody tr").count() == 1
    assert "福建医科大学" in page.locator("tbody tr").inner_text()
    # The menu counts (total/approved) follow.
    assert "(1/0)" in page.locator("[data-kind='education']").inner_text()
    shot("3-pending")

    page.get_by_role("button", name="查看").click()
    drawer = page.locator("#record-drawer")
    drawer.get_by_text("福建医科大学").first.wait_for()
    assert drawer.get_by_role("img", name="毕业证书.jpg").is_visible()
    shot("4-drawer-details")
    drawer.get_by_role("tab", name="流程").click()
    assert drawer.get_by_text("提交").first.is_visible()
    assert "陈静" in drawer.locator(".zc-flow").inner_text()
    shot("5-drawer-flow")

    drawer.get_by_role("button", name="关闭").click()
    drawer.wait_for(state="hidden")

    record = Record.objects.get(owner=nurse)
    assert record.status == "pending" and record.evidence.count() == 1

    page.get_by_role("link", name="个人业绩库").click()
    page.wait_for_selector("#donut-0[data-rendered='1']")
    assert "审核中1" in page.locator("#donut-0").get_attribute("aria-label").replace(" ", "")
    # Every card has the same legend, with its zeros, so the rings line up whether a category is empty or not.
    legends = page.evaluate("""() => [0, 1].map((i) => Chart.getChart(document.getElementById(`donut-${i}`))
                                         .legend.legendItems.map((item) => item.text))""")
    assert legends == [["审核中 1", "通过 0", "终止 0", "退回 0", "编辑中 0"],
                       ["审核中 0", "通过 0", "终止 0", "退回 0", "编辑中 0"]]
    shot("6-home-donut")


def test_leaving_the_form_with_unsaved_input_asks_first(page, log_in):
    nurse = PersonFactory(unit=UnitFactory(name="福州市第一医院"), name="陈静")
    log_in(nurse.username, PASSWORD)
    page.goto("/dossier/k/education/new/")
    dialogs = []

    def answer(dialog, leave: bool):
        dialogs.append(dialog.type)
        dialog.accept() if leave else dialog.dismiss()

    # Nothing typed yet: the menu leaves without asking.
    page.get_by_role("link", name="个人业绩库").click()
    expect(page.get_by_role("heading", name="我的业绩")).to_be_visible()
    assert dialogs == []

    page.goto("/dossier/k/education/new/")
    page.get_by_label("毕业院校").click()
    page.keyboard.type("福建医科大学")
    page.once("dialog", lambda dialog: answer(dialog, leave=False))
    page.get_by_role("link", name="个人业绩库").click()
    expect(page.get_by_label("毕业院校")).to_have_value("福建医科大学")  # she stayed, her input with her
    assert dialogs == ["beforeunload"]

    page.once("dialog", lambda dialog: answer(dialog, leave=True))
    page.get_by_role("link", name="个人业绩库").click()
    expect(page.get_by_role("heading", name="我的业绩")).to_be_visible()
    assert dialogs == ["beforeunload", "beforeunload"]

    # 保存 sends the form without asking.
    page.goto("/dossier/k/education/new/")
    page.get_by_label("毕业院校").click()
    page.keyboard.type("福建医科大学")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_label("毕业院校")).to_be_visible()  # refused for the missing fields, on the form again
    assert dialogs == ["beforeunload", "beforeunload"]
