"""The review chain of applications (SPEC §4 rules, §5 职称申报, §6): what the review engine needs to know about
an application, and the thin services callers and tests use.

The stages themselves (用人单位, 主管部门, 人社部门, 评委会接收, 评委会评审, 人社部门确认), their decisions and the
desks that list them are declared in review/stages.toml; review.engine applies any decision of any of them. A plan
names the stages of its chain (Plan.chain: unit, department, bureau, committee, in that order, any may be left
out); the committee's result and the bureau's confirmation always follow. This module registers applications as
a subject of the engine (their scope paths, the delegation 委托, their chain, the sections a return may name),
registers their requirement parts (applications.chain_parts), and keeps each old entry point as one call of the
engine.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.urls import reverse

from accounts.models import Role
from accounts.roles import admin_unit_ids
from core.fields import blind_match
from core.flow import flow_write
from orgs.models import Unit
from review import desks, engine
from review.parts import part_register
from review.stages import stages
from review.subjects import SUBJECTS, SubjectType, subject_register
from review.subjects import Delegation as DelegationHooks
from review.tasks import TaskItem, TaskSource, task_source_register

from . import chain_parts
from .chain_parts import LEVEL_QUOTA, Recommendation, Tally, quorum_label, working_days  # noqa: F401 — re-exported
from .models import Application, Delegation, Plan
from .precheck import precheck
from .sections import sections
from .services import snapshot_hash

SUBJECT = "application"


class ChainError(Exception):
    """A refused decision, with a Chinese message for the reviewer."""


# ---------------------------------------------------------------- the subject type


def _delegated_reach(units: set[int]) -> Q:
    """What the admins of `units` reach: their units' applications that the unit has not delegated for that
    plan, and those delegated to one of their units."""
    delegated = Delegation.objects.filter(unit=OuterRef("unit"), plan=OuterRef("plan"))
    return (Q(unit_id__in=units) & ~Exists(delegated)) | Exists(delegated.filter(delegate_id__in=units))


def _delegate_of(application: Application) -> int | None:
    delegation = Delegation.objects.filter(unit_id=application.unit_id, plan_id=application.plan_id).first()
    return delegation.delegate_id if delegation else application.unit_id


def _search(q: str) -> Q:
    return Q(applicant__name__contains=q) | blind_match("applicant__id_number", q.upper())


def _return_choices(application: Application) -> list[tuple[str, str]]:
    return [(section.key, section.label) for section in sections().for_series(application.series)]


def _snapshot_hash(application: Application) -> str:
    return snapshot_hash(application.snapshot) if application.snapshot is not None else ""


# Panels a desk shows beside the application (its `sees`): the HR bureau checks the plan's conditions.
PANELS = {"precheck": ("applications/chain/_precheck.html", precheck)}


def register() -> None:
    """Applications as a subject of the review engine, with their parts (called when the app is ready)."""
    for part in chain_parts.PARTS:
        part_register(part)
    subject_register(SubjectType(
        key=SUBJECT, label="职称申报", model=Application, owner="applicant",
        paths={"unit": "unit", "department": "unit__department", "region": "unit__region",
               "body": "plan__committee__bureau"},
        error=ChainError, unreachable=Http404, stage_field="stage", claim_field="claimed_by",
        since_field="node_since", order=("submitted_at", "pk"),
        related=("applicant", "plan", "plan__committee", "plan__committee__bureau", "unit", "unit__department",
                 "claimed_by"),
        person=lambda application: application.applicant.name,
        chosen=lambda application: set(application.plan.chain),
        delegation=DelegationHooks(reach=_delegated_reach, unit_of=_delegate_of),
        search=_search, return_choices=_return_choices, snapshot_hash=_snapshot_hash,
    ))
    task_source_register(TaskSource(key="application", label="职称申报", items=_task_items))


# ---------------------------------------------------------------- the services, one engine call each


def stages_of(application: Application) -> list[str]:
    """The application's chain: its stage keys in order."""
    return [stage.key for stage in engine.chain_of(SUBJECTS[SUBJECT], application)]


def chain_enter(application: Application) -> None:
    """Called by application_submit after the submit transition: the application arrives at its chain's first
    stage (with no review stage at all, the committee's review: accepted that day)."""
    engine.enter(application)


def claim(*, actor, stage: str, pk: int) -> Application:
    """领取: a clerk takes an unclaimed application waiting at their stage."""
    return engine.claim(actor=actor, stage=stage, subject_id=pk)


def decide(*, actor, stage: str, pk: int, decision: str, opinion: str = "", files=(),
           recommendation: Recommendation | None = None, proofs=()) -> Application:
    """通过 / 退回 / 终止 at a review stage (unit, department, bureau), 退回 at committee_accept. The unit's 通过
    needs its `recommendation` and the publicity `proofs` ([CheckedFile]); `files` are further attachments."""
    data = {"opinion": opinion, "attachment": list(files), "proof": list(proofs),
            **(recommendation.as_data() if recommendation else {})}
    return engine.decide(actor=actor, stage=stage, subject_id=pk, decision=decision, data=data)


def committee_accept(*, actor, pk: int, accepted_on: datetime.date, opinion: str = "") -> Application:
    """评委会接收 with its date (shown on section 1 and the prints)."""
    return engine.decide(actor=actor, stage="committee_accept", subject_id=pk, decision="accept",
                         data={"accepted_on": accepted_on, "opinion": opinion})


def committee_result(*, actor, pk: int, passed: bool | None = None, opinion: str = "",
                     tally: Tally | None = None) -> Application:
    """The committee's result: from the meeting's `tally` (the result follows from the counts and the plan's
    pass share), or `passed` as decided elsewhere."""
    decision = None if passed is None else ("result_pass" if passed else "result_fail")
    return engine.decide(actor=actor, stage="committee_result", subject_id=pk, decision=decision,
                         data={"tally": tally, "opinion": opinion})


def confirm(*, actor, pk: int, opinion: str = "") -> Application:
    """The HR bureau confirms a passed result; the certificate number is issued in the same transaction."""
    return engine.decide(actor=actor, stage="bureau_confirm", subject_id=pk, decision="confirm",
                         data={"opinion": opinion})


# ---------------------------------------------------------------- delegation (委托)


def delegation_set(*, actor, unit: Unit, plan: Plan, delegate: Unit | None) -> Delegation | None:
    """委托 the unit's stage for a plan to another organisation (None: take it back). Only the unit's admins.
    Applications waiting at the unit stage are released for the new holder's clerks to claim."""
    if unit.pk not in admin_unit_ids(actor):
        raise PermissionDenied
    with transaction.atomic():
        current = Delegation.objects.select_for_update().filter(unit=unit, plan=plan).first()
        if delegate is not None and delegate.pk == unit.pk:
            raise ChainError("不能委托给本单位。")
        if current is not None:
            current.delete()
        made = None
        if delegate is not None:
            made = Delegation.objects.create(unit=unit, plan=plan, delegate=delegate, created_by=actor)
        # The flow of each application concerned says who holds the unit's stage now.
        held = [stage.key for stage in stages().of(SUBJECT) if stage.role == Role.UNIT_ADMIN]
        pending = Application.objects.filter(unit=unit, plan=plan, stage__in=held)
        for application in pending:
            flow_write(subject_type=SUBJECT, subject_id=application.pk, actor=actor, role=Role.UNIT_ADMIN.label,
                       action="delegate" if delegate else "delegate_cancel", label="委托" if delegate else "取消委托",
                       stage=application.stage,
                       opinion=f"委托{delegate.name}审核" if delegate else "收回委托，由本单位审核")
        pending.update(claimed_by=None)
    return made


def delegations_of(user) -> dict[tuple[int, int], Delegation]:
    """The delegations the user's units gave, by (unit, plan)."""
    return {(d.unit_id, d.plan_id): d for d in
            Delegation.objects.filter(unit_id__in=admin_unit_ids(user)).select_related("delegate")}


# ---------------------------------------------------------------- the 任务中心


def _task_items(user, limit):
    """Applications waiting for the user at the desks they staff (claimed by them or by nobody), oldest first."""
    items = []
    for desk in desks.staffed_desks(user):
        for a in desks.todo(user, desk)[:limit]:
            items.append(TaskItem(
                source="application", category="职称申报" + ("" if a.claimed_by_id else " · 待领取"),
                title=f"{a.plan.name}（{a.level}）", person=a.applicant.name, submitted_at=a.submitted_at,
                url=reverse("chain:review", args=[desk.key, a.pk])))
    return items
