"""Reads for applications, scoped by the acting user."""

from django.http import Http404

from accounts.models import Role
from accounts.roles import role_names

from .models import Application, Citation, Committee, Plan


def record_is_cited(record) -> bool:
    """Whether a filed (non-draft) application cites the record: such a record can no longer be withdrawn."""
    return Citation.objects.filter(record_id=record.pk).exclude(application__status=Application.Status.DRAFT).exists()


def own_applications(user):
    return (Application.objects.filter(applicant=user).select_related("plan", "plan__committee", "defence")
            .order_by("-created_at"))


def own_application_get(user, pk: int):
    """One of the user's own applications; 404 otherwise."""
    application = Application.objects.filter(pk=pk, applicant=user).select_related("plan", "plan__committee").first()
    if application is None:
        raise Http404
    return application


def bureau_committees(user):
    """Committees of the HR bureau the user works for (their unit), or every committee for a system admin."""
    if Role.SYSTEM_ADMIN in role_names(user):
        return Committee.objects.all()
    return Committee.objects.filter(bureau_id=user.unit_id)


def bureau_plans(user):
    """The plans of the bureau's committees (every plan for a system admin)."""
    return Plan.objects.filter(committee__in=bureau_committees(user)).select_related("committee")


def bureau_committee_get(user, pk: int) -> Committee:
    """One of the bureau's committees; 404 for another bureau's."""
    committee = bureau_committees(user).filter(pk=pk).first()
    if committee is None:
        raise Http404
    return committee


def bureau_plan_get(user, pk: int) -> Plan:
    """One of the bureau's plans; 404 for another bureau's."""
    plan = bureau_plans(user).filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def plans_for_unit_admin(user, *, name: str = "", year: int | None = None, level: str = "", series: str = ""):
    """The 评审计划 a unit admin sees (every plan: a unit may be asked to review any of them), newest year first,
    filtered by name, year, a level among the plan's and the committee's series. user: the acting unit admin,
    whose role the view has checked; the plans themselves are not personal data. A queryset (an export iterates
    and counts it)."""
    plans = Plan.objects.select_related("committee").order_by("-year", "name", "pk")
    if name:
        plans = plans.filter(name__icontains=name)
    if year:
        plans = plans.filter(year=year)
    if series:
        plans = plans.filter(committee__series=series)
    if level:  # the levels are a JSON list, whose containment SQLite cannot query: picked from the (short) list
        plans = plans.filter(pk__in=[pk for pk, levels in plans.values_list("pk", "levels") if level in (levels or [])])
    return plans
