"""The demo's expert pool (`manage.py seed_demo`, issue 21 item 8): fifteen experts of the 卫生技术 committee across
units, in term and 在库; on 陈静's application the pool shows the three computed grounds the README names; the
demo's panel repeats from its recorded seed and snapshot; seeding again adds nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role, RoleAssignment, User
from applications.models import Application
from experts import draws, recusal
from experts.models import Draw, Exclusion, Expert

pytestmark = pytest.mark.django_db
G = Exclusion.Ground


@pytest.fixture
def seeded(regions, settings):
    settings.DEBUG = True  # the demo loads only for local work; it refuses with DEBUG off
    call_command("seed_demo", stdout=StringIO())


def test_fifteen_experts_of_the_health_committee_across_units(seeded):
    pool = Expert.objects.filter(committee__name="福建省卫生技术高级职称评审委员会").select_related("person")
    today = timezone.localdate()
    assert pool.count() == 15
    assert len({e.unit_id for e in pool}) >= 5
    assert all(e.status == Expert.Status.ACTIVE and e.term_start <= today <= e.term_end for e in pool)
    assert (RoleAssignment.objects.filter(role=Role.EXPERT, user__in=[e.person for e in pool])
            .values("user").distinct().count() == 15)


def test_the_pool_holds_the_three_grounds_on_the_nurses_application(seeded):
    application = Application.objects.select_related("unit").get(applicant__name="陈静")
    pool = Expert.objects.filter(committee__name="福建省卫生技术高级职称评审委员会").select_related("person", "unit")

    found = {(expert.person.name, ground) for expert, _a, ground, _d in recusal.compute(pool, [application])}

    assert found == {("周红", G.UNIT), ("郭建华", G.WORK), ("何丽", G.COAUTHOR)}


def test_the_demo_draw_repeats_from_its_seed_and_snapshot(seeded):
    draw = Draw.objects.get(group="护理学")
    drawn = list(draw.assignments.order_by("position"))

    members, reserves = draws.repeat(seed=draw.seed, snapshot=draw.snapshot, size=draw.size, reserves=draw.reserves)

    assert [a.expert_id for a in drawn if not a.reserve] == members and len(members) == 9
    assert [a.expert_id for a in drawn if a.reserve] == reserves and len(reserves) == 2


def test_seeding_again_adds_no_expert_draw_or_person(seeded):
    before = (Expert.objects.count(), Draw.objects.count(), User.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Expert.objects.count(), Draw.objects.count(), User.objects.count()) == before
