"""A nurse enters a 专题 by template: she saves it, downloads the case template, fills 30 cases in Excel, imports
them (preview, 允许导入, 正式导入), moves two cases with ↑ ↓ and submits; her unit's admin approves it on the review
page, which shows the 30 cases (SPEC §3.2 type 20)."""

import re

import openpyxl
from playwright.sync_api import expect

from dossier.catalogue import catalogue
from dossier.models import Record
from tests.factories import PASSWORD, PersonFactory, UnitFactory, unit_admin
from tests.health.support import as_cells, topic_case_values

TOPIC = "经鼻高流量氧疗在呼吸衰竭护理中的应用"


def case_numbers(page) -> list[str]:
    return page.get_by_test_id("item-table").locator("tbody tr td:nth-child(2)").all_inner_texts()


def test_nurse_imports_thirty_cases_into_a_topic_and_her_unit_approves_it(
    page, shot, screen_shot, log_in, log_out, open_record_drawer, tmp_media
):
    hospital = UnitFactory(name="福州市第一医院")
    nurse = PersonFactory(unit=hospital, name="林晓燕", series="卫生技术")
    admin = unit_admin(hospital, name="王主任")

    # She finds 行业专用 › 卫生-专题 in her dossier menu and adds a 专题 entered by template.
    log_in(nurse.id_number, PASSWORD)
    page.goto("/dossier/")
    expect(page.locator("aside")).to_contain_text("行业专用")
    page.locator("aside").get_by_role("link", name=re.compile(r"^卫生-专题")).click()
    expect(page.get_by_role("heading", name="卫生-专题")).to_be_visible()
    page.get_by_role("link", name="新增").click()
    page.get_by_label("专题类型", exact=True).select_option("三新专题")
    page.get_by_label("是否模板录入", exact=True).select_option("是")
    page.get_by_label("专题名称", exact=True).fill(TOPIC)
    page.get_by_label("简要说明", exact=True).fill("总结本科室开展经鼻高流量氧疗新技术的护理经验。")
    expect(page.get_by_label("非模板录入附件")).to_be_hidden()  # only asked when not entered by template
    shot("01-new-topic")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert")).to_contain_text("卫生-专题已保存（编辑中），请录入病案。")
    expect(page.locator("main")).to_contain_text("病案列表：已录入 0 条（提交至少需要10条）")
    shot("02-saved")

    # 录入病案: the case list, with the template to download.
    page.get_by_role("link", name="录入病案").click()
    expect(page.get_by_role("heading", name="病案列表")).to_be_visible()
    expect(page.get_by_test_id("child-problems")).to_contain_text("病案数量不足：至少需要10条，当前0条。")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="病案模板下载").click()
    download = download_info.value
    assert download.suggested_filename == "卫生-专题-病案模板.xlsx"
    path = tmp_media / "cases.xlsx"
    download.save_as(path)

    # She fills 30 cases in Excel.
    workbook = openpyxl.load_workbook(path)
    fields = catalogue().kind("health_topic").child("cases").fields
    for row, i in enumerate(range(1, 31), start=2):
        for column, value in enumerate(as_cells(fields, topic_case_values(i)), start=1):
            workbook.worksheets[0].cell(row=row, column=column, value=value)
    workbook.save(path)

    # 导入: upload, every row 允许导入, 正式导入.
    page.get_by_role("button", name="导入").click()
    expect(page.locator("#import-box")).to_have_class(re.compile(r"\bshow\b"))  # opened, not still sliding
    page.get_by_label("上传已填写的病案模板（.xlsx）").set_input_files(path)
    shot("03-import-chosen")
    page.get_by_role("button", name="上传并校验").click()
    expect(page.get_by_role("heading", name=re.compile("导入病案"))).to_be_visible()
    expect(page.locator("main")).to_contain_text("共30行，全部允许导入。")
    expect(page.get_by_test_id("import-preview").locator("tbody tr")).to_have_count(30)
    expect(page.get_by_test_id("import-preview").get_by_text("允许导入")).to_have_count(30)
    shot("04-import-preview")
    page.get_by_test_id("commit-import").click()
    expect(page.get_by_role("alert")).to_contain_text("已导入30条。")
    expect(page.get_by_test_id("item-table").locator("tbody tr")).to_have_count(30)
    expect(page.locator("main")).to_contain_text("病案列表已满足提交要求。")
    assert case_numbers(page)[:3] == ["00310001", "00310002", "00310003"]
    shot("05-imported")

    # ↓ on the first case and ↑ on the third.
    page.get_by_role("button", name="下移第1条").click()
    expect(page.get_by_test_id("item-table").locator("tbody tr").first).to_contain_text("00310002")
    page.get_by_role("button", name="上移第3条").click()
    expect(page.get_by_test_id("item-table").locator("tbody tr").nth(1)).to_contain_text("00310003")
    assert case_numbers(page)[:4] == ["00310002", "00310003", "00310001", "00310004"]
    shot("06-reordered")

    # Back to the 专题, 提交.
    page.get_by_role("link", name="返回卫生-专题").click()
    expect(page.locator("main")).to_contain_text("病案列表：已录入 30 条")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("alert")).to_contain_text("卫生-专题已提交，等待单位审核。")
    row = page.locator("tr", has_text=TOPIC)
    expect(row).to_contain_text("审核中")
    expect(row).to_contain_text("30")
    shot("07-submitted")
    drawer = open_record_drawer(TOPIC)
    expect(drawer).to_contain_text("病案（30条）")
    expect(drawer.get_by_test_id("child-table-cases").locator("tbody tr")).to_have_count(30)
    expect(drawer).not_to_have_class(re.compile("showing"))  # slid in completely
    screen_shot("08-drawer")
    drawer.get_by_role("button", name="关闭").click()
    expect(page.locator("#record-drawer")).to_be_hidden()
    log_out()

    # Her unit's admin reviews it: the 30 cases in her order, then 通过.
    log_in(admin.id_number, PASSWORD)
    page.goto("/unit/records/k/health_topic/")
    review_row = page.locator("tr", has_text=TOPIC)
    expect(review_row).to_contain_text("林晓燕")
    expect(review_row).to_contain_text("30")
    shot("09-unit-list")
    review_row.get_by_role("link", name="审核").click()
    cases = page.get_by_test_id("child-table-cases")
    expect(cases).to_contain_text("病案（30条）")
    expect(cases.locator("tbody tr")).to_have_count(30)
    expect(cases.locator("tbody tr").first).to_contain_text("00310002")
    shot("10-review-page")
    page.get_by_label("审核意见（退回时必填）").fill("病案齐全，同意。")
    page.get_by_role("button", name="通过").click()
    expect(page.get_by_role("alert")).to_contain_text(f"已通过“{TOPIC}”")
    shot("11-approved")
    assert Record.objects.get(kind="health_topic").status == "approved"
