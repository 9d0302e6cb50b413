"""A secondary-school teacher with an approved dossier applies for 高级教师: he opens 职称申报 and the open teacher
plan, fills 个人基本信息 with his photo and ID-card image, picks his dossier records into 学历信息, 继续教育情况 and
考核信息, types the rest, fills the teacher section and one 工作简历 row, watches the pre-check turn green,
submits (confirming "提交后将不可修改信息，是否提交？") and downloads both prints (SPEC §4)."""

import datetime
import subprocess

from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Application
from tests.applications.support import RECENT, approved, image_bytes, portrait, scan_image
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import PASSWORD, CommitteeFactory, PersonFactory, PlanFactory, UnitFactory, unit_admin
from zhicheng.demo.ids import make_id_number

CONFIRM = "提交后将不可修改信息，是否提交？"


def teacher_with_a_dossier():
    """王磊 of 福州第三中学 (the demo's teacher): a degree, five years of continuing education and appraisals,
    all approved by his school."""
    school = UnitFactory(name="福州第三中学")
    admin = unit_admin(school, name="学校管理员")
    born = datetime.date(1986, 9, 3)
    teacher = PersonFactory(unit=school, name="王磊", series="中小学教师", birth_date=born,
                            id_number=make_id_number("350102", born, 21, "M"))
    approved(teacher, admin, "education", {
        "school": "福建师范大学", "start_date": "2005-09-01", "end_date": "2009-07-01", "major": "数学与应用数学",
        "education_type": "全日制教育", "education": "大学本科", "degree": "学士", "degree_date": "2009-07-01"})
    for year in RECENT:
        approved(teacher, admin, "continuing_education", {
            "ce_type": "专业课", "year": str(year), "hours": "120", "programme": f"{year}年中小学教师全员培训"})
        approved(teacher, admin, "appraisal", {"year": str(year), "grade": "合格" if year % 2 else "优秀"})
    committee = CommitteeFactory(name="福州市中小学教师职称评审委员会", series="中小学教师", levels=["中级", "副高"])
    plan = PlanFactory(committee=committee)
    return teacher, plan


def open_section(page, number: int, label: str):
    page.locator("aside").get_by_role("link", name=f"{number}. {label}").click()
    expect(page.get_by_role("heading", name=label, exact=True)).to_be_visible()


def pick_everything(page, label: str, count: int):
    picker = page.get_by_test_id("pick")
    boxes = picker.get_by_role("checkbox")
    expect(boxes).to_have_count(count)
    for i in range(count):
        boxes.nth(i).check()
    picker.get_by_role("button", name="引用所选业绩").click()
    expect(page.get_by_text(f"已从业绩库引用{count}条。")).to_be_visible()
    expect(page.get_by_test_id("rows").locator("tbody tr")).to_have_count(count)


def test_teacher_applies_with_his_dossier_and_downloads_the_prints(page, shot, log_in, tmp_media, tmp_path, request):
    teacher, plan = teacher_with_a_dossier()
    photo, id_card = tmp_path / "证件照.jpg", tmp_path / "身份证.jpg"
    photo.write_bytes(image_bytes(portrait()))
    id_card.write_bytes(image_bytes(scan_image("居民身份证", (428, 270))))
    log_in(teacher.username, PASSWORD)

    # 职称申报: the open plan, applied to for 副高 by 常规申报.
    page.get_by_role("link", name="职称申报", exact=True).click()
    card = page.get_by_test_id(f"plan-{plan.pk}")
    expect(card).to_contain_text(plan.name)
    card.get_by_label("申报级别").select_option("副高")
    shot("1-plans")
    card.get_by_role("button", name="申报").click()
    expect(page.get_by_test_id("application-status")).to_have_text("填报中")
    expect(page.get_by_test_id("precheck")).to_contain_text("个人基本信息")
    days = (plan.closes_on - timezone.localdate()).days
    expect(page.get_by_test_id("deadline")).to_have_text(f"申报截止：{plan.closes_on:%Y-%m-%d}，还剩{days}天。")
    shot("2-overview-empty")

    # 个人基本信息, with the photo and the ID-card image.
    page.get_by_role("link", name="个人基本信息").first.click()
    expect(page.get_by_text(teacher.id_number)).to_be_visible()  # from the account, read-only
    form = page.locator("#section-form")
    form.get_by_label("民族").fill("汉族")  # a searchable list: typing narrows the 56 entries
    form.get_by_label("政治面貌").select_option("中共党员")
    form.get_by_label("现从事专业").fill("中学数学")
    form.get_by_label("行政职务", exact=True).fill("数学教研组长")
    form.get_by_label("行政职务级别").select_option("无")
    form.get_by_label("参加专业技术工作日期").fill("2009-08-20")
    form.get_by_label("申报资格专业").fill("中学数学")
    # 申报专业技术资格名称: the names of his series and level (中小学教师 副高), then 其他.
    expect(form.get_by_label("申报专业技术资格名称").locator("option")).to_have_text(["请选择", "高级教师", "其他"])
    form.get_by_label("申报专业技术资格名称").select_option("高级教师")
    expect(form.get_by_label("其他资格名称")).to_be_hidden()
    form.get_by_label("外语情况").fill("英语综合B合格")
    form.get_by_label("计算机情况").fill("三个模块合格")
    page.locator("#id_slot_photo").set_input_files(str(photo))
    page.locator("#id_slot_id_card").set_input_files(str(id_card))
    shot("3-basic-filled")
    form.get_by_role("button", name="保存").click()
    expect(page.get_by_text("个人基本信息已保存。")).to_be_visible()
    expect(page.get_by_role("link", name="证件照.jpg")).to_be_visible()
    expect(page.get_by_role("link", name="身份证.jpg")).to_be_visible()

    # 学历信息 from the dossier: the full-time degree becomes the pre-work education.
    open_section(page, 2, "学历信息")
    pick_everything(page, "学历信息", 1)
    expect(page.get_by_test_id("rows")).to_contain_text("福建师范大学")
    shot("4-education-picked")

    open_section(page, 3, "资历信息")
    form = page.locator("#section-form")
    current = form.get_by_label("现资格名称", exact=True)
    form.get_by_label("现资格系列").select_option("中小学教师")
    form.get_by_label("现资格专业").fill("中学数学")
    form.get_by_label("现资格级别").select_option("副高")
    expect(current.locator("option")).to_have_text(["请选择", "高级教师", "其他"])
    form.get_by_label("现资格级别").select_option("中级")  # the list follows 现资格系列 and 现资格级别
    expect(current.locator("option")).to_have_text(["请选择", "一级教师", "其他"])
    current.select_option("其他")
    expect(form.get_by_label("其他现资格名称")).to_be_visible()  # a name not in the list is typed there
    shot("4a-current-title-other")
    current.select_option("一级教师")
    expect(form.get_by_label("其他现资格名称")).to_be_hidden()
    shot("4b-current-title-list")
    form.get_by_label("取得时间").fill("2017-12-20")
    form.get_by_label("现聘任系列").select_option("中小学教师")
    form.get_by_label("聘任级别").select_option("中级")
    form.get_by_label("聘任职务名称").fill("一级教师")
    form.get_by_label("聘任日期").fill("2018-01-01")
    form.get_by_role("button", name="保存").click()
    expect(page.get_by_text("资历信息已保存。")).to_be_visible()

    open_section(page, 5, "专业技术工作经历")
    page.get_by_label("取得现资格前的专业技术工作经历").fill("2009年8月起在福州第三中学任高中数学教师，担任班主任六年。")
    page.get_by_label("取得现资格后的专业技术工作经历").fill("任一级教师以来承担高三数学教学，主持市级课题一项。")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("专业技术工作经历已保存。")).to_be_visible()

    open_section(page, 6, "继续教育情况")
    pick_everything(page, "继续教育情况", len(RECENT))
    shot("5-continuing-education-picked")

    open_section(page, 7, "业绩成果情况")
    page.get_by_label("业绩成果", exact=True).fill("所带班级高考数学平均分连续三年居全市前列；获评福州市优秀教师。")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("业绩成果情况已保存。")).to_be_visible()

    open_section(page, 12, "考核信息")
    pick_everything(page, "考核信息", len(RECENT))

    # The teacher section and one 工作简历 row.
    open_section(page, 13, "中小学教师")
    form = page.locator("#section-form")
    form.get_by_label("申报学段").select_option("高中")
    form.get_by_label("申报学科").select_option("数学")
    form.get_by_label("参加教育工作时间").fill("2009-08-20")
    form.get_by_label("中学专任年限").fill("16")
    form.get_by_label("小学专任年限").fill("0")
    form.get_by_label("幼教专任年限").fill("0")
    form.get_by_label("任现职务后专任年限").fill("8")
    form.get_by_label("担任班主任年限").fill("6")
    form.get_by_label("主要教育教学业绩").fill("连续三届高考数学平均分居全市前列。")
    form.get_by_role("button", name="保存").click()
    expect(page.get_by_text("中小学教师已保存。")).to_be_visible()
    resume = page.get_by_test_id("group-resume")
    resume.get_by_label("时间起").fill("2009-08-20")
    resume.get_by_label("工作单位").fill("福州第三中学")
    resume.get_by_label("工作内容").fill("高中数学教学、班主任")
    resume.get_by_label("专业技术职务").fill("一级教师")
    resume.get_by_role("button", name="新增工作简历").click()
    expect(page.get_by_text("已添加一条工作简历。")).to_be_visible()
    expect(page.get_by_test_id("rows-resume").locator("tbody tr")).to_have_count(1)
    shot("6-teacher-section")

    # The pre-check is green; 提交 asks for confirmation.
    page.locator("aside").get_by_role("link", name="申报概览与提交").click()
    precheck = page.get_by_test_id("precheck")
    expect(precheck.locator(".alert-success")).to_have_text("所有申报条件均已满足，可以提交。")
    expect(page.get_by_text("待完善")).to_have_count(0)
    shot("7-precheck-green")
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    precheck.get_by_role("button", name="提交").click()
    expect(page.get_by_text("申报已提交，信息已锁定。可以下载打印申报材料。")).to_be_visible()
    assert dialogs == [CONFIRM]
    expect(page.get_by_test_id("application-status")).to_have_text("审核中")
    expect(page.locator(".zc-flow")).to_contain_text("提交")
    shot("8-submitted")

    # Both prints download as PDFs with his name.
    for link, pages in (("申报专业技术资格情况简表（PDF）", "A3"), ("专业技术资格评审表（PDF）", "A4")):
        with page.expect_download() as info:
            page.get_by_role("link", name=link).click()
        download = info.value
        assert download.suggested_filename == link.replace("（PDF）", ".pdf")
        content = open(download.path(), "rb").read()
        assert content.startswith(b"%PDF")
        text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=content, capture_output=True, check=True).stdout
        assert "王磊" in text.decode() and "福建师范大学" in text.decode()
        info_text = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True).stdout.decode()
        assert f"({pages})" in info_text
        # Page 1 of the download, next to the screenshots, to be looked at.
        stem = SCREENSHOTS / f"{request.node.name}-download-{pages}"
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "2" if pages == "A4" else "1", "-",
                        str(stem)], input=content, check=True)

    application = Application.objects.get(applicant=teacher)
    assert application.status == Application.Status.SUBMITTED
    assert len(application.snapshot["sections"]["continuing_education"]["rows"]) == len(RECENT)

    # Once filed, the sections read as they were submitted.
    page.get_by_role("link", name="个人基本信息").first.click()
    expect(page.get_by_text("申报已提交，以下为提交时的内容，不能修改。")).to_be_visible()
    expect(page.get_by_role("button", name="保存")).to_have_count(0)
    shot("9-locked-section")
