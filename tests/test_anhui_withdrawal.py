"""Anhui has no 撤回 (presets/anhui.toml, withdrawal = false): with PROVINCE_PRESET=anhui neither the applicant's
撤回记录 nor the unit's 撤回申请 is in the menu, on the unit's home or in its task centre, and their pages and
actions answer 404 (a request left from before is not decided); Fujian, which has 撤回, shows them all."""

import pytest
from django.urls import reverse

from dossier import catalogue as catalogue_module
from dossier.models import Status, Withdrawal
from tests.factories import PASSWORD, PersonFactory, UnitFactory, unit_admin
from tests.helpers import log_in
from tests.review.support import make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(settings):
    def choose(name: str):
        settings.PROVINCE_PRESET = name
        catalogue_module.reset()
    yield choose
    settings.PROVINCE_PRESET = ""
    catalogue_module.reset()


@pytest.fixture
def hospital(regions, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    unit = UnitFactory(name="合肥市第一人民医院")
    admin = unit_admin(unit, name="医院经办人")
    doctor = PersonFactory(unit=unit, name="汪医生")
    record = make_record(doctor, "paper", status=Status.APPROVED, admin=admin, title="皖南山区护理质量研究")
    # A request made before the deployment took the Anhui preset.
    withdrawal = Withdrawal.objects.create(record=record, unit=unit, reason="数据有误")
    return admin, doctor, withdrawal


def menu(html: str) -> str:
    return html[html.index("<aside"):html.index("</aside>")]


@pytest.mark.parametrize(("name", "has_withdrawal"), [("anhui", False), ("fujian", True)])
def test_the_withdrawal_pages_follow_the_province(client, captcha_off, province, hospital, name, has_withdrawal):
    province(name)
    admin, doctor, withdrawal = hospital

    log_in(client, doctor.username, PASSWORD)
    assert ("撤回记录" in menu(client.get("/").content.decode())) is has_withdrawal
    assert client.get(reverse("dossier:withdrawals")).status_code == (200 if has_withdrawal else 404)
    client.logout()

    log_in(client, admin.username, PASSWORD)
    home = client.get(reverse("review:unit_home")).content.decode()
    assert ("撤回申请" in menu(home)) is has_withdrawal
    assert ("处理撤回申请" in home) is has_withdrawal
    tasks = client.get(reverse("review:tasks")).content.decode()
    assert (withdrawal.record.title in tasks) is has_withdrawal
    assert client.get(reverse("review:withdrawals")).status_code == (200 if has_withdrawal else 404)


def test_anhui_refuses_to_decide_a_withdrawal(client, captcha_off, province, hospital):
    province("anhui")
    admin, _, withdrawal = hospital
    log_in(client, admin.username, PASSWORD)

    response = client.post(reverse("review:withdrawal_decide", args=[withdrawal.pk]), {"decision": "grant"})

    assert response.status_code == 404
    withdrawal.refresh_from_db()
    assert withdrawal.state == Withdrawal.State.PENDING
    assert withdrawal.record.status == Status.APPROVED


def test_anhui_refuses_a_withdrawal_request(client, captcha_off, province, hospital):
    province("anhui")
    _, doctor, withdrawal = hospital
    withdrawal.delete()
    log_in(client, doctor.username, PASSWORD)

    client.post(reverse("dossier:withdraw", args=[withdrawal.record.pk]), {"reason": "数据有误"})

    assert not Withdrawal.objects.exists()
    page = client.get("/dossier/k/paper/").content.decode()
    assert f'action="/dossier/r/{withdrawal.record.pk}/withdraw/"' not in page
