"""The hospital's admin returns a submitted 科研(基金)项目 with an opinion saying what is missing; the doctor reads
the opinion, corrects the record (修改) and submits it again; the admin approves it (SPEC §3.1: 退回 needs an
opinion; a returned record is edited and resubmitted)."""

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.review.support import make_record

PROJECT = "福州市科技计划项目：社区慢病随访信息化"
OPINION = "项目金额与合同不符，请按合同填写并上传结题证明。"


def test_a_returned_record_is_corrected_and_resubmitted_and_then_approved(
    page, shot, screen_shot, log_in, log_out, hospital, open_record_drawer
):
    make_record(hospital.doctor, "research_project", title=PROJECT,
                data={"amount": "50", "level": "市厅级", "participation": "参与", "rank": 3, "participants": 9,
                      "source": "福州市科学技术局", "start_date": "2022-05-01", "end_date": "2024-04-30"})

    # The admin opens the record from the task centre; returning without an opinion is refused.
    log_in(hospital.admin.id_number, PASSWORD)
    page.locator("aside").get_by_role("link", name="任务中心").click()
    expect(page.get_by_test_id("task-count")).to_have_text("1")
    shot("00-task-centre")
    page.locator("tr", has_text=PROJECT).get_by_role("link", name="审核").click()
    page.get_by_role("button", name="退回").click()
    expect(page.get_by_role("alert")).to_have_text("退回时必须填写审核意见。")
    shot("01-return-needs-an-opinion")
    page.get_by_label("审核意见（退回时必填）").fill(OPINION)
    page.get_by_role("button", name="退回").click()
    expect(page.get_by_role("alert")).to_contain_text(f"已退回“{PROJECT}”。")
    expect(page.locator("tr", has_text=PROJECT)).to_contain_text("退回")
    shot("02-returned")
    log_out()

    # The doctor sees 退回 and the opinion, corrects the amount and submits again.
    log_in(hospital.doctor.id_number, PASSWORD)
    page.goto("/dossier/k/research_project/")
    row = page.locator("tr", has_text=PROJECT)
    expect(row).to_contain_text("退回")
    drawer = open_record_drawer(PROJECT, tab="流程")
    expect(drawer.locator(".zc-flow-step", has_text="退回")).to_contain_text(f"意见：{OPINION}")
    screen_shot("03-applicant-reads-the-opinion")
    drawer.get_by_role("button", name="关闭").click()
    expect(drawer).to_be_hidden()
    row.get_by_role("link", name="修改").click()
    expect(page.get_by_role("heading", name="修改科研(基金)项目")).to_be_visible()
    expect(page.locator("main")).to_contain_text("该业绩被单位退回，请按退回意见修改后重新提交")
    expect(page.get_by_label("项目金额(万元)", exact=True)).to_have_value("50")
    page.get_by_label("项目金额(万元)", exact=True).fill("35")
    page.get_by_label("是否结题", exact=True).check()
    shot("04-applicant-corrects")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("alert")).to_contain_text("科研(基金)项目已提交，等待单位审核。")
    expect(page.locator("tr", has_text=PROJECT)).to_contain_text("审核中")
    expect(page.locator("tr", has_text=PROJECT)).to_contain_text("35")
    log_out()

    # The admin sees the corrected record and approves it.
    log_in(hospital.admin.id_number, PASSWORD)
    page.locator("aside").get_by_role("link", name="业绩档案").click()
    expect(page).to_have_url(re.compile(r"/unit/records/k/research_project/$"))
    page.locator("tr", has_text=PROJECT).get_by_role("link", name="审核").click()
    main = page.locator("main")
    expect(main).to_contain_text("35")
    expect(main.locator(".zc-flow-step")).to_have_count(5)  # 新增, 提交, 退回, 保存, 提交
    expect(main.locator(".zc-flow-step", has_text="退回")).to_contain_text(OPINION)
    shot("05-admin-sees-the-resubmission")
    page.get_by_role("button", name="通过").click()
    expect(page.get_by_role("alert")).to_contain_text(f"已通过“{PROJECT}”。")
    expect(page.locator("tr", has_text=PROJECT)).to_contain_text("审核通过")
    shot("06-approved")
