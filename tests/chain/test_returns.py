"""退回 at every node sends the application back to the applicant, who edits and files again: the resubmission
travels the chain from its first node, on a rebuilt snapshot, with the whole history kept in the flow. 终止 by
the unit ends the person's applications for that year (another plan of the year refused, next year allowed)."""

import pytest
from django.urls import reverse

from applications import chain, services
from applications.models import Application, Plan
from core.models import FlowEntry
from orgs.models import PostQuota
from review import desks
from tests.applications.support import basic_values, login, page_messages, save_section
from tests.factories import CommitteeFactory, PersonFactory, PlanFactory

from .support import filed, walk

pytestmark = pytest.mark.django_db
S = Application.Status


def resubmit_through_the_page(client, application, admin_post: str):
    """The applicant reads the return on the detail page, changes 行政职务 and files again."""
    login(client, application.applicant)
    detail = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert 'data-testid="returned-note"' in detail
    response = save_section(client, application, "basic", {**basic_values("工程技术"), "admin_post": admin_post})
    assert response.status_code == 302, response.content.decode()[:300]
    response = client.post(reverse("applications:submit", args=[application.pk]), follow=True)
    assert "申报已提交，信息已锁定。可以下载打印申报材料。" in page_messages(response)
    application.refresh_from_db()
    return application, detail


def test_a_return_at_every_node_and_the_resubmissions(world):
    client, a = world.client, world.application
    services.application_submit(actor=world.person, application=a)

    # 用人单位 returns through its page, naming the sections to change.
    login(client, world.clerk)
    client.post(reverse("chain:review", args=["unit", a.pk]), {"action": "claim"})
    client.post(reverse("chain:review", args=["unit", a.pk]), {
        "action": "decide", "d-decision": "return", "d-return_sections": ["basic", "education"],
        "d-opinion": "请补充行政职务"})
    a.refresh_from_db()
    assert (a.status, a.stage, a.claimed_by) == (S.RETURNED, "", None)
    first_snapshot = a.snapshot
    a, detail = resubmit_through_the_page(client, a, "科室副主任")
    assert "单位管理员退回：" in detail and "需修改的栏目：个人基本信息、学历信息。请补充行政职务" in detail
    assert (a.status, a.stage, a.claimed_by) == (S.SUBMITTED, "unit", None)
    assert a.snapshot["sections"]["basic"]["values"]["admin_post"] == "科室副主任"
    assert first_snapshot["sections"]["basic"]["values"]["admin_post"] != "科室副主任"
    assert a.snapshot["submitted_at"] != first_snapshot["submitted_at"]

    # 主管部门, 人社部门 and the committee office each return once; every resubmission starts at the unit.
    returns = [("department", world.reviewer, "请补充继续教育学时证明"), ("bureau", world.bureau, "论文刊号有误"),
               ("committee", world.committee, "请补充业绩佐证材料")]
    for i, (node, actor, opinion) in enumerate(returns):
        walk(world, a, to=node)
        if node == "committee":
            login(client, actor)
            response = client.post(reverse("chain:review", args=[node, a.pk]), {"action": "return", "d-opinion": opinion})
            assert response.status_code == 302
        else:
            chain.decide(actor=actor, stage=node, pk=a.pk, decision="return", opinion=opinion)
        a.refresh_from_db()
        assert (a.status, a.stage) == (S.RETURNED, "")
        a, detail = resubmit_through_the_page(client, a, f"第{i + 2}次修改")
        assert opinion in detail
        assert (a.status, a.stage) == (S.SUBMITTED, "unit")
        assert a.snapshot["sections"]["basic"]["values"]["admin_post"] == f"第{i + 2}次修改"
        # The node that returned it does not see it as waiting any more; the unit does.
        assert desks.tab_counts(world.clerk, desks.desk_get("unit"))["unclaimed"] == 1

    a = walk(world, a, to="confirmed")
    assert a.certificate_no
    # The unit's recommendations across five passes took one vacancy, not five.
    assert PostQuota.objects.get(pk=world.quota.pk).associate_taken == 1

    flow = list(FlowEntry.objects.filter(subject_type="application", subject_id=a.pk).order_by("at", "pk"))
    actions = [e.action for e in flow]
    assert actions.count("submit") == 5 and actions.count("return") == 4
    assert [e.stage for e in flow if e.action == "return"] == ["unit", "department", "bureau", "committee_accept"]
    assert actions[-3:] == ["accept", "result_pass", "confirm"]
    login(client, world.person)
    detail = client.get(reverse("applications:detail", args=[a.pk])).content.decode()
    for opinion in ["请补充行政职务"] + [o for _, _, o in returns]:
        assert opinion in detail
    assert a.certificate_no in detail and 'data-testid="returned-note"' not in detail


# ------------------------------------------------------------------------------------------------ 终止


def next_year_plan(org):
    committee = CommitteeFactory(name="福建省工程技术高级职称评审委员会（下一年度）", series="工程技术",
                                 levels=["中级", "副高", "正高"], bureau=org.plan.committee.bureau)
    return PlanFactory(committee=committee, year=org.plan.year + 1, name=f"{org.plan.year + 1}年度工程技术职称评审")


def test_termination_blocks_another_application_that_year(org):
    application = filed(org)
    person = application.applicant
    client = login(org.client, org.clerk)
    client.post(reverse("chain:review", args=["unit", application.pk]), {"action": "claim"})
    response = client.post(reverse("chain:review", args=["unit", application.pk]), {
        "action": "decide", "d-decision": "terminate", "d-opinion": "经核查，业绩材料不实"}, follow=True)
    assert f"已终止{person.name}本年度的申报。" in page_messages(response)
    application.refresh_from_db()
    assert (application.status, application.stage) == (S.TERMINATED, "")
    entry = FlowEntry.objects.filter(subject_id=application.pk, action="terminate").get()
    assert (entry.stage, entry.opinion, entry.actor_name) == ("unit", "经核查，业绩材料不实", "经办人甲")

    same_year = PlanFactory(committee=org.plan.committee, name=f"{org.plan.year}年度工程技术职称评审（第二批）")
    with pytest.raises(services.ApplicationError, match=f"您的{org.plan.year}年度申报已被单位终止，本年度不能再申报。"):
        services.application_start(actor=person, plan=same_year, series="工程技术", level="副高")
    login(client, person)
    prefix = f"p{same_year.pk}"
    response = client.post(reverse("applications:start", args=[same_year.pk]), {
        f"{prefix}-series": "工程技术", f"{prefix}-level": "副高", f"{prefix}-form": "常规申报"}, follow=True)
    assert f"您的{org.plan.year}年度申报已被单位终止，本年度不能再申报。" in page_messages(response)
    assert not Application.objects.filter(plan=same_year).exists()
    # The terminated application itself cannot be filed again either.
    with pytest.raises(services.ApplicationError):
        services.application_submit(actor=person, application=application)

    following = next_year_plan(org)
    opened = services.application_start(actor=person, plan=following, series="工程技术", level="副高")
    assert (opened.plan, opened.status) == (following, S.DRAFT)
    # A colleague of the same unit is not affected.
    colleague = PersonFactory(unit=org.unit, name="周明", series="工程技术")
    assert services.application_start(actor=colleague, plan=same_year, series="工程技术", level="副高").pk


def test_a_return_does_not_block_the_year(org):
    application = filed(org)
    chain.decide(actor=org.clerk, stage="unit", pk=application.pk, decision="return", opinion="请补充")
    other = PlanFactory(committee=org.plan.committee, name="第二批")
    assert services.application_start(actor=application.applicant, plan=other, series="工程技术", level="副高").pk
    assert Plan.objects.count() == 2
