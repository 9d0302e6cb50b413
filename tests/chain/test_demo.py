"""The demo (`manage.py seed_demo`): the nurse's application is ready to file, and the demo's accounts carry it
through all four nodes of the demo plan to a certificate number."""

import datetime
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from applications import chain, services
from applications.chain_forms import PROOF
from applications.models import Application
from applications.precheck import precheck
from core.uploads import check_upload
from orgs.models import PostQuota
from publicity import services as publicity
from publicity.models import Publicity

from .support import last_weekday_before

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _local_work(settings):
    settings.DEBUG = True  # the demo loads only for local work (make run); it refuses with DEBUG off


def demo_user(name):
    return User.objects.get(name=name)


def test_the_demo_nurse_files_and_the_demo_accounts_walk_the_chain(regions):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "ready for her to submit" in out.getvalue()
    nurse = demo_user("陈静")
    application = Application.objects.get(applicant=nurse)
    assert application.status == "draft" and precheck(application) == []
    # 有效学历: one of her 学历信息 rows, as the 卫生技术 section offers them.
    assert application.data["health"]["values"]["effective_education"].startswith(("大学本科，", "硕士研究生，"))

    application = services.application_submit(actor=nurse, application=application)
    assert (application.status, application.stage) == ("submitted", "unit")

    hospital = User.objects.get(username=application.unit.credit_code)  # the hospital's unit account
    proof = check_upload(SimpleUploadedFile("公示.jpg", _jpeg(), "image/jpeg"), PROOF)
    chain.claim(actor=hospital, stage="unit", pk=application.pk)
    taken_before = PostQuota.objects.get(unit=application.unit).associate_taken
    chain.decide(actor=hospital, stage="unit", pk=application.pk, decision="approve",
                 recommendation=chain.Recommendation(publicity_from=last_weekday_before(14),
                                                     publicity_to=last_weekday_before(1), opinion="同意推荐。",
                                                     takes_vacancy=True),
                 proofs=[proof])
    assert PostQuota.objects.get(unit=application.unit).associate_taken == taken_before + 1
    for node, who in (("department", "黄敏"), ("bureau", "郑强")):
        assert Application.objects.get(pk=application.pk).stage == node
        chain.claim(actor=demo_user(who), stage=node, pk=application.pk)
        chain.decide(actor=demo_user(who), stage=node, pk=application.pk, decision="approve",
                     opinion="同意")
    committee = demo_user("吴昊")
    chain.committee_accept(actor=committee, pk=application.pk, accepted_on=timezone.localdate())
    chain.committee_result(actor=committee, pk=application.pk, passed=True, opinion="应到9人，实到9人，同意8票")
    # The demo plan requires the result publicity: the office publishes her result; once the period is over (moved
    # to the past here) the bureau confirms. 林晓燕 of the demo holds the plan's first certificate number.
    with pytest.raises(chain.ChainError, match="尚未公示"):
        chain.confirm(actor=demo_user("郑强"), pk=application.pk)
    listing = publicity.publicity_publish(actor=committee, plan=application.plan, starts_on=timezone.localdate(),
                                          days=5, contact="评委会办公室")
    assert [e.name for e in listing.entries.all()] == ["陈静"]
    with pytest.raises(chain.ChainError, match="公示期满后才能确认"):
        chain.confirm(actor=demo_user("郑强"), pk=application.pk)
    Publicity.objects.filter(pk=listing.pk).update(starts_on=last_weekday_before(14),
                                                   ends_on=last_weekday_before(1))
    done = chain.confirm(actor=demo_user("郑强"), pk=application.pk)
    year = timezone.localdate().year
    assert done.status == "confirmed" and done.certificate_no == f"{year}350000WS200002"
    assert done.committee_accepted_at == timezone.localdate()


def _jpeg() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (200, 120), "white").save(buffer, "JPEG")
    return buffer.getvalue()


def test_seeding_twice_changes_nothing(regions):
    call_command("seed_demo", stdout=StringIO())
    count = Application.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert Application.objects.count() == count == 3  # 陈静's, and the two at the end of the process
    assert {a.plan.year for a in Application.objects.all()} == {datetime.date.today().year}
