"""A stage is a declaration: a province adds 资格复核 between the unit and the HR bureau with an override file (its
role, its decisions, where they lead, a desk with its tabs) and one part for the field it asks (复核评分), and an
application walks through it on the generic pages and the one transition function — no code names the stage.
Refused declarations stop the start-up with the place at fault."""

import re

import pytest
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from applications import chain
from core.models import FlowEntry
from review import desks
from review import stages as declarations
from review.models import Decision
from review.parts import PARTS, Part
from tests.applications.support import login, page_messages
from tests.factories import PlanFactory

from .support import filed, unit_approve

pytestmark = pytest.mark.django_db

RECHECK = """
[stages.recheck]
subject = "application"
after = "unit"
label = "资格复核"
office = "职称改革办"
role = "bureau_staff"
claims = true
status = "submitted"
chain = "plan"
verb = "复核"
others = "复核组其他工作人员"
act = "复核"
form = "choice"
prefix = "d"

[stages.recheck.decisions.approve]
label = "复核通过"
leads = "next"
done = "已复核通过{name}的申报。"
parts = { score = "required", opinion = "optional" }

[stages.recheck.decisions.return]
label = "退回"
transition = "send_back"
leads = "end"
done = "已将{name}的申报退回修改。"
parts = { opinion = { need = "required", message = "退回时请说明复核意见。" } }

[desks.recheck]
subject = "application"
label = "职称改革办"
title = "资格复核"
heading = "职称改革办复核"
role = "bureau_staff"
stages = ["recheck"]
tabs = [
    { key = "pending", label = "待复核", at = ["recheck"], claimed = "me", todo = true },
    { key = "unclaimed", label = "待领取", at = ["recheck"], claimed = "nobody", todo = true },
    { key = "done", label = "已复核", decided = ["recheck"], not_at = ["recheck"] },
    { key = "all", label = "全部" },
]
"""


class Score(Part):
    """复核评分 (0–100): the one field the new stage asks, written into the decision's opinion."""

    key = "score"

    def fields(self, subject):
        return {"score": forms.IntegerField(label="复核评分", required=False, min_value=0, max_value=100,
                                            error_messages={"invalid": "复核评分应为整数。",
                                                            "min_value": "复核评分在0到100之间。",
                                                            "max_value": "复核评分在0到100之间。"})}

    def problems(self, data, subject):
        return [("score", "请填写复核评分。")] if data.get("score") is None else []

    def apply(self, act):
        act.opinion = "；".join(filter(None, [f"复核评分：{act.data['score']}分", act.opinion]))


@pytest.fixture
def declared(settings, tmp_path, monkeypatch):
    """The override file and the part, as a deployment would add them; the stages loaded afresh."""
    override = tmp_path / "recheck.toml"
    override.write_text(RECHECK, encoding="utf-8")
    monkeypatch.setitem(PARTS, "score", Score)
    settings.REVIEW_STAGE_OVERRIDES = [str(override)]
    declarations.reset()
    yield
    declarations.reset()


def tab_counts(client, desk: str) -> dict[str, str]:
    page = client.get(reverse("chain:list", args=[desk])).content.decode()
    return dict(re.findall(r'data-tab="(\w+)">[^(<]+\((\d+)\)', page))


def test_a_stage_added_by_declaration_is_walked_on_the_generic_pages(org, declared):
    plan = PlanFactory(committee=org.plan.committee, chain=["unit", "recheck", "bureau", "committee"],
                       name="复核试点计划")
    application = filed(org, plan=plan)
    assert chain.stages_of(application) == ["unit", "recheck", "bureau", "committee_accept", "committee_result",
                                            "bureau_confirm"]
    unit_approve(org, application)
    application.refresh_from_db()
    assert (application.status, application.stage, application.stage_label) == ("submitted", "recheck", "职称改革办")

    # The bureau's staff find it on the new desk, under 待领取, and nowhere on their usual one yet.
    client = login(org.client, org.bureau)
    assert tab_counts(client, "recheck") == {"pending": "0", "unclaimed": "1", "done": "0", "all": "1"}
    assert desks.tab_counts(org.bureau, desks.desk_get("bureau"))["all"] == 0
    url = reverse("chain:review", args=["recheck", application.pk])
    page = client.get(url).content.decode()
    assert "职称改革办复核" in page and 'value="claim"' in page
    client.post(url, {"action": "claim"})
    page = client.get(url).content.decode()
    assert 'name="d-decision"' in page and ">复核通过<" in page and "复核评分" in page

    # The new part's rule, by its field; nothing decided.
    response = client.post(url, {"action": "decide", "d-decision": "approve", "d-opinion": "材料齐全"})
    assert response.status_code == 200 and "请填写复核评分。" in response.content.decode()
    assert not Decision.objects.filter(stage="recheck").exists()

    response = client.post(url, {"action": "decide", "d-decision": "approve", "d-score": "88",
                                 "d-opinion": "材料齐全"}, follow=True)
    assert f"已复核通过{application.applicant.name}的申报。" in page_messages(response)
    application.refresh_from_db()
    assert (application.status, application.stage, application.claimed_by) == ("submitted", "bureau", None)

    decision = Decision.objects.get(subject_type="application", subject_id=application.pk, stage="recheck")
    assert (decision.decision, decision.actor, decision.role, decision.opinion) == (
        "approve", org.bureau, "bureau_staff", "复核评分：88分；材料齐全")
    entry = FlowEntry.objects.get(pk=decision.entry_id)
    assert (entry.action, entry.action_label, entry.stage, entry.role) == ("approve", "复核通过", "recheck", "人社部门")
    assert tab_counts(client, "recheck") == {"pending": "0", "unclaimed": "0", "done": "1", "all": "1"}
    assert desks.tab_counts(org.bureau, desks.desk_get("bureau"))["unclaimed"] == 1

    # The applicant's 审批流程 names the new office and its decision.
    login(client, application.applicant)
    detail = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert '<span class="badge text-bg-light border me-1">职称改革办</span>复核通过' in detail
    assert "复核评分：88分；材料齐全" in detail and "流程节点：人社部门" in detail

    # …and the rest of the chain goes on as before.
    done = chain.decide(actor=org.bureau, stage="bureau", pk=application.pk, decision="approve", opinion="同意")
    assert done.stage == "committee_accept"


def test_a_plan_without_the_stage_never_meets_it(org, declared):
    application = filed(org)
    assert "recheck" not in chain.stages_of(application)
    assert unit_approve(org, application).stage == "department"


@pytest.mark.parametrize("broken, message", [
    ('[stages.recheck]\nsubject = "application"\nrole = "nobody"', "stages.recheck: unknown role 'nobody'"),
    ('[stages.unit.decisions.approve]\nparts = { magic = "required" }', "unknown part 'magic'"),
    ('[stages.unit.decisions.return]\ntransition = "vanish"', "Application has no transition 'vanish'"),
    ('[stages.unit.decisions.return]\nleads = "elsewhere"', "leads must be one of"),
    ('[desks.unit]\nstages = ["unit", "bureau"]',
     "desks.unit: stage 'bureau' is not one of the application stages of role"),
    ('[[desks.unit.tabs]]\nkey = "x"\nlabel = "x"\nat = ["nowhere"]', "desks.unit: tab x names an unknown stage"),
])
def test_a_broken_declaration_is_refused_naming_its_place(settings, tmp_path, broken, message):
    override = tmp_path / "broken.toml"
    override.write_text(broken, encoding="utf-8")
    try:
        with pytest.raises(ImproperlyConfigured, match=message):
            declarations.load([override])
    finally:
        declarations.reset()
