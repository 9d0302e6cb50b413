"""A failed application's anonymous feedback in the browser (issue 21 item 6): the panel has scored and voted
不同意; the committee office closes the ballot (the application fails as typed counts would make it), releases the
experts' opinions, and the applicant reads them under 评审意见反馈 — every opinion, no expert's name."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Application
from experts import services
from experts.models import Draw
from tests.factories import PASSWORD, PersonFactory, UnitFactory

from .test_experts_journey import GROUP
from .test_experts_journey import org as org  # noqa: F401 - the same world: an accepted application, four experts

OPINIONS = ["代表性成果不足，论文与申报专业关联度不高。", "工程业绩规模偏小，建议积累后再申报。", "答辩对规范条文理解不够深入。"]


@pytest.fixture
def voted(org):  # noqa: F811 - the journey's fixture
    """A panel of three that scored with written opinions and voted 不同意 on the application."""
    draw = services.draw_make(actor=org.committee, plan_id=org.plan.pk, group=GROUP, size=3, reserves=0,
                              meeting_on=timezone.localdate() + datetime.timedelta(days=10))
    members = [a.expert.person for a in draw.assignments.order_by("position")]
    for person, opinion in zip(members, OPINIONS, strict=True):
        services.commit(actor=person, draw_id=draw.pk)
        services.score_save(actor=person, draw_id=draw.pk, application_id=org.application.pk,
                            points={"achievements": 20, "ability": 15, "papers": 8, "defence": 5}, opinion=opinion)
        services.vote_cast(actor=person, draw_id=draw.pk, application_id=org.application.pk, choice="disagree")
    return draw, members


def test_the_office_closes_the_ballot_releases_the_opinions_and_the_applicant_reads_them_without_names(
        page, shot, log_in, log_out, accept_dialogs, org, voted):  # noqa: F811
    draw, members = voted
    log_in(org.committee.username, PASSWORD)
    page.locator("aside").get_by_role("link", name="专家抽取", exact=True).click()
    page.get_by_test_id("draw-list").get_by_role("link", name=org.plan.name).click()
    expect(page.get_by_test_id("draw-state")).to_have_text("评审中")
    page.get_by_test_id("ballot-close").click()
    expect(page.locator(".alert-success")).to_contain_text("表决已结束：通过0人，不通过1人。")
    assert Application.objects.get(pk=org.application.pk).status == Application.Status.FAILED
    row = page.get_by_test_id("progress").locator(f"tr[data-application='{org.application.pk}']")
    expect(row).to_contain_text("评审未通过")
    shot("01-office-ballot-closed-failed")
    row.get_by_test_id("feedback-release").click()
    expect(page.locator(".alert-success")).to_contain_text("已向申报人发布评审意见（不含专家姓名）。")
    shot("02-office-opinions-released")
    log_out()

    log_in(org.application.applicant.username, PASSWORD)
    page.locator("aside").get_by_role("link", name="评审意见反馈", exact=True).click()
    feedback = page.get_by_test_id("feedback")
    expect(feedback).to_have_count(1)
    expect(feedback.locator("li")).to_have_count(3)
    for opinion in OPINIONS:
        expect(feedback).to_contain_text(opinion)
    text = page.locator("main").inner_text()
    for person in members:
        assert person.name not in text
    shot("03-applicant-reads-anonymous-opinions")
    log_out()

    # Another applicant reads nothing of it.
    stranger = PersonFactory(name="路人甲", unit=UnitFactory(name="另一家设计院"))
    log_in(stranger.username, PASSWORD)
    page.locator("aside").get_by_role("link", name="评审意见反馈", exact=True).click()
    expect(page.get_by_text("暂无评审意见反馈")).to_be_visible()
    assert Draw.objects.get(pk=draw.pk).closed_at is not None
