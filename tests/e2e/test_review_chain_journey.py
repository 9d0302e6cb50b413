"""The review chain in the browser (SPEC §4 rules, §5 职称申报, §6): 陈静 of 福州市第一医院 has filed her 副高 application;
the unit clerk claims it, reads both prints, recommends it with the publicity proof and a post vacancy; the
competent department and the HR bureau pass it; the committee office accepts it with today's date and records
通过; the bureau confirms and a certificate number is issued; 陈静 sees every step, the number and the
acceptance date. A second, shorter journey: the department returns the application with its reasons, 陈静 reads
them, corrects a section and files again, and it is back in the clerk's 待领取 tab."""

import datetime
import subprocess
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from applications import chain, services
from applications.chain_forms import PROOF
from applications.models import Application
from core.uploads import check_uploads
from orgs.models import PostQuota, Unit
from tests.applications.support import dossier, fill_everything, image_bytes, login, plan_for, scan_image, upload
from tests.chain.support import staff
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import PASSWORD, PersonFactory, UnitFactory, bureau_staff, unit_admin
from zhicheng.demo.ids import make_id_number

CONFIRM = "确认评审结果并生成证书编号吗？"
RESUBMIT = "提交后将不可修改信息，是否提交？"
RETURN_OPINION = "业绩成果未写明本人在项目中承担的具体工作，请补充后重新提交。"


def publicity_week() -> tuple[datetime.date, datetime.date]:
    """Monday to Friday of the last full working week before today: five working days, already over."""
    end = timezone.localdate() - datetime.timedelta(days=1)
    while end.weekday() != 4:
        end -= datetime.timedelta(days=1)
    return end - datetime.timedelta(days=4), end


@pytest.fixture
def world(e2e_data, tmp_media):
    """A public hospital under its competent department with a confirmed quota of one 副高 vacancy, the staff of
    every node, and 陈静's complete 工程技术 application to an open plan, filed through application_submit."""
    department = UnitFactory(kind=Unit.Kind.DEPARTMENT, nature=Unit.Nature.GOVERNMENT, name="福州市卫生健康委员会")
    unit = UnitFactory(name="福州市第一医院", department=department, nature=Unit.Nature.PUBLIC_INSTITUTION)
    clerk = unit_admin(unit, name="经办人甲")
    plan = plan_for("工程技术")
    born = datetime.date(1984, 3, 12)
    person = PersonFactory(unit=unit, name="陈静", series="工程技术", birth_date=born,
                           id_number=make_id_number("350102", born, 31, "F"))
    records = dossier(person, clerk, series="工程技术")
    application = services.application_start(actor=person, plan=plan, series="工程技术", level="副高")
    client = Client()
    login(client, person)
    fill_everything(client, application, records, series="工程技术")
    client.logout()
    PostQuota.objects.create(unit=unit, year=plan.year, associate=1, confirmed_at=timezone.now())
    application = services.application_submit(actor=person, application=application)
    assert (application.status, application.stage) == ("submitted", "unit")
    return SimpleNamespace(
        unit=unit, clerk=clerk, plan=plan, person=person, application=application, tmp=tmp_media,
        reviewer=staff(Role.DEPARTMENT_REVIEWER, department, name="主管部门黄敏"),
        bureau=bureau_staff(name="人社厅郑强"),
        committee=staff(Role.COMMITTEE_STAFF, plan.committee.bureau, name="评委会吴昊"),
    )




def open_from_nav(page, label: str, tab: str):
    """The left navigation's entry, then a tab of the task list."""
    page.locator("aside").get_by_role("link", name=label, exact=True).click()
    expect(page.get_by_role("heading", name=label, exact=True)).to_be_visible()
    page.locator(".nav-tabs").get_by_role("link", name=tab).click()
    expect(page.locator(".nav-tabs .nav-link.active")).to_contain_text(tab)


def open_row(page, name: str, button: str):
    page.get_by_test_id("chain-list").locator("tr", has_text=name).get_by_role("link", name=button).click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()


def show_tab(page, name: str):
    page.get_by_role("tab", name=name).click()
    # Bootstrap fades the pane in: wait until it is fully shown, or a screenshot catches it blank.
    page.wait_for_function(
        """() => { const p = document.querySelector(".tab-content > .tab-pane.active");
                   return p && p.classList.contains("show") && getComputedStyle(p).opacity === "1"; }""")


def claim(page):
    page.get_by_test_id("actions").get_by_role("button", name="领取").click()
    expect(page.get_by_role("alert").filter(has_text="已领取，可以开始审核。")).to_be_visible()


def log_out(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/accounts/login/")


def test_from_the_unit_clerk_to_a_certificate_number(page, shot, screen_shot, log_in, world, request):
    name = world.person.name
    start, end = publicity_week()
    proof = world.tmp / "公示证明.jpg"
    proof.write_bytes(image_bytes(scan_image("公示", (640, 420))))

    # The unit clerk: 职称申报审核 › 待领取, opens the application and claims it.
    log_in(world.clerk.username, PASSWORD)
    open_from_nav(page, "职称申报审核", "待领取(1)")
    row = page.get_by_test_id("chain-list").locator("tr", has_text=name)
    expect(row).to_contain_text("用人单位")
    expect(row).to_contain_text("审核中")
    shot("01-clerk-unclaimed")
    open_row(page, name, "领取")
    actions = page.get_by_test_id("actions")
    expect(actions.get_by_role("button", name="领取")).to_be_visible()
    expect(actions.get_by_test_id("decide")).to_have_count(0)  # not before claiming
    shot("02-clerk-before-claiming")
    claim(page)
    expect(page.get_by_test_id("decide")).to_be_visible()

    # 详情: every section of the snapshot, and both prints, which download as PDFs with her name.
    detail = page.locator("#tab-detail")
    expect(detail).to_contain_text("个人基本信息")
    expect(detail).to_contain_text("装配式桥梁伸缩缝的疲劳性能试验研究")
    shot("03-clerk-detail")
    for link, paper in (("申报专业技术资格情况简表（PDF）", "A3"), ("专业技术资格评审表（PDF）", "A4")):
        with page.expect_download() as info:
            page.get_by_test_id("prints").get_by_role("link", name=link).click()
        download = info.value
        assert download.suggested_filename.endswith(".pdf")
        content = open(download.path(), "rb").read()
        assert content.startswith(b"%PDF")
        text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=content, capture_output=True,
                              check=True).stdout.decode()
        assert name in text
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-",
                        str(SCREENSHOTS / f"{request.node.name}-03-print-{paper}")], input=content, check=True)

    # 流程, then 通过 with the publicity period, its proof, the pre-filled recommendation and a vacancy.
    show_tab(page, "流程")
    expect(page.get_by_test_id("flow")).to_contain_text("领取")
    form = page.locator("[data-decision-form]")
    expect(form.locator("[data-when=approve]")).to_be_hidden()
    form.get_by_label("通过").check()
    expect(form.locator("[data-when=approve]")).to_be_visible()
    expect(form.locator("[data-when=return]")).to_be_hidden()
    form.get_by_label("公示开始日期").fill(start.isoformat())
    form.get_by_label("公示结束日期").fill(end.isoformat())
    form.locator("#id_proof").set_input_files(str(proof))
    expect(form.get_by_label("单位推荐意见")).to_have_value(
        f"{name}同志申报评审高级工程师职称，按照规定程序，在我单位进行材料初审符合要求，并公示无异议后同意推荐。")
    expect(form.get_by_test_id("quota-line")).to_contain_text("核准1个，已推荐0人，剩余1个")
    form.get_by_label("是，占用本单位岗位核准的空缺").check()
    shot("04-clerk-recommends")
    # Back in 详情, deep in the sections: the filled-in form and its button stay at hand beside them.
    show_tab(page, "详情")
    page.locator("#s-papers").scroll_into_view_if_needed()
    expect(page.locator("#s-papers")).to_be_in_viewport()
    form.get_by_test_id("decide").scroll_into_view_if_needed()
    expect(form.get_by_test_id("decide")).to_be_in_viewport()
    expect(page.locator("#s-papers")).to_be_in_viewport()
    screen_shot("04-clerk-recommends-beside-the-detail")
    form.get_by_test_id("decide").click()
    expect(page.get_by_role("alert").filter(has_text=f"已通过{name}的申报。")).to_be_visible()
    expect(page.get_by_test_id("chain-list")).to_contain_text("暂无数据")
    shot("05-clerk-done")
    assert PostQuota.objects.get(unit=world.unit).associate_taken == 1
    log_out(page)

    # The competent department: 主管部门审核 › 待领取, claims, passes.
    log_in(world.reviewer.username, PASSWORD)
    open_from_nav(page, "主管部门审核", "待领取(1)")
    expect(page.get_by_test_id("chain-list").locator("tr", has_text=name)).to_contain_text("福州市第一医院")
    open_row(page, name, "领取")
    claim(page)
    show_tab(page, "单位推荐意见")
    recommendation = page.get_by_test_id("recommendation")
    expect(recommendation).to_contain_text(f"{start.isoformat()} 至 {end.isoformat()}")
    expect(recommendation).to_contain_text("公示证明：公示证明.jpg")
    shot("06-department-reads-the-recommendation")
    form = page.locator("[data-decision-form]")
    form.get_by_label("通过").check()
    form.get_by_label("审核意见").fill("同意推荐。")
    shot("07-department-passes")
    form.get_by_test_id("decide").click()
    expect(page.get_by_role("alert").filter(has_text=f"已通过{name}的申报。")).to_be_visible()
    log_out(page)

    # The HR bureau: 职称资格审查 shows the qualification check; claims, passes.
    log_in(world.bureau.username, PASSWORD)
    open_from_nav(page, "职称资格审查", "待领取(1)")
    open_row(page, name, "领取")
    expect(page.get_by_test_id("qualification-check")).to_contain_text("资格审查")
    claim(page)
    shot("08-bureau-qualification-check")
    form = page.locator("[data-decision-form]")
    form.get_by_label("通过").check()
    form.get_by_label("审核意见").fill("资格审查通过。")
    form.get_by_test_id("decide").click()
    expect(page.get_by_role("alert").filter(has_text=f"已通过{name}的申报。")).to_be_visible()
    log_out(page)

    # The committee office: 评委会接收 › 待接收, accepts today, then 评审中 › 录入结果 通过.
    today = timezone.localdate()
    log_in(world.committee.username, PASSWORD)
    open_from_nav(page, "评委会接收", "待接收(1)")
    open_row(page, name, "接收")
    actions = page.get_by_test_id("actions")
    actions.get_by_label("接收日期").fill(today.isoformat())
    shot("09-committee-accepts")
    actions.get_by_test_id("accept").click()
    expect(page.get_by_role("alert").filter(has_text=f"已接收{name}的申报。")).to_be_visible()
    page.locator(".nav-tabs").get_by_role("link", name="评审中(1)").click()
    open_row(page, name, "录入结果")
    expect(page.get_by_test_id("accepted-at")).to_have_text(today.isoformat())
    actions = page.get_by_test_id("actions")
    expect(actions.get_by_test_id("pass-rule")).to_contain_text("同意票达到出席专家的三分之二以上即为通过")
    for label, count in (("应到人数", "9"), ("实到人数", "9"), ("同意票", "8"), ("不同意票", "0"), ("弃权票", "0")):
        actions.get_by_label(label, exact=True).fill(count)
    actions.get_by_label("说明").fill("专家组一致认为其业绩突出。")
    shot("10-committee-records-the-result")
    actions.get_by_test_id("record-result").click()
    # 8 + 0 + 0 is not the 9 present: refused by the field, nothing recorded, the counts kept.
    expect(actions.get_by_test_id("tally-error")).to_have_text("同意、不同意、弃权票数之和（8）应等于实到人数（9）。")
    expect(actions.get_by_label("同意票", exact=True)).to_have_value("8")
    shot("10b-committee-counts-refused")
    actions.get_by_label("弃权票", exact=True).fill("1")
    actions.get_by_test_id("record-result").click()
    expect(page.get_by_role("alert").filter(has_text="已录入评审结果：通过（同意8票，实到9人）。")).to_be_visible()
    log_out(page)

    # The HR bureau confirms: 待确认 › 确认, accepting the dialog; the number appears.
    log_in(world.bureau.username, PASSWORD)
    open_from_nav(page, "职称资格审查", "待确认(1)")
    open_row(page, name, "确认")
    shot("11-bureau-confirms")
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.get_by_test_id("confirm").click()
    expect(page.get_by_role("alert").filter(has_text="已确认，证书编号：")).to_be_visible()
    assert dialogs == [CONFIRM]
    number = Application.objects.get(pk=world.application.pk).certificate_no
    assert number.startswith(str(world.plan.year)) and number.endswith("00001")
    page.locator(".nav-tabs").get_by_role("link", name="全部(1)").click()
    expect(page.get_by_test_id("chain-list").locator("tr", has_text=name)).to_contain_text("查看")
    shot("12-bureau-confirmed")
    log_out(page)

    # 陈静: 职称申报 › her application: every step in 审批流程 and the certificate number.
    log_in(world.person.username, PASSWORD)
    page.locator("aside").get_by_role("link", name="职称申报", exact=True).click()
    row = page.locator("tr", has_text=world.plan.name)
    expect(row).to_contain_text(Application.Status.CONFIRMED.label)
    row.get_by_role("link", name="查看").click()
    expect(page.get_by_test_id("certificate-no")).to_have_text(number)
    steps = page.get_by_test_id("flow").locator(".zc-flow-step")
    expected = [
        ("新增", "陈静"), ("提交", "陈静"), ("领取", "经办人甲"), ("通过", "经办人甲"), ("领取", "主管部门黄敏"), ("通过", "主管部门黄敏"),
        ("领取", "人社厅郑强"), ("通过", "人社厅郑强"), ("评委会接收", "评委会吴昊"), ("评审通过", "评委会吴昊"),
        ("确认发证", "人社厅郑强"),
    ]
    expect(steps).to_have_count(len(expected))
    for i, (action, actor) in enumerate(expected):
        expect(steps.nth(i)).to_contain_text(action)
        expect(steps.nth(i)).to_contain_text(actor)
    expect(steps.nth(3)).to_contain_text("公示证明：公示证明.jpg")
    expect(steps.nth(8)).to_contain_text(f"接收日期：{today.isoformat()}")
    expect(steps.nth(10)).to_contain_text(f"证书编号：{number}")
    expect(page.get_by_test_id("application-status")).to_have_text(Application.Status.CONFIRMED.label)
    shot("13-applicant-sees-every-step")

    # Section 1 shows the committee's acceptance date and the number.
    page.get_by_role("link", name="个人基本信息").first.click()
    expect(page.get_by_test_id("committee-accepted")).to_have_text(f"已接收（{today.isoformat()}）")
    expect(page.get_by_test_id("certificate-no")).to_have_text(number)
    shot("14-applicant-basic-section")


def recommended_by_the_unit(world):
    """The clerk's part of the chain through the services (the first journey does it in the browser)."""
    start, end = publicity_week()
    chain.claim(actor=world.clerk, stage="unit", pk=world.application.pk)
    proofs, errors = check_uploads([upload("公示证明.jpg", image_bytes(scan_image("公示")))], PROOF, existing=0)
    assert not errors
    chain.decide(actor=world.clerk, stage="unit", pk=world.application.pk, decision="approve", proofs=proofs,
                 recommendation=chain.Recommendation(publicity_from=start, publicity_to=end, opinion="同意推荐。",
                                                     takes_vacancy=True))


def test_the_department_returns_and_the_applicant_files_again(page, shot, log_in, world):
    name = world.person.name
    recommended_by_the_unit(world)

    # The department reviewer claims and returns with every reason at once.
    log_in(world.reviewer.username, PASSWORD)
    open_from_nav(page, "主管部门审核", "待领取(1)")
    open_row(page, name, "领取")
    claim(page)
    form = page.locator("[data-decision-form]")
    form.get_by_label("退回").check()
    expect(form.locator("[data-when=return]")).to_be_visible()
    form.get_by_label("业绩成果情况").check()
    form.get_by_label("审核意见").fill(RETURN_OPINION)
    shot("01-department-returns")
    form.get_by_test_id("decide").click()
    expect(page.get_by_role("alert").filter(has_text=f"已将{name}的申报退回修改。")).to_be_visible()
    page.locator(".nav-tabs").get_by_role("link", name="被退回(1)").click()
    expect(page.get_by_test_id("chain-list").locator("tr", has_text=name)).to_contain_text("退回修改")
    shot("02-department-returned-tab")
    log_out(page)

    # 陈静 reads the note, corrects 业绩成果情况 and files again.
    log_in(world.person.username, PASSWORD)
    page.locator("aside").get_by_role("link", name="职称申报", exact=True).click()
    row = page.locator("tr", has_text=world.plan.name)
    expect(row).to_contain_text("退回修改")
    row.get_by_role("link").click()
    note = page.get_by_test_id("returned-note")
    expect(note).to_contain_text("主管部门退回")
    expect(note).to_contain_text(f"需修改的栏目：业绩成果情况。{RETURN_OPINION}")
    expect(page.get_by_test_id("application-status")).to_have_text("退回修改")
    shot("03-applicant-reads-the-return")
    page.locator("main").get_by_role("link", name="业绩成果情况", exact=True).click()
    page.get_by_label("业绩成果", exact=True).fill(
        "主持完成省级重点工程三项，本人负责结构计算与伸缩缝方案设计；获福建省科学技术进步奖二等奖一项（排名第二）。")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("业绩成果情况已保存。")).to_be_visible()
    shot("04-applicant-corrects")
    page.locator("aside").get_by_role("link", name="申报概览与提交").click()
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.get_by_test_id("precheck").get_by_role("button", name="提交").click()
    expect(page.get_by_text("申报已提交，信息已锁定。可以下载打印申报材料。")).to_be_visible()
    assert dialogs == [RESUBMIT]
    expect(page.get_by_test_id("application-status")).to_have_text("审核中")
    expect(page.get_by_test_id("flow").locator(".zc-flow-step").last).to_contain_text("提交")
    shot("05-applicant-filed-again")
    log_out(page)

    # Back at the first node, unclaimed: the clerk sees it under 待领取.
    log_in(world.clerk.username, PASSWORD)
    open_from_nav(page, "职称申报审核", "待领取(1)")
    expect(page.get_by_test_id("chain-list").locator("tr", has_text=name)).to_contain_text("用人单位")
    shot("06-clerk-sees-it-again")
    open_row(page, name, "领取")
    expect(page.locator("#tab-detail")).to_contain_text("本人负责结构计算与伸缩缝方案设计")
