"""The province of make bench-load (bench/province.py) at a tiny scale: its shape, the drafts ready to file, the
unit admins able to sign in with their second factor."""

from collections import Counter

import pytest
from django.contrib.auth.hashers import check_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, RoleAssignment, User
from applications.models import Application, ApplicationFile
from applications.precheck import precheck
from bench import generate, province
from bench.evening import Ack, missing, stored
from dossier.models import Record
from orgs.models import Unit

pytestmark = pytest.mark.django_db(transaction=True)  # the generator commits and reconnects as it loads


@pytest.fixture
def built(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return province.build(0.0005, log=lambda *_: None)


def test_the_province_has_its_people_units_records_and_applications_at_every_stage(built):
    counts = province.counts_for(0.0005)
    assert counts == {"people": 150, "units": 7, "records": 500, "applications": 15}
    assert User.objects.filter(kind=User.Kind.PERSON).count() == 150 + 2  # and the model applicant and her admin
    assert Unit.objects.filter(kind=Unit.Kind.UNIT).count() == 7
    assert Record.objects.count() >= 500
    statuses = Counter(Application.objects.exclude(pk=built["application_pk"]).values_list("status", flat=True))
    assert statuses == {"draft": 7, "submitted": 5, "returned": 1, "accepted": 1, "passed": 1}  # by rank, in tenths
    assert built["version"] == province.VERSION and generate.stored_meta()["applications"] == "16"


def test_the_copied_drafts_are_ready_to_file_and_carry_the_model_attachments(built):
    model = Application.objects.get(pk=built["application_pk"])
    drafts = Application.objects.filter(status=Application.Status.DRAFT)
    assert drafts.count() == 7
    for draft in drafts:
        assert draft.applicant_id != model.applicant_id and draft.unit_id == draft.applicant.unit_id
        assert draft.data == model.data and draft.snapshot is None
        assert [p.message for p in precheck(draft) if p.hard] == []
        assert draft.files.count() == model.files.count() > 0
    waiting = Application.objects.filter(status=Application.Status.SUBMITTED).exclude(pk=model.pk)
    assert {a.stage for a in waiting} == {model.stage} and all(a.snapshot == model.snapshot for a in waiting)
    assert ApplicationFile.objects.count() == 16 * model.files.count()


def test_people_sign_in_with_the_one_hash_and_every_unit_admin_has_an_authenticator(built):
    person = User.objects.filter(kind=User.Kind.PERSON).order_by("pk").first()
    assert check_password(generate.PASSWORD, person.password)
    admins = set(RoleAssignment.objects.filter(role=Role.UNIT_ADMIN).values_list("user_id", flat=True))
    assert len(admins) >= 7
    assert set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True)) >= admins


def test_the_model_application_counts_as_filed_in_the_nothing_lost_check(built):
    filed = Ack("filing", int(built["application_pk"]), "submitted")
    draft = Application.objects.filter(status=Application.Status.DRAFT).first()

    assert missing([filed, Ack("filing", draft.pk, "submitted")], stored([filed, Ack("filing", draft.pk, "submitted")])) \
        == [Ack("filing", draft.pk, "submitted")]
