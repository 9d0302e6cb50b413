"""make bench-load's pieces that need no running stack: the knee of a step ramp and the "nothing lost" check."""

import pytest

from bench.evening import Ack, Step, knee, missing, stored
from dossier.models import Record, Status
from tests.factories import PersonFactory, UnitFactory, unit_admin
from tests.review.support import make_record


@pytest.fixture
def media(settings, tmp_path, regions):
    """Uploads go to a throw-away media folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_the_knee_is_the_last_step_that_still_grows_by_a_tenth():
    rows = [Step(1, 10.0, 0.05, 0), Step(2, 19.0, 0.08, 0), Step(4, 30.0, 0.12, 0), Step(6, 32.0, 0.20, 0),
            Step(8, 40.0, 0.25, 0)]

    assert knee(rows) == rows[2]  # 32 is less than 30 × 1.1: the ramp stops there, whatever follows


def test_the_knee_stops_where_the_pages_p95_passes_300_ms():
    rows = [Step(1, 10.0, 0.05, 0), Step(2, 19.0, 0.31, 0), Step(4, 30.0, 0.20, 0)]

    assert knee(rows) == rows[0]


def test_the_knee_of_a_ramp_that_never_grows_is_its_first_step():
    rows = [Step(1, 10.0, 0.05, 0), Step(2, 9.0, 0.05, 0)]

    assert knee(rows) == rows[0]


def test_missing_lists_what_the_database_does_not_hold_as_acknowledged():
    acks = [Ack("filing", 1, "submitted"), Ack("decision", 7, "approved"), Ack("decision", 8, "returned")]
    found = {("filing", 1): "submitted", ("decision", 7): "pending", ("filing", 8): "returned"}

    assert missing(acks, found) == [acks[1], acks[2]]


@pytest.mark.django_db
def test_the_nothing_lost_check_finds_a_decision_the_database_does_not_hold(media):
    unit = UnitFactory()
    admin = unit_admin(unit)
    owner = PersonFactory(unit=unit)
    decided = make_record(owner, status=Status.APPROVED, admin=admin)
    returned = make_record(owner, status=Status.RETURNED, admin=admin)
    never = make_record(owner)  # acknowledged, yet still pending: lost
    acks = [Ack("decision", decided.pk, "approved"), Ack("decision", returned.pk, "returned"),
            Ack("decision", never.pk, "approved"), Ack("filing", 999_999, "submitted")]

    assert missing(acks, stored(acks)) == acks[2:]


@pytest.mark.django_db
def test_a_status_without_its_flow_entry_counts_as_lost(media):
    """A status written behind the services' back (no flow entry) is not an acknowledged decision kept."""
    unit = UnitFactory()
    record = make_record(PersonFactory(unit=unit))
    Record.objects.filter(pk=record.pk).update(status=Status.APPROVED)
    acks = [Ack("decision", record.pk, "approved")]

    assert missing(acks, stored(acks)) == acks
