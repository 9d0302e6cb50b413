"""回避: nobody decides on their own record or application, at any stage and by any path (a page, a batch, the
task centre, an API).

The rule is applied once, by the review engine (review.engine: `decide` and `claim` refuse when `is_own` holds,
with the Chinese text of `recusal_note`), and the pages ask the engine's `recusal_note_for` to offer no decision
on one's own item and show the same note instead. What differs per stage is only *who else* may decide (the
stage's other role holders: review.scopes read backwards) and how the stage names them (`others`, `verb` in
review/stages.toml). A unit admin who is also staff of her unit (the demo's 林芳) is the case this exists for.
"""

import rules
from django.db.models import Q

from accounts.models import RoleAssignment, User

NAMED = 5  # a note names at most this many people of a group, then says how many there are


@rules.predicate
def is_own(user, person_id) -> bool:
    """The acting user is the person the item belongs to: the record's owner, the application's applicant."""
    return person_id is not None and getattr(user, "pk", None) == person_id


def others_holding(assignments: Q, *, besides) -> list[User]:
    """The active users holding a role as `assignments` (a filter over RoleAssignment) selects, `besides` left
    out: people first, then organisation accounts, each by name."""
    holders = RoleAssignment.objects.filter(assignments).values("user_id")
    return list(User.objects.filter(pk__in=holders, is_active=True).exclude(pk=getattr(besides, "pk", None))
                .order_by("kind", "name", "pk"))


def _names(users: list[User]) -> str:
    shown = "、".join(user.name for user in users[:NAMED])
    return f"{shown}等{len(users)}人" if len(users) > NAMED else shown


def recusal_note(*, subject: str, verb: str, label: str, others: list[User]) -> str:
    """What a refusal says and what the page shows instead of the decision: that one cannot decide on one's own
    `subject` ("业绩", "职称申报"), and who else can, by name ("请由本单位其他管理员（张三、李四）或单位账号
    （福州市第一医院）审核。"). `label` names the people of the node ("本单位其他管理员")."""
    people = [user for user in others if user.kind == User.Kind.PERSON]
    accounts = [user for user in others if user.kind != User.Kind.PERSON]
    who = ([f"{label}（{_names(people)}）"] if people else []) + \
          ([f"单位账号（{_names(accounts)}）"] if accounts else [])
    head = f"本人的{subject}不能由本人{verb}"
    if not who:
        return f"{head}；目前没有{label}可以{verb}，请联系上级主管部门或系统管理员增设后{verb}。"
    return f"{head}，请由{'或'.join(who)}{verb}。"
