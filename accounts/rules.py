"""Permissions, declared with `rules`. Each predicate reads the user's role assignments (accounts.roles)."""

import rules

from .models import Role
from .roles import admin_unit_ids, role_names, scoped_region_codes


@rules.predicate
def is_unit_admin(user):
    return bool(admin_unit_ids(user))


@rules.predicate
def is_unit_admin_of_unit(user, unit):
    return unit is not None and unit.pk in admin_unit_ids(user)


@rules.predicate
def is_unit_admin_of_person(user, person):
    return person is not None and person.unit_id in admin_unit_ids(user)


@rules.predicate
def is_bureau_staff(user):
    return Role.BUREAU_STAFF in role_names(user)


@rules.predicate
def is_department_reviewer(user):
    return Role.DEPARTMENT_REVIEWER in role_names(user)


@rules.predicate
def is_bureau_staff_of_region(user, region):
    if region is None:
        return False
    return bool(set(region.ancestor_codes()) & scoped_region_codes(user, Role.BUREAU_STAFF))


@rules.predicate
def is_system_admin(user):
    return Role.SYSTEM_ADMIN in role_names(user)


@rules.predicate
def is_approved_person(user):
    return getattr(user, "is_authenticated", False) and user.kind == user.Kind.PERSON and user.is_approved


rules.add_perm("accounts.review_registrations", is_unit_admin)
rules.add_perm("accounts.review_registration", is_unit_admin_of_person)
# A unit's own settings and post quotas (orgs.services and orgs.selectors ask for it: orgs knows no roles).
rules.add_perm("orgs.administer_unit", is_unit_admin_of_unit)
rules.add_perm("orgs.create_builtin_unit", is_bureau_staff | is_system_admin)
rules.add_perm("orgs.create_builtin_unit_in", is_bureau_staff_of_region | is_system_admin)
rules.add_perm("accounts.view_audit_log", is_system_admin)
# A list exported with full ID numbers and phones (a typed reason, audited): the HR bureaux and the competent
# departments, whose detail pages show the full numbers; every other export is masked.
rules.add_perm("accounts.export_unmasked", is_bureau_staff | is_department_reviewer)
rules.add_perm("accounts.submit", is_approved_person)
rules.add_perm("orgs.publish_announcement", is_bureau_staff | is_system_admin)
