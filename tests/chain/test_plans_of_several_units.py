"""评审计划 for an admin of several units: the page is about one unit at a time (?unit=), a delegation is made for
the unit chosen, and a unit the admin does not administer cannot be chosen."""

import pytest
from django.urls import reverse

from accounts.models import Role, RoleAssignment
from applications.models import Delegation
from tests.applications.support import login
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_the_admin_of_two_units_delegates_for_the_one_chosen(client, org):
    branch = UnitFactory(name="福州市第一医院分院")
    RoleAssignment.objects.create(user=org.clerk, role=Role.UNIT_ADMIN, unit=branch)
    centre = UnitFactory(name="福州市人才服务中心")
    login(client, org.clerk)

    page = client.get(reverse("chain:unit_plans")).content.decode()
    assert 'data-testid="unit-choice"' in page and "福州市第一医院分院" in page
    page = client.get(reverse("chain:unit_plans") + f"?unit={branch.pk}").content.decode()
    assert f'href="{reverse("chain:unit_plan", args=[org.plan.pk])}?unit={branch.pk}"' in page

    url = reverse("chain:unit_plan", args=[org.plan.pk]) + f"?unit={branch.pk}"
    assert "福州市第一医院分院" in client.get(url).content.decode()
    response = client.post(url, {"action": "delegate", "unit": centre.pk})
    assert response.status_code == 302 and response.url == url
    assert list(Delegation.objects.values_list("unit_id", "delegate_id")) == [(branch.pk, centre.pk)]

    client.post(url, {"action": "cancel"})
    assert not Delegation.objects.exists()


def test_a_unit_the_admin_does_not_administer_falls_back_to_their_own(client, org):
    other = UnitFactory(name="外单位")
    centre = UnitFactory(name="福州市人才服务中心")
    login(client, org.clerk)
    page = client.get(reverse("chain:unit_plans") + f"?unit={other.pk}").content.decode()
    assert 'data-testid="unit-choice"' not in page  # one unit: no choice shown
    client.post(reverse("chain:unit_plan", args=[org.plan.pk]) + f"?unit={other.pk}",
                {"action": "delegate", "unit": centre.pk})
    assert list(Delegation.objects.values_list("unit_id", flat=True)) == [org.unit.pk]
