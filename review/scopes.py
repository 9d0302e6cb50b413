"""One scope rule per staff role, written once: which records and applications a role holder reaches.

- unit admin (单位管理员): the subjects of the units they administer; for applications, a unit that handed its
  stage of a plan to another organisation (委托) is reached by the delegate's admins instead (the subject type
  brings the delegation: review.subjects.Delegation);
- department reviewer (主管部门): the subjects of the units under their departments;
- HR-bureau staff (人社部门): the subjects of units whose 属地 lies within their regions;
- committee staff (评委会办公室): the subjects reviewed by committees of the bodies they work for.

Each rule reads a subject type through the field path it declares for that organisation (unit, department,
region, body), so the same rule serves lists, detail pages, files, prints, counts and the task centre, and read
backwards (`holders`) it names who may act on one subject (回避 notes). A subject type without the path is out
of the role's reach.
"""

from __future__ import annotations

from django.db.models import Q

from accounts.models import Role
from accounts.roles import admin_unit_ids, roles_of

NOBODY = Q(pk__in=[])


def region_prefix(code: str) -> str:
    """The code prefix every division under `code` shares: 350000 → 35, 350100 → 3501, 350102 → 350102."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def organisation(subject, path: str):
    """The key of the organisation at `path` (unit__department → subject.unit.department_id), None when a link
    on the way is empty."""
    *links, last = path.split("__")
    target = subject
    for link in links:
        target = getattr(target, link)
        if target is None:
            return None
    return getattr(target, f"{last}_id")


class Rule:
    role: str
    path: str  # which of a subject type's organisation paths the rule reads

    def orgs(self, user) -> set:
        """The organisations the user holds the role for (empty: the user does not hold it)."""
        return {a.unit_id for a in roles_of(user) if a.role == self.role and a.unit_id}

    def q(self, user, subject_type) -> Q | None:
        orgs = self.orgs(user)
        if not orgs:
            return None
        return Q(**{f"{subject_type.paths[self.path]}__in": orgs})

    def holders(self, subject_type, subject) -> Q:
        """The role assignments that reach `subject` (a filter over RoleAssignment)."""
        org = organisation(subject, subject_type.paths[self.path])
        return Q(role=self.role, unit_id=org) if org else NOBODY


class UnitAdmins(Rule):
    role, path = Role.UNIT_ADMIN, "unit"

    def orgs(self, user) -> set:
        return admin_unit_ids(user)

    def q(self, user, subject_type):
        units = self.orgs(user)
        if not units:
            return None
        if subject_type.delegation is not None:
            return subject_type.delegation.reach(units)
        return Q(**{f"{subject_type.paths['unit']}__in": units})

    def holders(self, subject_type, subject):
        if subject_type.delegation is not None:
            unit = subject_type.delegation.unit_of(subject)
        else:
            unit = organisation(subject, subject_type.paths["unit"])
        return Q(role=self.role, unit_id=unit) if unit else NOBODY


class DepartmentReviewers(Rule):
    role, path = Role.DEPARTMENT_REVIEWER, "department"


class BureauStaff(Rule):
    role, path = Role.BUREAU_STAFF, "region"

    def orgs(self, user) -> set:
        return {a.region_id for a in roles_of(user) if a.role == self.role and a.region_id}

    def q(self, user, subject_type):
        codes = self.orgs(user)
        if not codes:
            return None
        within = Q()
        for code in sorted(codes):
            within |= Q(**{f"{subject_type.paths['region']}__code__startswith": region_prefix(code)})
        return within

    def holders(self, subject_type, subject):
        code = organisation(subject, subject_type.paths["region"])
        if not code:
            return NOBODY
        covering = [c for c in {code, code[:4] + "00", code[:2] + "0000"} if code.startswith(region_prefix(c))]
        return Q(role=self.role, region_id__in=covering)


class CommitteeStaff(Rule):
    role, path = Role.COMMITTEE_STAFF, "body"


RULES: dict[str, Rule] = {rule.role: rule for rule in (UnitAdmins(), DepartmentReviewers(), BureauStaff(),
                                                       CommitteeStaff())}


def reach(user, role: str, subject_type) -> Q | None:
    """The subjects of `subject_type` the user reaches in `role`, as a filter; None when they do not hold the
    role (or the role has no path into that subject type)."""
    rule = RULES.get(role)
    if rule is None or rule.path not in subject_type.paths:
        return None
    return rule.q(user, subject_type)


def holders(role: str, subject_type, subject) -> Q:
    """Who reaches `subject` in `role`: a filter over RoleAssignment (review.recusal names them)."""
    rule = RULES.get(role)
    if rule is None or rule.path not in subject_type.paths:
        return NOBODY
    return rule.holders(subject_type, subject)


def unit_ids(user) -> set[int]:
    """The units whose records a unit admin reaches (the record queues and counters are kept per unit)."""
    return RULES[Role.UNIT_ADMIN].orgs(user)
