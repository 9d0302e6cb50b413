"""Reads of certificates, each taking the acting user: the applicant her own confirmed application, the HR bureau
the confirmed applications of its region (its scope rule)."""

from django.db.models import QuerySet

from accounts.models import Role
from applications.models import Application
from review import scopes
from review.subjects import SUBJECTS


def own_certificate(user, pk: int) -> Application | None:
    return (Application.objects.filter(pk=pk, applicant=user, status=Application.Status.CONFIRMED)
            .exclude(certificate_no="").first())


def bureau_issued(user) -> QuerySet:
    """The confirmed applications (with a number) the user reaches as HR-bureau staff; none without the role."""
    reach = scopes.reach(user, Role.BUREAU_STAFF, SUBJECTS["application"])
    if reach is None:
        return Application.objects.none()
    return (Application.objects.filter(reach, status=Application.Status.CONFIRMED).exclude(certificate_no="")
            .select_related("applicant", "unit", "plan", "certificate_revocation"))


def is_bureau(user) -> bool:
    return scopes.reach(user, Role.BUREAU_STAFF, SUBJECTS["application"]) is not None
