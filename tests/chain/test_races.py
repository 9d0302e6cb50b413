"""Races the row lock must win besides the last vacancy (test_quota): two clerks claiming one application, and a
double-clicked 通过 on a 不限 quota (one pass, one vacancy, one flow entry)."""

import pytest

from applications import chain
from applications.models import Application
from core.models import FlowEntry
from orgs.models import PostQuota

from .support import filed, proof, race, recommendation

pytestmark = pytest.mark.django_db(transaction=True)
S = Application.Status
UNIT = "unit"
TRIALS = 20


def test_two_clerks_claiming_at_once_one_gets_it(org):
    application = filed(org)
    for trial in range(TRIALS):
        Application.objects.filter(pk=application.pk).update(claimed_by=None)
        outcomes = race([lambda: chain.claim(actor=org.clerk, stage=UNIT, pk=application.pk),
                         lambda: chain.claim(actor=org.clerk2, stage=UNIT, pk=application.pk)])
        won = [o for o in outcomes if isinstance(o, Application)]
        lost = [o for o in outcomes if isinstance(o, chain.ChainError)]
        assert len(won) == 1 and len(lost) == 1, (trial, outcomes)
        holder = Application.objects.get(pk=application.pk).claimed_by
        assert won[0].claimed_by == holder and f"已由{holder.name}领取" in str(lost[0]), trial
    assert FlowEntry.objects.filter(subject_id=application.pk, action="claim").count() == TRIALS


def test_a_double_clicked_pass_goes_through_once(org):
    PostQuota.objects.filter(pk=org.quota.pk).update(associate=None)
    application = filed(org)
    rec = recommendation(org)
    proofs = [proof(), proof()]
    outcomes = race([lambda p=p: chain.decide(actor=org.clerk, stage=UNIT, pk=application.pk, decision="approve",
                                              recommendation=rec, proofs=[p]) for p in proofs])
    assert sum(isinstance(o, Application) for o in outcomes) == 1, outcomes
    assert [str(o) for o in outcomes if isinstance(o, Exception)] == ["该申报不在本节点，不能审核。"]
    application.refresh_from_db()
    assert (application.stage, application.vacancy_level) == ("department", "associate")
    assert PostQuota.objects.get(pk=org.quota.pk).associate_taken == 1
    assert FlowEntry.objects.filter(subject_id=application.pk, action="approve").count() == 1
