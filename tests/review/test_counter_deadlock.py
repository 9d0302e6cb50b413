"""The unit's record counters under concurrent transitions of one unit and type. Each transition moves one record
between two counter rows; the three of this test, run at once, would wait on each other in a circle if each
took its two rows in its own order (审核中→通过 holds 审核中 and wants 通过, 通过→编辑中 holds 通过 and wants 编辑中,
编辑中→审核中 holds 编辑中 and wants 审核中): PostgreSQL would then end one of them as a deadlock. The counters are
updated last in the transaction and in one fixed order, so every trial lands all three and the counts stay
exact."""

import pytest

from dossier import services
from dossier.models import Record, Status
from review import services as review_services
from tests.factories import PersonFactory, UnitFactory, unit_admin

from .support import actual_counts, counters, make_record
from .test_races import race

pytestmark = pytest.mark.django_db(transaction=True)

TRIALS = 200
KIND = "work_experience"  # evidence optional: a record needs no file to be submitted


def test_approve_reopen_and_submit_at_once_never_deadlock_and_keep_the_counts_exact():
    unit = UnitFactory(name="福州市第一医院")
    admin = unit_admin(unit, name="管理员甲")
    owner = PersonFactory(unit=unit, name="张三")
    failures = []

    for trial in range(TRIALS):
        pending = make_record(owner, KIND, status=Status.PENDING, evidence=False)
        approved = make_record(owner, KIND, status=Status.APPROVED, admin=admin, evidence=False)
        withdrawal = services.withdrawal_request(actor=owner, record=approved, reason="需要修改")
        draft = make_record(owner, KIND, status=Status.DRAFT, evidence=False)

        outcomes = race(
            lambda: review_services.record_decide(actor=admin, record=pending, decision="approve"),  # 审核中 → 通过
            lambda: review_services.withdrawal_decide(actor=admin, withdrawal=withdrawal, grant=True),  # 通过 → 编辑中
            lambda: services.record_submit(actor=owner, record=draft),  # 编辑中 → 审核中
        )

        failures += [(trial, repr(o)) for o in outcomes if isinstance(o, Exception)]
        statuses = [Record.objects.get(pk=r.pk).status for r in (pending, approved, draft)]
        if statuses != [Status.APPROVED, Status.DRAFT, Status.PENDING]:
            failures.append((trial, statuses))

    assert failures == []
    assert counters(unit) == actual_counts(unit) == {
        (KIND, Status.APPROVED): TRIALS, (KIND, Status.DRAFT): TRIALS, (KIND, Status.PENDING): TRIALS}
