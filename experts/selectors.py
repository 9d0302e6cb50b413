"""Reads that take the acting user. The committee office (评委会办公室, role committee_staff held for an HR
bureau) reaches the pools, draws and exclusions of that bureau's committees; an expert (评审专家) reaches only
the open meetings they serve on and, in them, the applications they are not excluded from. Anything else is
Http404."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404

from accounts.models import Role
from accounts.roles import roles_of
from applications.models import Application, Committee, Plan

from .models import Assignment, BallotMark, Draw, Exclusion, Expert, Score


def office_bureaus(user) -> set[int]:
    return {a.unit_id for a in roles_of(user) if a.role == Role.COMMITTEE_STAFF and a.unit_id}


def committees_of(user):
    return Committee.objects.filter(bureau_id__in=office_bureaus(user)).order_by("pk")


def committee_get(user, pk) -> Committee:
    committee = committees_of(user).filter(pk=pk).first()
    if committee is None:
        raise Http404
    return committee


def plans_of(user):
    return Plan.objects.filter(committee__bureau_id__in=office_bureaus(user)).select_related("committee")


def pool(user, q: str = "", status: str = ""):
    experts = (Expert.objects.filter(committee__bureau_id__in=office_bureaus(user))
               .select_related("person", "unit", "committee").order_by("committee_id", "specialty", "pk"))
    if q:
        experts = experts.filter(Q(person__name__contains=q) | Q(specialty__contains=q) | Q(unit__name__contains=q))
    if status:
        experts = experts.filter(status=status)
    return experts


def expert_get(user, pk) -> Expert:
    expert = pool(user).filter(pk=pk).first()
    if expert is None:
        raise Http404
    return expert


def draws_of(user):
    return (Draw.objects.filter(plan__committee__bureau_id__in=office_bureaus(user))
            .select_related("plan", "plan__committee", "drawn_by"))


def draw_for_office(user, pk, *, lock: bool = False) -> Draw:
    found = draws_of(user).filter(pk=pk)
    if lock:
        found = Draw.objects.select_for_update().filter(pk__in=list(found.values_list("pk", flat=True)))
    draw = found.first()
    if draw is None:
        raise Http404
    return draw


def assignment_for_office(user, pk, *, lock: bool = False) -> Assignment:
    found = Assignment.objects.filter(pk=pk, draw__in=draws_of(user))
    if lock:
        found = Assignment.objects.select_for_update().filter(pk__in=list(found.values_list("pk", flat=True)))
    assignment = found.select_related("draw", "expert__person").first()
    if assignment is None:
        raise Http404
    return assignment


def exclusion_for_office(user, pk) -> Exclusion:
    exclusion = (Exclusion.objects.filter(pk=pk, draw__in=draws_of(user))
                 .select_related("expert__person", "draw").first())
    if exclusion is None:
        raise Http404
    return exclusion


def members_for(draw: Draw, application_id: int) -> int:
    """应到 for one application: the serving members, less those standing excluded from it."""
    excluded = Exclusion.objects.filter(draw=draw, application_id=application_id, expert=OuterRef("expert"),
                                        overridden_at=None)
    return (Assignment.objects.filter(draw=draw, reserve=False, declined_at=None)
            .exclude(Exists(excluded)).count())


def progress(draw: Draw) -> list[dict]:
    """What the office sees while the meeting runs, per application: how many may vote, how many scored, how
    many voted: counts, never contents (five queries whatever the size)."""
    applications = {a.pk: a for a in Application.objects.filter(pk__in=draw.application_ids)
                    .select_related("applicant", "unit")}
    serving = list(Assignment.objects.filter(draw=draw, reserve=False, declined_at=None)
                   .values_list("expert_id", flat=True))
    excluded = set(Exclusion.objects.filter(draw=draw, overridden_at=None, expert_id__in=serving)
                   .values_list("application_id", "expert_id"))
    scored = dict(Score.objects.filter(assignment__draw=draw).values_list("application_id")
                  .annotate(n=Count("pk")).values_list("application_id", "n"))
    voted = dict(BallotMark.objects.filter(draw=draw).values_list("application_id")
                 .annotate(n=Count("pk")).values_list("application_id", "n"))
    rows = []
    for pk in draw.application_ids:
        if pk not in applications:
            continue
        members = sum(1 for e in serving if (pk, e) not in excluded)
        rows.append({"application": applications[pk], "members": members, "scored": scored.get(pk, 0),
                     "voted": voted.get(pk, 0)})
    return rows


# ---------------------------------------------------------------- the expert's own reach


def my_assignments(user):
    """The open meetings the user serves on (a member, not declined)."""
    return (Assignment.objects.filter(expert__person_id=getattr(user, "pk", None), reserve=False, declined_at=None,
                                      draw__closed_at=None)
            .select_related("draw", "draw__plan", "draw__plan__committee", "expert").order_by("draw__meeting_on"))


def my_assignment(user, draw_id) -> Assignment:
    assignment = my_assignments(user).filter(draw_id=draw_id).first()
    if assignment is None:
        raise Http404
    return assignment


def my_applications(assignment: Assignment):
    """The meeting's applications this expert is not excluded from."""
    excluded = Exclusion.objects.filter(draw=assignment.draw, expert=assignment.expert, overridden_at=None)
    return (Application.objects.filter(pk__in=assignment.draw.application_ids)
            .exclude(pk__in=excluded.values("application_id")).select_related("plan", "unit", "applicant")
            .order_by("pk"))


def my_application(user, draw_id, application_id, *, committed: bool = True) -> tuple[Assignment, Application]:
    """One application as the expert may open it: serving, committed (承诺), not excluded, meeting open."""
    assignment = my_assignment(user, draw_id)
    if committed and assignment.committed_at is None:
        raise Http404
    application = my_applications(assignment).filter(pk=application_id).first()
    if application is None:
        raise Http404
    return assignment, application
