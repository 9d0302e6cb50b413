"""The review engine: one transition function for every stage of records and applications.

`decide` locks the subject row, checks that the actor reaches it in the stage's role (review.scopes: out of
reach it does not exist for them), that it is not their own (回避: nobody decides their own record or
application, at any stage, by any path), that it waits at this stage and, where clerks claim, that nobody else
holds it; then the decision's requirement parts check what was entered and take their steps (review.parts), the
subject moves by its model's declared transition to its next stage (or out of the chain), and the flow entry and
the typed Decision row are written — one transaction. `claim` (领取) and `enter` (a filing arriving at its first
stage) use the same helpers. What a stage allows is its declaration (review/stages.toml); nothing here asks which
stage it is.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.audit import audit
from accounts.models import Role
from accounts.roles import is_system_admin_only
from core.flow import flow_write
from core.models import FlowEntry

from . import scopes
from .models import Decision
from .parts import Act
from .recusal import is_own, others_holding, recusal_note
from .stages import Desk, Stage, stages
from .subjects import SUBJECTS, SubjectType, subject_type_for

# ---------------------------------------------------------------- where a subject is


def chain_of(subject_type: SubjectType, subject) -> list[Stage]:
    """The subject's chain: the stages its plan names and those every chain has, in the declared order, less a
    stage for an organisation it does not have (no competent department: no department stage)."""
    chosen = subject_type.chosen(subject)
    chain = []
    for stage in stages().of(subject_type.key):
        if stage.chain != "always" and not (stage.chain == "plan" and (stage.plan_key or stage.key) in chosen):
            continue
        if stage.skip_without and scopes.organisation(subject, subject_type.paths[stage.skip_without]) is None:
            continue
        chain.append(stage)
    return chain


def at(subject_type: SubjectType, stage: Stage, subject) -> bool:
    """Whether the subject waits at `stage`: its stored stage, or (records) the status the stage declares."""
    if subject_type.stage_field:
        return getattr(subject, subject_type.stage_field) == stage.key
    return getattr(subject, subject_type.status_field) == stage.status


def current_stage(subject) -> Stage | None:
    """The stage a subject with a stored stage waits at (None: none)."""
    subject_type = subject_type_for(subject)
    key = getattr(subject, subject_type.stage_field) if subject_type.stage_field else ""
    return stages().stages.get(key) if key else None


def desk_visible(desk: Desk, subject_type: SubjectType) -> Q:
    """What a desk keeps seeing: what waits at one of its stages, and what was decided at one of them."""
    decided = Decision.objects.filter(subject_type=subject_type.key, subject_id=OuterRef("pk"),
                                      stage__in=desk.stages)
    return Q(**{f"{subject_type.stage_field}__in": desk.stages}) | Exists(decided)


def reachable(user, stage: Stage) -> QuerySet:
    """The subjects the user may act on or read at `stage`: in their role's scope and, for a stage on a desk,
    seen by that desk (a stage not reached yet does not show the subject)."""
    subject_type = SUBJECTS[stage.subject]
    reach = scopes.reach(user, stage.role, subject_type)
    if reach is None:
        return subject_type.model.objects.none()
    desk = stages().desk_of(stage.key)
    if desk is not None:
        reach &= desk_visible(desk, subject_type)
    return subject_type.model.objects.filter(reach)


def locked(user, stage: Stage, subject_id):
    """The subject, row-locked for `user` to act on at `stage`; the subject type's `unreachable` otherwise."""
    subject_type = SUBJECTS[stage.subject]
    model = subject_type.model
    found = list(reachable(user, stage).filter(pk=subject_id).values_list("pk", flat=True))
    # Lock first, then read with the joins in a statement of its own: PostgreSQL re-reads a row it waited for but
    # not the rows joined to it (a claim committed meanwhile would come back without its clerk).
    pks = list(model.objects.select_for_update().filter(pk__in=found).values_list("pk", flat=True))
    subject = model.objects.filter(pk__in=pks).select_related(*subject_type.related).first()
    if subject is None:
        raise subject_type.unreachable
    return subject


# ---------------------------------------------------------------- 回避


def recusal_note_for(user, stage: Stage, subject) -> str:
    """Why `user` may not act on their own subject at `stage`, naming who else may (or "" when it is not
    theirs). The refusal says it, and the pages show it instead of the stage's actions."""
    subject_type = SUBJECTS[stage.subject]
    if not is_own(user, subject_type.owner_id(subject)):
        return ""
    others = others_holding(scopes.holders(stage.role, subject_type, subject), besides=user)
    return recusal_note(subject=stage.recusal_subject or subject_type.label, verb=stage.verb, label=stage.others,
                        others=others)


def _refuse_own(user, stage: Stage, subject) -> None:
    note = recusal_note_for(user, stage, subject)
    if note:
        raise SUBJECTS[stage.subject].error(note)


def _check_claim(user, stage: Stage, subject_type: SubjectType, subject) -> None:
    if not stage.claims:
        return
    holder = getattr(subject, subject_type.claim_field)
    if holder is not None and holder.pk != user.pk:
        raise subject_type.error(stage.message("claimed", name=holder.name))


# ---------------------------------------------------------------- moving


def _into(subject_type: SubjectType, subject, status: str) -> None:
    """Call the subject's declared transition from its status into `status` (django-fsm's own list of the
    transitions available)."""
    available = getattr(subject, f"get_available_{subject_type.status_field}_transitions")()
    found = [t for t in available if t.target == status]
    if len(found) != 1:
        raise ImproperlyConfigured(f"{subject_type.model.__name__}: {len(found)} transitions from "
                                   f"{getattr(subject, subject_type.status_field)} to {status}")
    getattr(subject, found[0].name)()


def _arrive(subject_type: SubjectType, subject, stage: Stage | None) -> None:
    if subject_type.stage_field:
        setattr(subject, subject_type.stage_field, stage.key if stage else "")
    if subject_type.claim_field:
        setattr(subject, subject_type.claim_field, None)
    if subject_type.since_field:
        setattr(subject, subject_type.since_field, timezone.now())


def _move(act: Act) -> None:
    """Where the decision leads: on to the next stage of the chain by the transition into its status; at the
    chain's end, or out of it, by the decision's own transition (none: the status stays)."""
    subject_type, subject = act.subject_type, act.subject
    if act.decision.leads == "next":
        chain = [stage.key for stage in chain_of(subject_type, subject)]
        later = chain[chain.index(act.stage.key) + 1:] if act.stage.key in chain else []
        if later:
            following = stages().get(later[0])
            _into(subject_type, subject, following.status)
            _arrive(subject_type, subject, following)
            return
    if act.decision.transition:
        getattr(subject, act.decision.transition)()
    elif act.decision.leads == "next":
        raise ImproperlyConfigured(f"stages.{act.stage.key}.{act.decision.key}: the chain ends here, "
                                   "name the transition")
    _arrive(subject_type, subject, None)


def enter(subject) -> None:
    """A filing arrives at the first stage of its chain (called by the service that filed it, after the
    subject's own submit transition, inside its transaction; the caller saves)."""
    subject_type = subject_type_for(subject)
    chain = chain_of(subject_type, subject)
    first = chain[0] if chain else None
    if first is not None and getattr(subject, subject_type.status_field) != first.status:
        _into(subject_type, subject, first.status)
    _arrive(subject_type, subject, first)


# ---------------------------------------------------------------- the transition function


def decide(*, actor, stage: str, subject_id: int, decision: str | None, data: dict | None = None):
    """`actor` takes `decision` at `stage` on the subject `subject_id`, with what the decision's parts need in
    `data` (a form's cleaned data, or a caller's values: opinion, files, dates, counts…). A stage whose
    decision follows from what was entered (`decided_by`) takes decision=None. Returns the subject as saved,
    with the Decision row written as `last_decision`.
    Refusals: the subject type's `error` with a Chinese message; its `unreachable` out of the actor's scope."""
    spec = stages().get(stage)
    subject_type = SUBJECTS[spec.subject]
    data = dict(data or {})
    if is_system_admin_only(actor):  # separation of duties: the platform's administrator decides nothing
        raise subject_type.error("系统管理员不能作出审核决定。")
    if (decision is not None and decision not in spec.decisions) or (decision is None and not spec.decided_by):
        raise subject_type.error(spec.message("unknown"))
    with transaction.atomic():
        subject = locked(actor, spec, subject_id)
        _refuse_own(actor, spec, subject)
        if not at(subject_type, spec, subject):
            raise subject_type.error(spec.message("not_here"))
        _check_claim(actor, spec, subject_type, subject)
        act = Act(actor=actor, stage=spec, decision=None, subject=subject, subject_type=subject_type, data=data,
                  opinion=(data.get("opinion") or "").strip())
        if spec.decided_by:
            deciding = next(iter(spec.decisions.values())).part(spec.decided_by)
            decision = deciding.choose(act) or decision
            if decision is None:
                act.refuse(deciding.options.get("missing") or spec.message("unknown"))
        act.decision = spec.decisions[decision]
        parts = [part for part in act.decision.parts if part.applies(subject)]
        for part in parts:
            part.check(act)
        for part in parts:
            part.apply(act)
        from_status = getattr(subject, subject_type.status_field)
        _move(act)
        subject.save()
        entry = flow_write(subject_type=subject_type.key, subject_id=subject.pk, actor=actor,
                           role=Role(spec.role).label, action=decision, label=act.decision.label, stage=spec.key,
                           from_status=from_status, to_status=getattr(subject, subject_type.status_field),
                           opinion=act.opinion, files=act.files)
        subject.last_decision = Decision.objects.create(
            subject_type=subject_type.key, subject_id=subject.pk, stage=spec.key, decision=decision, actor=actor,
            role=spec.role, at=entry.at, opinion=act.opinion, entry=entry,
            snapshot_hash=subject_type.snapshot_hash(subject), **act.row)
        if subject_type.moved is not None:  # counter rows (dossier.services._recount_move)
            subject_type.moved(subject, from_status)
        # Last: the audit row points at the Decision (the flow log and the decision rows are the history); the
        # chain's lock is then held only until the commit.
        audit(event="decision", user=actor, role=Role(spec.role).label,
              obj=f"decision:{subject.last_decision.pk} {subject_type.key}:{subject.pk} {spec.key}",
              outcome=decision)
    return subject


def claim(*, actor, stage: str, subject_id: int):
    """领取: a clerk takes an unclaimed subject waiting at a stage where clerks claim; claiming again what one
    holds changes nothing."""
    spec = stages().get(stage)
    subject_type = SUBJECTS[spec.subject]
    with transaction.atomic():
        subject = locked(actor, spec, subject_id)
        _refuse_own(actor, spec, subject)
        if not spec.claims or not at(subject_type, spec, subject):
            raise subject_type.error(spec.messages.get("not_here_claim") or spec.message("not_here"))
        _check_claim(actor, spec, subject_type, subject)
        if getattr(subject, f"{subject_type.claim_field}_id") == actor.pk:
            return subject
        setattr(subject, subject_type.claim_field, actor)
        subject.save()
        status = getattr(subject, subject_type.status_field)
        flow_write(subject_type=subject_type.key, subject_id=subject.pk, actor=actor, role=Role(spec.role).label,
                   action="claim", label="领取", stage=spec.key, from_status=status, to_status=status)
    return subject


# ---------------------------------------------------------------- the history people read


def flow(subject_type: str, subject_id: int) -> list[FlowEntry]:
    """The subject's flow, oldest first, each step with its decision row, its attachments and `office` (who
    acted, as the stage names them: 用人单位, 评委会): three queries whatever its length."""
    known = stages().stages
    entries = list(FlowEntry.objects.filter(subject_type=subject_type, subject_id=subject_id)
                   .select_related("decision").prefetch_related("attachments").order_by("at", "pk"))
    for entry in entries:
        entry.office = known[entry.stage].office if entry.stage in known else ""
    return entries
