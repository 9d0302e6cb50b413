"""Reads of the review desks (the task-list pages of review/stages.toml): what a desk's staff see, its tabs and
their counts, one subject for its review page, the next one waiting. Every function takes the acting user; a
subject outside their role's scope, or not yet at the desk, does not exist for them."""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.http import Http404

from . import scopes
from .engine import desk_visible, recusal_note_for
from .models import Decision
from .stages import Desk, Stage, Tab, stages
from .subjects import SUBJECTS


def desk_get(key: str) -> Desk:
    try:
        return stages().desk(key)
    except KeyError:
        raise Http404 from None


def staffs(user, desk: Desk) -> bool:
    """Whether the user holds the desk's role in some scope."""
    return scopes.reach(user, desk.role, SUBJECTS[desk.subject]) is not None


def staffed_desks(user) -> list[Desk]:
    return [desk for desk in stages().desks.values() if staffs(user, desk)]


def desk_subjects(user, desk: Desk) -> QuerySet:
    """Everything the user sees at the desk (nothing when they do not staff it)."""
    subject_type = SUBJECTS[desk.subject]
    reach = scopes.reach(user, desk.role, subject_type)
    if reach is None:
        return subject_type.model.objects.none()
    return subject_type.model.objects.filter(reach & desk_visible(desk, subject_type))


def tab_q(user, desk: Desk, tab: Tab) -> Q:
    """A tab's filter, within what the desk sees: an AND of its declared filters."""
    subject_type = SUBJECTS[desk.subject]
    stage, status = subject_type.stage_field, subject_type.status_field
    q = Q()
    if tab.at:
        q &= Q(**{f"{stage}__in": tab.at})
    if tab.not_at:
        q &= ~Q(**{f"{stage}__in": tab.not_at})
    if tab.claimed == "me":
        q &= Q(**{subject_type.claim_field: user})
    elif tab.claimed == "nobody":
        q &= Q(**{f"{subject_type.claim_field}__isnull": True})
    if tab.status:
        q &= Q(**{f"{status}__in": tab.status})
    if tab.not_status:
        q &= ~Q(**{f"{status}__in": tab.not_status})
    if tab.decided:
        q &= Exists(Decision.objects.filter(subject_type=subject_type.key, subject_id=OuterRef("pk"),
                                            stage__in=tab.decided))
    if tab.todo:  # work for the reader: never their own (回避); the desk's other staff see it there
        q &= ~Q(**{subject_type.owner: user})
    return q


def tab_counts(user, desk: Desk) -> dict[str, int]:
    """Each tab's count, in one query."""
    if not staffs(user, desk):
        return {tab.key: 0 for tab in desk.tabs}
    return desk_subjects(user, desk).aggregate(
        **{tab.key: Count("pk", filter=tab_q(user, desk, tab)) for tab in desk.tabs})


def desk_list(user, desk: Desk, tab: str, q: str = "") -> QuerySet:
    """A tab of the desk's list, oldest filing first, with what its columns show (constant queries)."""
    subject_type = SUBJECTS[desk.subject]
    chosen = next((t for t in desk.tabs if t.key == tab), desk.tabs[0])
    rows = desk_subjects(user, desk).filter(tab_q(user, desk, chosen))
    if q and subject_type.search is not None:
        rows = rows.filter(subject_type.search(q))
    first, *rest = subject_type.order
    return rows.select_related(*subject_type.related).order_by(F(first).asc(nulls_last=True), *rest)


def todo(user, desk: Desk) -> QuerySet:
    """The desk's work for the user: what its `todo` tabs hold, oldest first."""
    subject_type = SUBJECTS[desk.subject]
    work = Q(pk__in=[])
    for tab in desk.tabs:
        if tab.todo:
            work |= tab_q(user, desk, tab)
    return desk_subjects(user, desk).filter(work).select_related(*subject_type.related).order_by(
        *subject_type.order)


def desk_subject_get(user, desk: Desk, pk):
    """One subject the desk sees; 404 otherwise (another unit's, not yet here, or no such role)."""
    subject_type = SUBJECTS[desk.subject]
    subject = desk_subjects(user, desk).filter(pk=pk).select_related(*subject_type.related).first()
    if subject is None:
        raise Http404
    return subject


def next_for(user, stage: Stage, *, exclude: int):
    """The next subject waiting for the user at `stage` (where clerks claim: theirs first, then unclaimed),
    never their own."""
    desk = stages().desk_of(stage.key)
    subject_type = SUBJECTS[stage.subject]
    rows = desk_subjects(user, desk).filter(**{subject_type.stage_field: stage.key}).exclude(pk=exclude).exclude(
        **{subject_type.owner: user})
    if stage.claims:
        claim = subject_type.claim_field
        rows = rows.filter(Q(**{claim: user}) | Q(**{f"{claim}__isnull": True}))
        return rows.order_by(F(claim).asc(nulls_last=True), *subject_type.order).first()
    return rows.order_by(*subject_type.order).first()


def desk_stage(desk: Desk, subject) -> Stage:
    """The desk's stage the subject waits at, else the desk's first stage (whose staff it names)."""
    subject_type = SUBJECTS[desk.subject]
    key = getattr(subject, subject_type.stage_field)
    return stages().get(key if key in desk.stages else desk.stages[0])


def desk_recusal_note(user, desk: Desk, subject) -> str:
    return recusal_note_for(user, desk_stage(desk, subject), subject)


def row_action(user, desk: Desk, subject) -> tuple[str, bool]:
    """The list's button for a subject: what the desk does with it where it waits (领取 before a claim), as the
    primary button; else 查看."""
    subject_type = SUBJECTS[desk.subject]
    key = getattr(subject, subject_type.stage_field)
    if key not in desk.stages:
        return "查看", False
    stage = stages().get(key)
    if stage.claims and getattr(subject, f"{subject_type.claim_field}_id") is None:
        return "领取", True
    return stage.act, True
