"""Each node's task list costs the same number of queries for 2 applications as for 30 (selectors select what the
columns show); the unit's home page counts and the 任务中心 lists the applications waiting at the unit."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import chain
from applications.models import Application
from core.models import FlowAttachment, FlowEntry
from review.stages import stages
from tests.applications.support import login

from .support import decided, filed, passed_on, walk

pytestmark = pytest.mark.django_db
S = Application.Status


def staff_of(org, node):
    return {"unit": org.clerk, "department": org.reviewer, "bureau": org.bureau, "committee": org.committee}[node]


def add(org, node: str, n: int, start: int):
    """`n` applications the node sees, in every state its tabs show: waiting (claimed by its staff, by a
    colleague, by nobody), passed on, returned; the committee's accepted and decided ones."""
    user = staff_of(org, node)
    for i in range(start, start + n):
        kind = i % 5
        fields = {}
        if kind == 0 and node != "committee":
            fields["claimed_by"] = user
        if kind == 1 and node == "unit":
            fields["claimed_by"] = org.clerk2
        if kind == 1 and node == "committee":
            fields.update(status=S.PASSED)
        if kind == 3:
            fields.update(status=S.RETURNED)
        if kind == 4:
            fields.update(status={"committee": S.ACCEPTED, "bureau": S.PASSED}.get(node, S.SUBMITTED))
        application = filed(org, name=f"申报人{i:02d}", stage=stages().desk(node).stages[0], **fields)
        if kind == 4 and node in ("unit", "department"):
            passed_on(application, to="department" if node == "unit" else "bureau")


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("node", list(stages().desks))
def test_each_node_list_uses_constant_queries(org, node):
    """2 against 30 on the 全部 tab; every tab with 5 (one of each kind, so no tab is empty: an empty page skips
    its row query) against 30."""
    client = login(org.client, staff_of(org, node))
    url = reverse("chain:list", args=[node])
    tabs = [""] + [f"?status={tab.key}" for tab in stages().desk(node).tabs]
    add(org, node, 2, 0)
    client.get(url)  # warm the session
    two = queries(client, url + "?status=all")
    add(org, node, 3, 2)
    five = {tab: queries(client, url + tab) for tab in tabs}
    for tab in tabs:
        assert "data-application=" in client.get(url + tab).content.decode(), (node, tab)
    add(org, node, 25, 5)
    thirty = {tab: queries(client, url + tab) for tab in tabs}
    assert two == thirty["?status=all"]
    assert five == thirty
    page = client.get(url + "?status=all").content.decode()
    assert page.count("data-application=") == 10  # a page of ten
    assert "共" in page or "下一页" in page or "page=2" in page


def test_the_unit_home_page_counts_waiting_applications(org):
    client = login(org.client, org.clerk)
    home = reverse("review:unit_home")
    mine = filed(org, name="甲一", claimed_by=org.clerk)
    filed(org, name="乙二", claimed_by=org.clerk2)
    filed(org, name="丙三")
    filed(org, name="丁四", status=S.RETURNED)
    client.get(home)
    with CaptureQueriesContext(connection) as few:
        page = client.get(home).content.decode()
    assert 'data-testid="applications-waiting">2<' in page  # mine and the unclaimed one
    assert "待领取 1 · 我的待审核 1" in page
    for i in range(20):
        filed(org, name=f"申报人{i}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(home).content.decode()
    assert 'data-testid="applications-waiting">22<' in page
    assert len(few) == len(many)
    chain.decide(actor=org.clerk, stage="unit", pk=mine.pk, decision="return", opinion="请补充")
    assert "待领取 21 · 我的待审核 0" in client.get(home).content.decode()


def test_the_task_centre_lists_the_units_waiting_applications(org):
    client = login(org.client, org.clerk)
    mine = filed(org, name="甲一", claimed_by=org.clerk)
    unclaimed = filed(org, name="丙三")
    filed(org, name="乙二", claimed_by=org.clerk2)
    filed(org, name="丁四", status=S.RETURNED)
    filed(org, name="戊五", stage="department")
    client.get(reverse("review:tasks"))
    with CaptureQueriesContext(connection) as few:
        page = client.get(reverse("review:tasks")).content.decode()
    for application in (mine, unclaimed):
        assert application.applicant.name in page
        assert reverse("chain:review", args=["unit", application.pk]) in page
    for name in ("乙二", "丁四", "戊五"):
        assert name not in page
    assert "职称申报 · 待领取" in page
    assert 'data-testid="task-count">2<' in page
    for i in range(20):
        filed(org, name=f"申报人{i}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("review:tasks")).content.decode()
    assert 'data-testid="task-count">22<' in page
    assert len(few) == len(many)
    # Another unit's admin has nothing of these.
    from tests.factories import UnitFactory, unit_admin

    login(client, unit_admin(UnitFactory(name="福州市第二医院")))
    assert 'data-testid="task-count">0<' in client.get(reverse("review:tasks")).content.decode()


def lengthen_the_flow(application, steps: int):
    """`steps` more decisions in the application's flow, each with an attachment (as repeated returns leave)."""
    for i in range(steps):
        decided(application, "unit", "return")
        entry = FlowEntry.objects.filter(subject_id=application.pk).order_by("pk").last()
        FlowAttachment.objects.create(entry=entry, label="附件", file=f"flow/x{i}", name=f"说明{i}.pdf", size=3,
                                      content_type="application/pdf")


@pytest.mark.parametrize("node", list(stages().desks))
def test_each_desks_review_page_uses_constant_queries(org, node):
    """The review page reads the application, its flow with every decision and attachment, and the stage's
    forms in the same number of queries with 1 decision in the flow as with 21."""
    application = filed(org, name="陈静", stage=stages().desk(node).stages[0],
                        **({"claimed_by": staff_of(org, node)} if node != "committee" else {}))
    client = login(org.client, staff_of(org, node))
    url = reverse("chain:review", args=[node, application.pk])
    lengthen_the_flow(application, 1)
    client.get(url)  # warm the session
    short = queries(client, url)
    lengthen_the_flow(application, 20)
    page = client.get(url).content.decode()
    assert page.count("zc-flow-step") >= 20 and "说明19.pdf" in page
    assert queries(client, url) == short


def test_the_applicants_flow_uses_constant_queries(org):
    application = walk(org, filed(org, name="陈静"), to="committee")
    client = login(org.client, application.applicant)
    url = reverse("applications:detail", args=[application.pk])
    client.get(url)  # warm the session
    short = queries(client, url)
    lengthen_the_flow(application, 20)
    assert "说明19.pdf" in client.get(url).content.decode()
    assert queries(client, url) == short
