"""Reads of 结果公示, each taking the acting user: the committee office reaches the lists of its committees'
plans and their objections (the engine's committee scope), the HR bureau the lists holding results it confirms,
the applicant her own entry; the public page and the objection form read a list by its slug only."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from accounts.models import Role
from applications.models import Application, Plan
from review import engine, scopes
from review.stages import stages

from .models import Entry, Objection, Publicity


def _bodies(user) -> set[int]:
    return scopes.RULES[Role.COMMITTEE_STAFF].orgs(user)


def plans_to_publish(user) -> QuerySet:
    """The plans whose committee the user's office staffs."""
    return Plan.objects.filter(committee__bureau_id__in=_bodies(user)).select_related("committee")


def unpublished(plan: Plan) -> QuerySet:
    """The plan's passed results waiting for confirmation and on no list yet."""
    return (Application.objects.filter(plan=plan, status=Application.Status.PASSED, publicity_entry__isnull=True)
            .select_related("applicant", "unit").order_by("unit__name", "pk"))


def confirmable(user) -> QuerySet:
    """The applications the user reaches at the bureau's confirmation stage."""
    return engine.reachable(user, stages().get("bureau_confirm"))


def publicities_for(user) -> QuerySet:
    """The lists the user manages (committee office) or confirms from (HR bureau: a list holding a result it
    reaches at its confirmation stage)."""
    confirming = confirmable(user).values("pk")
    return (Publicity.objects.filter(Q(plan__committee__bureau_id__in=_bodies(user))
                                     | Q(entries__application__in=confirming))
            .distinct().select_related("plan", "plan__committee"))


def publicities_listed(user) -> list[Publicity]:
    """The lists of the office page with their counts (a constant number of queries)."""
    return list(Publicity.objects.filter(pk__in=publicities_for(user).values("pk"))
                .select_related("plan", "plan__committee")
                .annotate(people=Count("entries", distinct=True),
                          open_objections=Count("entries__objections", distinct=True,
                                                filter=Q(entries__objections__status__in=Objection.OPEN)))
                .order_by("-published_at", "-pk"))


def manages(user, publicity: Publicity) -> bool:
    return publicity.plan.committee.bureau_id in _bodies(user)


def objections_for(user) -> QuerySet:
    """The objections the user's committee office decides."""
    return (Objection.objects.filter(entry__publicity__plan__committee__bureau_id__in=_bodies(user))
            .select_related("entry", "entry__publicity"))


def public(slug: str) -> Publicity | None:
    return Publicity.objects.filter(slug=slug).select_related("plan", "plan__committee").first()


def entry_of(application: Application) -> Entry | None:
    """The applicant's own entry (her application page: the caller has already scoped the application)."""
    return (Entry.objects.filter(application=application).select_related("publicity")
            .prefetch_related("objections").first())
