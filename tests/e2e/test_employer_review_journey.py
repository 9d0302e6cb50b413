"""A doctor enters a 科研(基金)项目 with a scan of the project contract and submits it; the hospital's admin opens
业绩档案 › 科研(基金)项目, reviews it and approves it with an opinion; the doctor then sees 审核通过 in the list and
the admin's opinion under 查看 › 流程 (SPEC §3.1, §5)."""

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.review.support import document_scan

PROJECT = "福建省自然科学基金：基层高血压综合管理研究"
OPINION = "材料真实完整，同意通过。"


def test_a_submitted_research_project_is_approved_by_the_unit_and_the_applicant_reads_the_opinion(
    page, shot, screen_shot, log_in, log_out, hospital, open_record_drawer
):
    # The doctor enters the project in 个人业绩库 and submits it with a scan of the contract.
    log_in(hospital.doctor.id_number, PASSWORD)
    page.locator("aside").get_by_role("link", name="个人业绩库").click()
    page.locator("aside").get_by_role("link", name=re.compile(r"^\s*科研\(基金\)项目")).click()
    expect(page.get_by_role("heading", name="科研(基金)项目")).to_be_visible()
    page.get_by_role("link", name="新增").click()
    page.get_by_label("项目名称", exact=True).fill(PROJECT)
    page.get_by_label("开始日期", exact=True).fill("2023-01-01")
    page.get_by_label("结束日期", exact=True).fill("2025-12-31")
    page.get_by_label("来源(委托单位)", exact=True).fill("福建省科学技术厅")
    page.get_by_label("项目级别", exact=True).select_option(label="省部级")
    page.get_by_label("项目金额(万元)", exact=True).fill("20")
    page.get_by_label("参与形式", exact=True).select_option(label="主持")
    page.get_by_label("本人排名", exact=True).fill("1")
    page.get_by_label("参与人数", exact=True).fill("7")
    page.get_by_label("佐证材料", exact=True).set_input_files(
        {"name": "项目合同书.png", "mimeType": "image/png", "buffer": document_scan()}
    )
    shot("01-applicant-form")
    page.get_by_role("button", name="提交").click()

    expect(page.get_by_role("alert")).to_contain_text("科研(基金)项目已提交，等待单位审核。")
    row = page.locator("tr", has_text=PROJECT)
    expect(row).to_contain_text("审核中")
    expect(row).to_contain_text("1/7")
    shot("02-applicant-submitted")
    log_out()

    # The admin opens 业绩档案 › 科研(基金)项目 and the pending project.
    log_in(hospital.admin.id_number, PASSWORD)
    page.locator("aside").get_by_role("link", name="业绩档案").click()
    page.locator(".zc-dossier-menu").get_by_role("link", name=re.compile(r"^\s*科研\(基金\)项目")).click()
    expect(page.get_by_role("heading", name="业绩档案 · 科研(基金)项目")).to_be_visible()
    expect(page.locator("[data-tab=pending]")).to_have_text("审核中(1)")
    row = page.locator("tr", has_text=PROJECT)
    expect(row).to_contain_text("林晓")
    shot("03-admin-list")
    row.get_by_role("link", name="审核").click()

    expect(page.get_by_role("heading", name=f"科研(基金)项目 · {PROJECT}")).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("林晓")
    expect(page.get_by_test_id("full-id")).to_have_text(hospital.doctor.id_number)
    expect(main).to_contain_text("福建省科学技术厅")
    expect(main.get_by_role("link", name="项目合同书.png")).to_be_visible()
    expect(main.get_by_role("img", name="项目合同书.png")).to_be_visible()
    page.get_by_label("审核意见（退回时必填）").fill(OPINION)
    shot("04-admin-review")
    page.get_by_role("button", name="通过").click()

    # Nothing of the type is left: the list opens, the project approved.
    expect(page.get_by_role("alert")).to_contain_text(f"已通过“{PROJECT}”。科研(基金)项目没有待审核的业绩了。")
    expect(page.locator("tr", has_text=PROJECT)).to_contain_text("审核通过")
    expect(page.locator("[data-tab=approved]")).to_have_text("审核通过(1)")
    shot("05-admin-approved")
    log_out()

    # The doctor sees 审核通过 and, under 查看 › 流程, who approved it and the opinion.
    log_in(hospital.doctor.id_number, PASSWORD)
    page.goto("/dossier/k/research_project/")
    expect(page.locator("tr", has_text=PROJECT)).to_contain_text("审核通过")
    drawer = open_record_drawer(PROJECT, tab="流程")
    step = drawer.locator(".zc-flow-step", has_text="通过")
    expect(step).to_contain_text("黄主任（单位管理员）")
    expect(step).to_contain_text(f"意见：{OPINION}")
    screen_shot("06-applicant-flow")
