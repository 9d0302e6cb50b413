"""A doctor finds a mistake in an approved 科研(基金)项目 and asks to withdraw it (撤回); the hospital's admin grants
the request under 撤回申请; the doctor corrects the record and submits it again; the admin approves it
(SPEC §3.1, Fujian withdrawal)."""

from playwright.sync_api import expect

from dossier.models import Status
from tests.factories import PASSWORD
from tests.review.support import make_record

PROJECT = "福建省卫生健康科技计划：县域胸痛中心建设"


def test_an_approved_record_is_withdrawn_corrected_resubmitted_and_approved_again(
    page, shot, log_in, log_out, hospital, accept_dialogs
):
    make_record(hospital.doctor, "research_project", status=Status.APPROVED, admin=hospital.admin, title=PROJECT,
                opinion="同意。", data={"level": "省部级", "amount": "15", "participation": "参与", "rank": 2,
                                        "participants": 5, "source": "福建省卫生健康委员会"})

    # The doctor asks to withdraw the approved project.
    log_in(hospital.doctor.id_number, PASSWORD)
    page.goto("/dossier/k/research_project/")
    row = page.locator("tr", has_text=PROJECT)
    expect(row).to_contain_text("审核通过")
    expect(row.get_by_role("link", name="修改")).to_have_count(0)
    shot("01-approved-record")
    row.get_by_role("button", name="撤回").click()
    expect(page.get_by_role("alert")).to_contain_text("撤回申请已提交，等待单位处理。")
    page.locator("aside").get_by_role("link", name="撤回记录").click()
    expect(page.locator("tr", has_text=PROJECT)).to_contain_text("待处理")
    shot("02-withdrawal-requested")
    log_out()

    # The admin finds the request in the unit home and grants it under 撤回申请.
    log_in(hospital.admin.id_number, PASSWORD)
    page.locator("aside").get_by_role("link", name="单位首页").click()
    page.get_by_role("link", name="处理撤回申请").click()
    request_row = page.locator("tr", has_text=PROJECT)
    expect(request_row).to_contain_text("林晓")
    expect(request_row).to_contain_text("科研(基金)项目")
    request_row.get_by_label("处理意见").fill("同意撤回，请按合同修改项目金额。")
    shot("03-admin-withdrawal-requests")
    request_row.get_by_role("button", name="同意", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(f"已同意“{PROJECT}”的撤回申请。")
    expect(page.locator("main")).to_contain_text("暂无撤回申请")
    page.get_by_role("link", name="全部").click()
    expect(page.locator("tr", has_text=PROJECT)).to_contain_text("同意撤回，请按合同修改项目金额。")
    shot("04-admin-granted")
    log_out()

    # The doctor sees 同意 with the opinion, edits the record and submits it again.
    log_in(hospital.doctor.id_number, PASSWORD)
    page.locator("aside").get_by_role("link", name="撤回记录").click()
    withdrawal_row = page.locator("tr", has_text=PROJECT)
    expect(withdrawal_row).to_contain_text("同意")
    expect(withdrawal_row).to_contain_text("同意撤回，请按合同修改项目金额。")
    expect(withdrawal_row).to_contain_text("编辑中")
    shot("05-applicant-sees-the-grant")
    page.goto("/dossier/k/research_project/")
    page.locator("tr", has_text=PROJECT).get_by_role("link", name="修改").click()
    page.get_by_label("项目金额(万元)", exact=True).fill("18.5")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("alert")).to_contain_text("科研(基金)项目已提交，等待单位审核。")
    expect(page.locator("tr", has_text=PROJECT)).to_contain_text("审核中")
    log_out()

    # The admin approves the corrected record from the task centre.
    log_in(hospital.admin.id_number, PASSWORD)
    page.locator("aside").get_by_role("link", name="任务中心").click()
    page.locator("tr", has_text=PROJECT).get_by_role("link", name="审核").click()
    flow = page.locator(".zc-flow")
    for step in ("通过", "申请撤回", "同意撤回", "提交"):
        expect(flow).to_contain_text(step)
    expect(page.locator("main")).to_contain_text("18.5")
    shot("06-admin-reviews-the-resubmission")
    page.get_by_role("button", name="通过").click()
    expect(page.get_by_role("alert")).to_contain_text(f"已通过“{PROJECT}”。")
    expect(page.locator("tr", has_text=PROJECT)).to_contain_text("审核通过")
    shot("07-approved-again")
