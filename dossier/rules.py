"""Who may move a record through its lifecycle (used as django-fsm-2 transition permissions)."""

import rules

from accounts.models import Role
from accounts.roles import admin_unit_ids, role_names


@rules.predicate
def is_owner(user, record):
    return record is not None and record.owner_id == getattr(user, "pk", None)


@rules.predicate
def is_unit_admin_of_record(user, record):
    return record is not None and record.unit_id is not None and record.unit_id in admin_unit_ids(user)


# Only the owner may submit. Whether they may submit *now* (registration approved, bound to a unit, evidence
# present) is dossier.services.submission_problems' job, so that the person reads why in Chinese instead of a
# bare refusal.
may_submit_rule = is_owner
# 回避: an admin who is also staff of the unit never reviews her own record. The services refuse first, with the
# Chinese reason and who else may decide (review.recusal); the transitions refuse as well, whatever the caller.
may_review_rule = is_unit_admin_of_record & ~is_owner


def may_submit(instance, user) -> bool:
    return may_submit_rule.test(user, instance)


def may_review(instance, user) -> bool:
    return may_review_rule.test(user, instance)


rules.add_perm("dossier.view_record", is_owner | is_unit_admin_of_record)
rules.add_perm("dossier.edit_record", is_owner)
rules.add_perm("dossier.review_record", may_review_rule)


@rules.predicate
def is_department_reviewer(user):
    return Role.DEPARTMENT_REVIEWER in role_names(user)


# 所属单位统计: the record counts of the units under a competent department (dossier.views_department).
rules.add_perm("dossier.view_department_stats", is_department_reviewer)
