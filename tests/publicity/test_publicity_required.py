"""需结果公示 is the plan's: ticked (the default of a new plan) the bureau confirms only a publicised result,
unticked a result on no list may be confirmed; the bureau sets it in the plan form; plans made before the flag
keep what the former global switch said."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from applications import chain
from applications.models import Application, Committee, Plan
from tests.applications.support import login
from tests.applications.test_access import bureau_client, plan_post  # noqa: F401 — the plan pages' fixture
from tests.applications.test_plan_manage import edit_post, manage_url
from tests.factories import CommitteeFactory, PlanFactory, bureau_staff

pytestmark = pytest.mark.django_db


def test_a_plan_made_in_the_bureaus_form_requires_the_publicity_by_default(bureau_client):  # noqa: F811 — the fixture imported above
    committee = CommitteeFactory(bureau=bureau_client.staff.unit, series="经济", levels=["副高", "正高"])
    page = bureau_client.get(reverse("applications:plans")).content.decode()
    assert "需结果公示" in page
    assert 'name="p-publicity_required"' in page and 'id="id_p-publicity_required" checked' in page
    bureau_client.post(reverse("applications:plans"), plan_post(committee, publicity_required="on"))
    assert Plan.objects.get(committee=committee).publicity_required is True


def test_the_bureau_unticks_and_ticks_the_flag_and_history_keeps_it(client, regions):
    staff = bureau_staff(name="人社厅郑强")
    committee = CommitteeFactory(bureau=staff.unit, series="经济", levels=["副高", "正高"])
    plan = PlanFactory(committee=committee, name="经济系列评审", series=["经济"], levels=["副高", "正高"],
                       publicity_required=True)
    login(client, staff)
    assert client.post(manage_url(plan), edit_post(plan)).status_code == 302  # the box left unticked
    plan.refresh_from_db()
    assert plan.publicity_required is False
    client.post(manage_url(plan), edit_post(plan, publicity_required="on"))
    plan.refresh_from_db()
    assert plan.publicity_required is True
    assert [h.publicity_required for h in plan.history.order_by("history_id")][-2:] == [False, True]


def test_the_part_reads_the_plan_not_a_setting(passed):
    """Two plans side by side: the one requiring the publicity refuses, the other confirms."""
    strict = PlanFactory(committee=Committee.objects.get(pk=passed.plan.committee_id), name="另一计划",
                         publicity_required=True)
    Application.objects.filter(pk=passed.nurse.pk).update(plan=strict)
    with pytest.raises(chain.ChainError, match="该评审结果尚未公示"):
        chain.confirm(actor=passed.bureau, pk=passed.nurse.pk)
    assert Plan.objects.get(pk=passed.plan.pk).publicity_required is False
    assert chain.confirm(actor=passed.bureau, pk=passed.other.pk).status == Application.Status.CONFIRMED


@pytest.mark.parametrize(("switch", "expected"), [(None, False), ("1", True), ("0", False)])
def test_plans_made_before_the_flag_keep_the_former_switch(monkeypatch, regions, switch, expected):
    migration = importlib.import_module("applications.migrations.0014_plan_publicity_required")
    plan = PlanFactory(publicity_required=not expected)
    if switch is None:
        monkeypatch.delenv("PUBLICITY_REQUIRED", raising=False)
    else:
        monkeypatch.setenv("PUBLICITY_REQUIRED", switch)
    migration.existing_plans_keep_the_switch(apps, None)
    plan.refresh_from_db()
    assert plan.publicity_required is expected
