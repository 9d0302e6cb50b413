"""回避 along the review chain: nobody acts on their own application at any node. At each node the applicant holds
that node's role in its scope (the demo's 林芳 administers the hospital she works for; a doctor of the hospital
may review for its competent department, staff the HR bureau or the committee office): the service refuses with
the reason and who else may act, the review page offers no action and says so, a direct POST changes nothing,
her own application is left out of the queues of work and the 任务中心, and her colleagues act as before. The
same holds where the unit node is delegated (委托) to an organisation she administers."""

from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from applications import chain
from applications.models import Delegation
from review import desks, scopes
from review.recusal import others_holding
from review.stages import stages
from review.subjects import SUBJECTS
from tests.applications.support import login, scan_upload
from tests.factories import PersonFactory, UnitFactory, unit_account, unit_admin

from .support import filed, proof, recommendation, state, walk

pytestmark = pytest.mark.django_db

ACTION_FORMS = ('value="claim"', 'value="decide"', 'value="accept"', 'value="return"', 'value="result"',
                'value="confirm"', 'name="d-decision"')


def _applicant_holding(org, role, *, unit=None, region=None, name="林芳"):
    """A person of the hospital (so her applications are filed there) who also holds `role` in a scope."""
    person = PersonFactory(unit=org.unit, name=name, series="工程技术")
    RoleAssignment.objects.create(user=person, role=role, unit=unit, region=region)
    return person


def _unit_case(org):
    unit_account(org.unit)
    lin = _applicant_holding(org, Role.UNIT_ADMIN, unit=org.unit)
    return lin, filed(org, person=lin, stage="unit"), \
        "本人的职称申报不能由本人审核，请由本单位其他管理员（经办人乙、经办人甲）或单位账号（福州市第一医院）审核。"


def _department_case(org):
    doctor = _applicant_holding(org, Role.DEPARTMENT_REVIEWER, unit=org.department)
    application = walk(org, filed(org, person=doctor), to="department")
    return doctor, application, "本人的职称申报不能由本人审核，请由本主管部门其他审核人员（主管部门黄敏）审核。"


def _bureau_case(org, to="bureau"):
    from orgs.models import Region

    clerk = _applicant_holding(org, Role.BUREAU_STAFF, region=Region.objects.get(code="350000"))
    application = walk(org, filed(org, person=clerk), to=to)
    return clerk, application, "本人的职称申报不能由本人审核，请由人社部门其他工作人员（人社厅郑强）审核。"


def _committee_case(org, to="committee"):
    clerk = _applicant_holding(org, Role.COMMITTEE_STAFF, unit=org.plan.committee.bureau)
    application = walk(org, filed(org, person=clerk), to=to)
    return clerk, application, "本人的职称申报不能由本人办理，请由评委会办公室其他工作人员（评委会吴昊）办理。"


def _refused(org, application, note, attempts):
    before = state(application)
    for attempt in attempts:
        with pytest.raises(chain.ChainError) as refused:
            attempt()
        assert str(refused.value) == note
    assert state(application) == before


def test_unit_node_her_claim_and_every_decision_are_refused(org):
    lin, application, note = _unit_case(org)
    stage = "unit"
    _refused(org, application, note, [
        lambda: chain.claim(actor=lin, stage=stage, pk=application.pk),
        lambda: chain.decide(actor=lin, stage=stage, pk=application.pk, decision="approve",
                             recommendation=recommendation(org), proofs=[proof()]),
        lambda: chain.decide(actor=lin, stage=stage, pk=application.pk, decision="return", opinion="自己退回"),
        lambda: chain.decide(actor=lin, stage=stage, pk=application.pk, decision="terminate", opinion="自己终止"),
    ])
    # Even claimed for her by the data (as an older version allowed), she cannot decide it.
    type(application).objects.filter(pk=application.pk).update(claimed_by=lin)
    _refused(org, application, note, [
        lambda: chain.decide(actor=lin, stage=stage, pk=application.pk, decision="return", opinion="自己退回"),
    ])


def test_department_node_her_claim_and_decisions_are_refused(org):
    doctor, application, note = _department_case(org)
    stage = "department"
    _refused(org, application, note, [
        lambda: chain.claim(actor=doctor, stage=stage, pk=application.pk),
        lambda: chain.decide(actor=doctor, stage=stage, pk=application.pk, decision="approve", opinion="同意"),
        lambda: chain.decide(actor=doctor, stage=stage, pk=application.pk, decision="return", opinion="退回"),
    ])


def test_bureau_node_her_review_and_her_confirmation_are_refused(org):
    clerk, application, note = _bureau_case(org)
    stage = "bureau"
    _refused(org, application, note, [
        lambda: chain.claim(actor=clerk, stage=stage, pk=application.pk),
        lambda: chain.decide(actor=clerk, stage=stage, pk=application.pk, decision="approve", opinion="同意"),
        lambda: chain.decide(actor=clerk, stage=stage, pk=application.pk, decision="return", opinion="退回"),
    ])
    walk(org, application, to="passed")
    _refused(org, application, note, [lambda: chain.confirm(actor=clerk, pk=application.pk)])
    assert chain.confirm(actor=org.bureau, pk=application.pk).certificate_no  # her colleague confirms


def test_committee_node_her_acceptance_return_and_result_are_refused(org):
    clerk, application, note = _committee_case(org)
    stage = "committee_accept"
    _refused(org, application, note, [
        lambda: chain.committee_accept(actor=clerk, pk=application.pk, accepted_on=timezone.localdate()),
        lambda: chain.decide(actor=clerk, stage=stage, pk=application.pk, decision="return", opinion="退回"),
    ])
    walk(org, application, to="accepted")
    tally = chain.Tally(members=9, attending=9, agree=9, disagree=0)
    _refused(org, application, note, [
        lambda: chain.committee_result(actor=clerk, pk=application.pk, tally=tally),
        lambda: chain.committee_result(actor=clerk, pk=application.pk, passed=True),
    ])


def test_the_delegates_admin_cannot_decide_her_own_application(org):
    """委托: the hospital hands its node for the plan to another organisation; its admin 林芳 works at the
    hospital and filed there. She sees her application at the (delegated) unit node, but may not act on it."""
    delegate = UnitFactory(name="福州市人才服务中心")
    lin = _applicant_holding(org, Role.UNIT_ADMIN, unit=delegate)
    other = unit_admin(delegate, name="受托经办人")
    Delegation.objects.create(unit=org.unit, plan=org.plan, delegate=delegate, created_by=org.clerk)
    application = filed(org, person=lin)
    stage = "unit"
    note = "本人的职称申报不能由本人审核，请由本单位其他管理员（受托经办人）审核。"
    _refused(org, application, note, [
        lambda: chain.claim(actor=lin, stage=stage, pk=application.pk),
        lambda: chain.decide(actor=lin, stage=stage, pk=application.pk, decision="return", opinion="退回"),
    ])
    page = login(org.client, lin).get(reverse("chain:review", args=["unit", application.pk])).content.decode()
    assert note in page and not any(form in page for form in ACTION_FORMS)
    assert chain.claim(actor=other, stage=stage, pk=application.pk).claimed_by == other


# ------------------------------------------------------------------ the review page and a direct POST, every node

def _posts(org):
    start, end = org.publicity
    return {
        "unit": [{"action": "claim"},
                 {"action": "decide", "d-decision": "approve", "d-publicity_from": start.isoformat(),
                  "d-publicity_to": end.isoformat(), "d-recommendation": "同意推荐。", "d-takes_vacancy": "yes",
                  "proof": scan_upload("公示证明.jpg")},
                 {"action": "decide", "d-decision": "return", "d-opinion": "自己退回"},
                 {"action": "decide", "d-decision": "terminate", "d-opinion": "自己终止"}],
        "department": [{"action": "claim"}, {"action": "decide", "d-decision": "approve", "d-opinion": "同意"}],
        "bureau": [{"action": "claim"}, {"action": "decide", "d-decision": "approve", "d-opinion": "同意"}],
        "committee": [{"action": "accept", "a-accepted_on": timezone.localdate().isoformat()},
                      {"action": "return", "d-opinion": "退回"}],
        "accepted": [{"action": "result", "r-members": 9, "r-attending": 9, "r-agree": 9, "r-disagree": 0,
                      "r-abstain": 0}],
        "passed": [{"action": "confirm"}],
    }


CASES = {
    "unit": (_unit_case, "unit", {}),
    "department": (_department_case, "department", {}),
    "bureau": (_bureau_case, "bureau", {}),
    "committee": (_committee_case, "committee", {}),
    "accepted": (_committee_case, "committee", {"to": "accepted"}),  # 评审结果
    "passed": (_bureau_case, "bureau", {"to": "passed"}),  # 人社部门确认
}


@pytest.mark.parametrize("where", list(CASES))
def test_her_review_page_offers_no_action_and_a_post_changes_nothing(org, where):
    make, node_key, kwargs = CASES[where]
    person, application, note = make(org, **kwargs)
    client = login(org.client, person)
    url = reverse("chain:review", args=[node_key, application.pk])

    page = client.get(url).content.decode()
    assert 'data-testid="recusal-note"' in page and note in page
    assert not any(form in page for form in ACTION_FORMS), [form for form in ACTION_FORMS if form in page]
    assert "本节点当前没有待办理的操作" not in page

    before = state(application)
    for data in _posts(org)[where]:
        response = client.post(url, data)
        assert response.status_code == 200, data
        answer = response.content.decode()
        assert note in answer and not any(form in answer for form in ACTION_FORMS), data
        assert state(application) == before, data


def test_her_colleague_sees_the_usual_actions(org):
    lin, application, _note = _unit_case(org)
    page = login(org.client, org.clerk).get(reverse("chain:review", args=["unit", application.pk])).content.decode()
    assert 'value="claim"' in page and "recusal-note" not in page
    assert chain.claim(actor=org.clerk, stage="unit", pk=application.pk).claimed_by == org.clerk


# ------------------------------------------------------------------ lists, the task centre, the next one to open

def test_her_application_is_left_out_of_her_queues_but_listed_under_all(org):
    lin, hers, _note = _unit_case(org)
    theirs = filed(org, name="陈静")
    client = login(org.client, lin)

    unclaimed = client.get(reverse("chain:unit"), {"status": "unclaimed"}).content.decode()
    assert f'data-application="{theirs.pk}"' in unclaimed and f'data-application="{hers.pk}"' not in unclaimed
    assert desks.tab_counts(lin, desks.desk_get("unit"))["unclaimed"] == 1
    assert desks.tab_counts(org.clerk, desks.desk_get("unit"))["unclaimed"] == 2

    everything = client.get(reverse("chain:unit"), {"status": "all"}).content.decode()
    row = everything[everything.index(f'data-application="{hers.pk}"'):]
    row = row[:row.index("</tr>")]
    assert "本人申报" in row and ">查看<" in row and "领取" not in row

    tasks = client.get(reverse("review:tasks")).content.decode()
    assert reverse("chain:review", args=["unit", theirs.pk]) in tasks
    assert reverse("chain:review", args=["unit", hers.pk]) not in tasks
    assert desks.next_for(lin, stages().get("unit"), exclude=theirs.pk) is None


@pytest.mark.parametrize("make", [_unit_case, _department_case, _bureau_case, _committee_case])
def test_everyone_the_note_names_may_act_at_the_node(org, make):
    """The note's names come from the node's holders, the scopes read backwards: each named user sees the
    application at the node, and the applicant is not among them."""
    person, application, _note = make(org)
    stage = stages().get(application.stage)
    holders = scopes.holders(stage.role, SUBJECTS["application"], application)
    named = others_holding(holders, besides=person)
    assert named and person not in named
    for user in named:
        assert desks.desk_subjects(user, stages().desk_of(stage.key)).filter(pk=application.pk).exists(), user.name
    outsider = SimpleNamespace(pk=None)
    assert set(others_holding(holders, besides=outsider)) == {*named, person}
