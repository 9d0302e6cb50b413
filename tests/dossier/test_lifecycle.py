"""The lifecycle table of docs/lifecycle.md, cell by cell: state × action × role. Exactly the allowed cells
succeed; every other one is refused (RecordError or PermissionDenied) and changes nothing. Every transition
writes exactly one flow entry."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied

from core.models import FlowEntry
from dossier import services
from dossier.catalogue import catalogue
from dossier.models import Record, Status, Withdrawal
from review import services as review_services

from .support import make_record, record_data

pytestmark = pytest.mark.django_db

KIND = "work_experience"  # evidence optional, withdrawable: only the lifecycle decides
STATES = [Status.DRAFT, Status.PENDING, Status.APPROVED, Status.RETURNED, Status.TERMINATED]
ACTIONS = ["submit", "approve", "return", "terminate", "reopen", "edit", "delete", "withdrawal_request"]
ROLES = ["owner", "unit_admin", "other_unit_admin", "other_applicant"]

# (action, state, role) → the status afterwards (None: the record is gone). Everything else is refused.
ALLOWED = {
    ("submit", Status.DRAFT, "owner"): Status.PENDING,
    ("submit", Status.RETURNED, "owner"): Status.PENDING,
    ("approve", Status.PENDING, "unit_admin"): Status.APPROVED,
    ("return", Status.PENDING, "unit_admin"): Status.RETURNED,
    ("terminate", Status.PENDING, "unit_admin"): Status.TERMINATED,
    ("reopen", Status.APPROVED, "unit_admin"): Status.DRAFT,
    ("edit", Status.DRAFT, "owner"): Status.DRAFT,
    ("edit", Status.RETURNED, "owner"): Status.RETURNED,
    ("delete", Status.DRAFT, "owner"): None,
    ("delete", Status.RETURNED, "owner"): None,
    ("withdrawal_request", Status.APPROVED, "owner"): Status.APPROVED,
}


def _perform(action, *, actor, record, withdrawal):
    kind = catalogue().kind(record.kind)
    match action:
        case "submit":
            services.record_submit(actor=actor, record=record)
        case "approve" | "return" | "terminate":
            review_services.record_decide(actor=actor, record=record, decision=action, opinion="审核意见")
        case "reopen":
            review_services.withdrawal_decide(actor=actor, withdrawal=withdrawal, grant=True, opinion="同意")
        case "edit":
            services.record_update(actor=actor, record=record, kind=kind, data=record_data(kind, seed="改"))
        case "delete":
            services.record_delete(actor=actor, record=record)
        case "withdrawal_request":
            services.withdrawal_request(actor=actor, record=record, reason="信息有误")


@pytest.mark.parametrize(("action", "state", "role"), list(itertools.product(ACTIONS, STATES, ROLES)))
def test_only_the_lifecycle_table_allows_a_transition(owner, admin, other_admin, stranger, action, state, role):
    record = make_record(owner, KIND, status=state, admin=admin)
    # 同意撤回 acts on a withdrawal request; give every state one so that only the rules can refuse.
    withdrawal = Withdrawal.objects.create(record=record, unit=record.unit) if action == "reopen" else None
    actor = {"owner": owner, "unit_admin": admin, "other_unit_admin": other_admin, "other_applicant": stranger}[role]
    before = Record.objects.get(pk=record.pk)
    flow_before = FlowEntry.objects.filter(subject_id=record.pk).count()
    withdrawals_before = list(Withdrawal.objects.values_list("pk", "state"))

    if (action, state, role) in ALLOWED:
        _perform(action, actor=actor, record=record, withdrawal=withdrawal)
        expected = ALLOWED[(action, state, role)]
        if expected is None:
            assert not Record.objects.filter(pk=record.pk).exists()
        else:
            assert Record.objects.get(pk=record.pk).status == expected
            assert FlowEntry.objects.filter(subject_id=record.pk).count() == flow_before + 1
        return

    with pytest.raises((services.RecordError, PermissionDenied)):
        _perform(action, actor=actor, record=record, withdrawal=withdrawal)
    after = Record.objects.get(pk=record.pk)
    assert after.status == before.status
    assert after.data == before.data
    assert after.submitted_at == before.submitted_at and after.decided_at == before.decided_at
    assert FlowEntry.objects.filter(subject_id=record.pk).count() == flow_before
    assert list(Withdrawal.objects.values_list("pk", "state")) == withdrawals_before


def _last_flow(record):
    return FlowEntry.objects.filter(subject_type="record", subject_id=record.pk).last()


def test_every_transition_writes_one_flow_entry_with_actor_role_action_and_opinion(owner, admin):
    kind = catalogue().kind(KIND)
    steps = []

    def step(call, *, actor, role, action, opinion=""):
        count = FlowEntry.objects.count()
        result = call()
        assert FlowEntry.objects.count() == count + 1, action
        entry = FlowEntry.objects.order_by("pk").last()
        assert (entry.actor, entry.actor_name, entry.role, entry.action, entry.opinion) == (
            actor, actor.name, role, action, opinion)
        steps.append(action)
        return result

    record = step(lambda: services.record_create(owner=owner, kind=kind, data=record_data(kind)),
                  actor=owner, role="个人", action="create")
    step(lambda: services.record_submit(actor=owner, record=record), actor=owner, role="个人", action="submit")
    step(lambda: review_services.record_decide(actor=admin, record=record, decision="return", opinion="请补充证明"),
         actor=admin, role="单位管理员", action="return", opinion="请补充证明")
    step(lambda: services.record_update(actor=owner, record=record, kind=kind, data=record_data(kind, seed="乙")),
         actor=owner, role="个人", action="save")
    step(lambda: services.record_submit(actor=owner, record=record), actor=owner, role="个人", action="submit")
    step(lambda: review_services.record_decide(actor=admin, record=record, decision="approve"),
         actor=admin, role="单位管理员", action="approve")
    withdrawal = step(lambda: services.withdrawal_request(actor=owner, record=record, reason="单位名称有误"),
                      actor=owner, role="个人", action="withdraw_request", opinion="单位名称有误")
    step(lambda: review_services.withdrawal_decide(actor=admin, withdrawal=withdrawal, grant=True, opinion="同意修改"),
         actor=admin, role="单位管理员", action="withdraw_grant", opinion="同意修改")
    step(lambda: services.record_submit(actor=owner, record=record), actor=owner, role="个人", action="submit")
    step(lambda: review_services.record_decide(actor=admin, record=record, decision="terminate", opinion="材料造假"),
         actor=admin, role="单位管理员", action="terminate", opinion="材料造假")

    flow = FlowEntry.objects.filter(subject_type="record", subject_id=record.pk)
    assert list(flow.values_list("action", flat=True)) == steps
    assert list(flow.values_list("to_status", flat=True)) == [
        "draft", "pending", "returned", "returned", "pending", "approved", "approved", "draft", "pending", "terminated"]


def test_a_refused_withdrawal_is_logged_with_its_reason(owner, admin):
    record = make_record(owner, KIND, status=Status.APPROVED, admin=admin)
    withdrawal = services.withdrawal_request(actor=owner, record=record)
    review_services.withdrawal_decide(actor=admin, withdrawal=withdrawal, grant=False, opinion="已被引用的材料")
    entry = _last_flow(record)
    assert (entry.actor, entry.role, entry.action, entry.opinion) == (admin, "单位管理员", "withdraw_refuse", "已被引用的材料")


@pytest.mark.parametrize("opinion", ["", "   "])
def test_returning_without_an_opinion_is_refused(owner, admin, opinion):
    record = make_record(owner, KIND, status=Status.PENDING)
    flow = FlowEntry.objects.count()
    with pytest.raises(services.RecordError, match="^退回时必须填写审核意见。$"):
        review_services.record_decide(actor=admin, record=record, decision="return", opinion=opinion)
    record.refresh_from_db()
    assert record.status == Status.PENDING and FlowEntry.objects.count() == flow


def test_approving_and_terminating_need_no_opinion(owner, admin):
    approved = make_record(owner, KIND, status=Status.PENDING)
    review_services.record_decide(actor=admin, record=approved, decision="approve")
    terminated = make_record(owner, KIND, status=Status.PENDING)
    review_services.record_decide(actor=admin, record=terminated, decision="terminate")
    assert Record.objects.get(pk=approved.pk).status == Status.APPROVED
    assert Record.objects.get(pk=terminated.pk).status == Status.TERMINATED
    assert _last_flow(approved).opinion == "" and _last_flow(terminated).opinion == ""


def test_an_unknown_decision_is_refused(owner, admin):
    record = make_record(owner, KIND, status=Status.PENDING)
    with pytest.raises(services.RecordError):
        review_services.record_decide(actor=admin, record=record, decision="publish")
    assert Record.objects.get(pk=record.pk).status == Status.PENDING
