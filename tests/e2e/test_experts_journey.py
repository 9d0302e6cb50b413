"""The committee meeting online in the browser (issue 21): the committee office adds an expert to its pool, draws
a panel (the page warns that the meeting is less than seven days away), sends a decliner's seat to the reserve and
reads the exclusions; each member opens 评审任务, signs the 承诺, reads the application, scores it and votes; the
office sees only counts, closes the ballot and the application passes as if the counts had been typed; the
members' access ends with the meeting."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from applications.models import Application
from experts import services
from experts.models import Draw
from orgs.models import PostQuota, Unit
from review.models import Decision
from tests.applications.support import plan_for
from tests.chain.support import filed, last_weekday_before, staff, walk
from tests.factories import PASSWORD, PersonFactory, UnitFactory, bureau_staff, unit_admin

GROUP = "结构工程"
TODAY = timezone.localdate()
TERM = {"series": "工程技术", "specialty": GROUP, "level": "正高", "term_start": TODAY - datetime.timedelta(days=30),
        "term_end": TODAY + datetime.timedelta(days=700)}


@pytest.fixture
def org(e2e_data, tmp_media):
    """An application accepted by the committee office (评审中), a pool of four experts of the 学科组 and a
    registered engineer the office will add through the page."""
    department = UnitFactory(kind=Unit.Kind.DEPARTMENT, nature=Unit.Nature.GOVERNMENT, name="福州市住建局")
    unit = UnitFactory(name="福州市建筑设计院", department=department)
    plan = plan_for("工程技术")
    PostQuota.objects.create(unit=unit, year=plan.year, associate=5, confirmed_at=timezone.now())
    org = SimpleNamespace(
        unit=unit, plan=plan, clerk=unit_admin(unit, name="经办人甲"),
        reviewer=staff(Role.DEPARTMENT_REVIEWER, department, name="主管部门黄敏"), bureau=bureau_staff(name="人社厅郑强"),
        committee=staff(Role.COMMITTEE_STAFF, plan.committee.bureau, name="评委会吴昊"),
        publicity=(last_weekday_before(14), last_weekday_before(1)),
    )
    org.application = walk(org, filed(org, name="林芳"), to="accepted")
    for name in ("高建国", "孙立新", "钟海涛", "潘志远"):
        person = PersonFactory(name=name, unit=UnitFactory(name=f"{name}所在设计院"))
        services.expert_add(actor=org.committee, committee=plan.committee, data={**TERM, "person": person})
    org.newcomer = PersonFactory(name="唐振华", unit=UnitFactory(name="福建省建筑科学研究院"))
    return org


def review_as_member(page, log_in, log_out, shot, person, org, *, first: bool) -> None:
    log_in(person.username, PASSWORD)
    page.locator("aside").get_by_role("link", name="评审任务", exact=True).click()
    expect(page.get_by_role("heading", name="评审任务", exact=True)).to_be_visible()
    meetings = page.get_by_test_id("meetings")
    expect(meetings).to_contain_text("待承诺")
    meetings.get_by_role("link", name=org.plan.name).click()
    commitment = page.get_by_test_id("commitment")
    expect(commitment).to_be_visible()
    if first:
        commitment.get_by_role("button", name="签署承诺并进入评审").click()  # not ticked: refused by the field
        expect(commitment.locator(".invalid-feedback")).to_contain_text("请勾选承诺后再进入评审。")
        shot("04-expert-commitment-required")
    commitment.get_by_role("checkbox").check()
    commitment.get_by_role("button", name="签署承诺并进入评审").click()
    assigned = page.get_by_test_id("assigned")
    expect(assigned.locator("tr", has_text="林芳")).to_contain_text("未评分")
    assigned.get_by_role("link", name="林芳").click()
    expect(page.get_by_test_id("snapshot")).to_be_visible()
    expect(page.get_by_test_id("prints")).to_be_visible()
    sheet = page.get_by_test_id("score-sheet")
    for label, points in (("业绩", "35"), ("能力", "26"), ("论文", "17"), ("答辩", "9")):
        sheet.get_by_label(f"{label}（满分", exact=False).fill(points)
    if first:
        sheet.get_by_label("业绩（满分", exact=False).fill("45")  # above the criterion's full marks
        sheet.get_by_role("button", name="保存评分").click()
        expect(sheet).to_contain_text("“业绩”最高40分。")
        shot("05-expert-score-above-full-marks")
        sheet.get_by_label("业绩（满分", exact=False).fill("35")
    sheet.get_by_label("评审意见").fill("业绩突出，结构设计能力强，同意晋升。")
    sheet.get_by_role("button", name="保存评分").click()
    expect(page.locator(".alert-success")).to_contain_text("评分和评审意见已保存。")
    ballot = page.get_by_test_id("ballot")
    ballot.get_by_label("同意", exact=True).check()
    if first:
        shot("06-expert-scored-about-to-vote")
    ballot.get_by_role("button", name="投票").click()
    expect(page.locator(".alert-success")).to_contain_text("已投票")
    expect(page.get_by_test_id("assigned").locator("tr", has_text="林芳")).to_contain_text("已投票")
    if first:
        shot("07-expert-voted")
    log_out()


def test_the_office_draws_a_panel_the_experts_score_and_vote_and_the_result_flows_on(
        page, shot, log_in, log_out, accept_dialogs, org):
    log_in(org.committee.username, PASSWORD)
    page.locator("aside").get_by_role("link", name="专家库", exact=True).click()
    expect(page.get_by_role("heading", name="专家库", exact=True)).to_be_visible()
    form = page.get_by_test_id("expert-add")
    form.get_by_label("评委会").select_option(label=org.plan.committee.name)
    form.get_by_label("身份证号").fill(org.newcomer.id_number)
    form.get_by_label("姓名").fill("唐振华")
    form.get_by_label("评审系列").select_option("工程技术")
    form.get_by_label("专业/学科组").fill(GROUP)
    form.get_by_label("职称级别").select_option("正高")
    form.get_by_label("聘期开始").fill(f"{TODAY:%Y-%m-%d}")
    form.get_by_label("聘期结束").fill(f"{TODAY + datetime.timedelta(days=4 * 365):%Y-%m-%d}")  # over three years
    form.get_by_role("button", name="加入专家库").click()
    expect(page.get_by_test_id("expert-add")).to_contain_text("聘期最长3年")
    shot("01-office-term-over-three-years")
    page.get_by_test_id("expert-add").get_by_label("聘期结束").fill(f"{TODAY + datetime.timedelta(days=700):%Y-%m-%d}")
    page.get_by_test_id("expert-add").get_by_role("button", name="加入专家库").click()
    expect(page.locator(".alert-success")).to_contain_text("已将唐振华加入专家库。")
    expect(page.get_by_test_id("pool-list").locator("tr", has_text="唐振华")).to_contain_text("在库")
    shot("02-office-pool")

    page.locator("aside").get_by_role("link", name="专家抽取", exact=True).click()
    draw_form = page.get_by_test_id("draw-form")
    draw_form.get_by_label("评审计划").select_option(label=org.plan.name)
    draw_form.get_by_label("学科组").fill(GROUP)
    draw_form.get_by_label("评审组人数").fill("3")
    draw_form.get_by_label("候补人数").fill("1")
    draw_form.get_by_label("评审会日期").fill(f"{TODAY + datetime.timedelta(days=3):%Y-%m-%d}")
    draw_form.get_by_role("button").click()
    expect(page.locator(".alert-success")).to_contain_text("已抽取结构工程评审组")
    expect(page.get_by_test_id("draw-late")).to_contain_text("不足7天")
    draw = Draw.objects.get()
    expect(page.get_by_test_id("draw-seed")).to_have_text(str(draw.seed))
    panel = page.get_by_test_id("panel")
    expect(panel.locator("tbody tr")).to_have_count(4)
    expect(panel.locator("tbody tr", has_text="候补")).to_have_count(1)
    expect(page.get_by_test_id("exclusions")).to_contain_text("无需回避")
    shot("03-office-panel-drawn")

    # A member declines: the reserve takes the seat.
    members = list(draw.assignments.filter(reserve=False).order_by("position"))
    reserve = draw.assignments.get(reserve=True)
    decliner = members[0]
    row = panel.locator(f"tr[data-assignment='{decliner.pk}']")
    row.get_by_placeholder("谢绝原因").fill("出差无法参会")
    row.get_by_role("button", name="谢绝并递补").click()
    expect(page.locator(f"tr[data-assignment='{decliner.pk}']")).to_contain_text("已谢绝")
    expect(page.locator(f"tr[data-assignment='{reserve.pk}']")).to_contain_text(
        f"递补{decliner.expert.person.name}")
    shot("03b-office-reserve-replaces-decliner")
    log_out()

    serving = [a.expert.person for a in draw.assignments.filter(reserve=False, declined_at=None).order_by("position")]
    assert len(serving) == 3
    for index, person in enumerate(serving):
        review_as_member(page, log_in, log_out, shot, person, org, first=index == 0)

    log_in(org.committee.username, PASSWORD)
    page.goto(f"/experts/draws/{draw.pk}/")
    progress = page.get_by_test_id("progress").locator(f"tr[data-application='{org.application.pk}']")
    expect(progress).to_contain_text("林芳")
    assert progress.locator("td").all_inner_texts()[3:6] == ["3", "3", "3"]  # 应到, 已评分, 已投票: counts only
    shot("08-office-progress-counts")
    page.get_by_test_id("ballot-close").click()
    expect(page.locator(".alert-success")).to_contain_text("表决已结束：通过1人，不通过0人。")
    expect(page.get_by_test_id("draw-state")).to_have_text("表决已结束")
    shot("09-office-ballot-closed")
    application = Application.objects.get(pk=org.application.pk)
    assert application.status == Application.Status.PASSED
    row = Decision.objects.get(subject_id=application.pk, stage="committee_result")
    assert (row.decision, row.members, row.attending, row.agree, row.disagree, row.abstain) == (
        "result_pass", 3, 3, 3, 0, 0)
    log_out()

    # The meeting is over: the members' console is empty and the application's page is gone.
    log_in(serving[0].username, PASSWORD)
    page.locator("aside").get_by_role("link", name="评审任务", exact=True).click()
    expect(page.get_by_test_id("meetings")).to_contain_text("暂无评审任务")
    assert page.request.get(f"/experts/console/{draw.pk}/{application.pk}/").status == 404  # with her cookies
    shot("10-expert-after-the-meeting")
