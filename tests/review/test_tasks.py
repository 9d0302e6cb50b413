"""任务中心: one queue of everything pending for the admin's units, oldest first, fed by registered sources."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from dossier.catalogue import catalogue
from dossier.models import Status
from dossier.services import withdrawal_request
from review import tasks
from review.tasks import TaskItem, TaskSource, task_source_register

from .support import login, make_record

pytestmark = pytest.mark.django_db

TASKS = reverse("review:tasks")
PROBE = "test_probe_source"


def _rows(html: str, titles) -> list[str]:
    """The given titles in the order the queue shows them."""
    return sorted((t for t in titles if t in html), key=html.index)


def test_the_queue_lists_pending_records_of_every_kind(client, owner_a, admin_a):
    records = [make_record(owner_a, kind.key, title=f"待审{kind.label}", any_kind=True) for kind in catalogue().kinds()]
    login(client, admin_a)

    html = client.get(TASKS).content.decode()

    for record, kind in zip(records, catalogue().kinds(), strict=True):
        assert f"业绩审核 · {kind.label}" in html
        assert reverse("review:record", args=[record.pk]) in html
        assert f'name="ids" value="{record.pk}"' in html
    assert f'data-testid="task-count">{len(records)}<' in html


def test_the_queue_holds_only_pending_items_of_the_admins_units_oldest_first(
    client, owner_a, admin_a, owner_b, admin_b
):
    def at(day):
        return time_machine.travel(datetime.datetime(2026, 3, day, 9, tzinfo=datetime.UTC), tick=False)

    with at(1):
        approved = make_record(owner_a, "paper", status=Status.APPROVED, admin=admin_a, title="已通过论文")
    with at(4):
        make_record(owner_a, "research_project", title="第四天的项目")
    with at(2):
        make_record(owner_a, "honour", title="第二天的表彰")
    with at(3):
        withdrawal_request(actor=owner_a, record=approved, reason="修改刊物名称")
    with at(5):
        make_record(owner_a, "patent", title="第五天的专利")
        make_record(owner_a, "paper", status=Status.DRAFT, title="草稿论文")
        make_record(owner_a, "paper", status=Status.RETURNED, admin=admin_a, title="退回的论文")
        make_record(owner_b, "research_project", title="乙单位的项目")
    login(client, admin_a)

    html = client.get(TASKS).content.decode()

    everything = ["第二天的表彰", "已通过论文", "第四天的项目", "第五天的专利", "草稿论文", "退回的论文", "乙单位的项目"]
    assert _rows(html, everything) == ["第二天的表彰", "已通过论文", "第四天的项目", "第五天的专利"]
    assert "撤回申请" in html and reverse("review:withdrawals") + "#w" in html
    assert 'data-testid="task-count">4<' in html


def test_both_admins_of_a_unit_see_the_same_queue(client, unit_a, owner_a, admin_a):
    from tests.factories import unit_admin

    second = unit_admin(unit_a, name="第二位管理员")
    record = make_record(owner_a, title="两位管理员都能看到的项目")

    for admin in (admin_a, second):
        assert "两位管理员都能看到的项目" in login(client, admin).get(TASKS).content.decode()
    client.post(reverse("review:record", args=[record.pk]), {"decision": "approve"})  # the second admin decides
    assert f'name="ids" value="{record.pk}"' not in login(client, admin_a).get(TASKS).content.decode()


@pytest.fixture
def application_source():
    """A source such as the applications issue will register (under its own key); removed again afterwards."""
    seen = []

    def items(user, limit):
        seen.append(user)
        return [TaskItem(source="application", category="职称申报", title="2026年度高级工程师申报", person="王工",
                         submitted_at=timezone.make_aware(datetime.datetime(2020, 1, 1)), url="/unit/applications/7/")]

    task_source_register(TaskSource(key=PROBE, label="职称申报", items=items))
    yield seen
    tasks.TASK_SOURCES.pop(PROBE, None)


def test_a_registered_source_appears_in_the_queue(client, owner_a, admin_a, application_source):
    make_record(owner_a, title="普通业绩")
    login(client, admin_a)

    html = client.get(TASKS).content.decode()

    assert [user.pk for user in application_source] == [admin_a.pk]  # asked for the acting user's items
    assert _rows(html, ["2026年度高级工程师申报", "普通业绩"]) == ["2026年度高级工程师申报", "普通业绩"]
    assert 'href="/unit/applications/7/">处理</a>' in html
    assert 'data-testid="task-count">2<' in html


def test_the_registered_source_is_gone_after_the_test(client, admin_a):
    assert PROBE not in tasks.TASK_SOURCES and {"record", "withdrawal"} <= set(tasks.TASK_SOURCES)
    assert "2026年度高级工程师申报" not in login(client, admin_a).get(TASKS).content.decode()
