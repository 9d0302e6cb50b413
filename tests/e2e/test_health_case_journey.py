"""A nurse imports her 卫生-病案 from the template and sends two of them to her unit with 批量提交: she ticks
the rows, sees "当前表格已选择 N 项", and the unit receives exactly those (SPEC §3.2 type 19)."""

import re

import openpyxl
from playwright.sync_api import expect

from dossier.catalogue import catalogue
from dossier.models import Record
from tests.factories import PASSWORD, PersonFactory, UnitFactory, unit_admin
from tests.health.support import as_cells, case_values


def test_nurse_imports_her_cases_and_batch_submits_two_of_them(page, shot, log_in, accept_dialogs, tmp_media):
    hospital = UnitFactory(name="福州市第一医院")
    nurse = PersonFactory(unit=hospital, name="林晓燕", series="卫生技术")
    unit_admin(hospital, name="王主任")

    log_in(nurse.id_number, PASSWORD)
    page.goto("/dossier/")
    page.locator("aside").get_by_role("link", name=re.compile(r"^卫生-病案")).click()
    expect(page.get_by_role("heading", name="卫生-病案")).to_be_visible()
    expect(page.locator("thead")).to_contain_text("审核状态住院号姓名入院日期出院日期入院诊断出院诊断抢救或治疗结果手术类别申报日期")

    # 病案模板下载, four cases typed in Excel, 导入.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="病案模板下载").click()
    path = tmp_media / "病案.xlsx"
    download_info.value.save_as(path)
    workbook = openpyxl.load_workbook(path)
    fields = catalogue().kind("health_case").fields
    for row, i in enumerate(range(1, 5), start=2):
        for column, value in enumerate(as_cells(fields, case_values(i)), start=1):
            workbook.worksheets[0].cell(row=row, column=column, value=value)
    # Her first try has 住院号 typed as a number in one row: the preview says where, and nothing is imported.
    workbook.worksheets[0]["A3"] = 230002
    workbook.save(tmp_media / "first-try.xlsx")
    workbook.worksheets[0]["A3"] = "00230002"
    workbook.save(path)
    page.get_by_role("button", name="导入").click()
    expect(page.locator("#import-box")).to_have_class(re.compile(r"\bshow\b"))
    page.get_by_label("上传已填写的模板（.xlsx）").set_input_files(tmp_media / "first-try.xlsx")
    page.get_by_role("button", name="上传并校验").click()
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text("第3行")
    expect(errors).to_contain_text("该单元格是数字格式")
    expect(page.get_by_role("alert")).to_contain_text("本次未导入任何数据")
    expect(page.get_by_test_id("commit-import")).to_have_count(0)
    shot("01-import-refused")
    page.get_by_role("link", name="返回").click()
    expect(page.locator("tbody")).to_contain_text("暂无数据")

    page.get_by_role("button", name="导入").click()
    expect(page.locator("#import-box")).to_have_class(re.compile(r"\bshow\b"))
    page.get_by_label("上传已填写的模板（.xlsx）").set_input_files(path)
    page.get_by_role("button", name="上传并校验").click()
    expect(page.get_by_test_id("import-preview").get_by_text("允许导入")).to_have_count(4)
    shot("02-import-preview")
    page.get_by_test_id("commit-import").click()
    expect(page.get_by_role("alert")).to_contain_text("已导入4条。")
    expect(page.get_by_role("heading", name="卫生-病案")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(4)
    expect(page.locator("tbody")).to_contain_text("00230001")  # the leading zeros survived Excel
    shot("03-imported")

    # She ticks two rows: the counter follows; 清空 clears; she ticks them again and submits.
    counter = page.locator("#batch-submit-form [data-selected]")
    expect(counter).to_have_text("0")
    page.get_by_label("选择 患者1").check()
    page.get_by_label("选择 患者3").check()
    expect(page.locator("#batch-submit-form")).to_contain_text("当前表格已选择 2 项")
    page.get_by_role("button", name="清空").click()
    expect(counter).to_have_text("0")
    page.get_by_label("全选").check()
    expect(counter).to_have_text("4")
    page.get_by_label("全选").uncheck()
    page.get_by_label("选择 患者1").check()
    page.get_by_label("选择 患者3").check()
    expect(page.locator("#batch-submit-form")).to_contain_text("当前表格已选择 2 项")
    shot("04-two-selected")
    page.get_by_role("button", name="批量提交").click()

    expect(page.get_by_role("alert")).to_contain_text("已批量提交 2 条卫生-病案，等待单位审核。")
    expect(page.locator("tr", has_text="患者1")).to_contain_text("审核中")
    expect(page.locator("tr", has_text="患者3")).to_contain_text("审核中")
    expect(page.locator("tr", has_text="患者2")).to_contain_text("编辑中")
    expect(page.get_by_role("link", name=re.compile(r"^审核中"))).to_have_text("审核中(2)")
    shot("05-submitted")
    assert sorted(Record.objects.filter(status="pending").values_list("title", flat=True)) == ["患者1", "患者3"]
