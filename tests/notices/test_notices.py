"""通知 and 办理提醒 (issue 22 items 6-7): one notice per event and at most one SMS, the person's SMS choices, a
gateway failure retried without losing the notice, the bell and the list, reminders sent once however often (or
however many at once) send_reminders runs."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import SmsMessage
from applications import chain
from applications.models import Application, Plan
from notices.models import Family, Notice, Preference
from notices.reminders import reminders_send
from publicity import services as publicity
from publicity.models import Objection, Publicity
from tests.applications.support import login
from tests.chain.support import filed, race, unit_approve
from tests.helpers import committed

pytestmark = pytest.mark.usefixtures("captcha_off")
S = Application.Status


def sms_to(user) -> list[str]:
    return list(SmsMessage.objects.by_phone(user.phone).values_list("text", flat=True))


@pytest.mark.django_db
def test_a_decision_gives_one_notice_and_one_sms(org):
    application = filed(org, name="林芳")
    with committed():
        unit_approve(org, application)
    notices = list(Notice.objects.filter(user=application.applicant))
    assert [(n.family, n.text) for n in notices] == [
        (Family.APPLICATION, f"您申报的{org.plan.name}：用人单位通过")]
    assert notices[0].url == reverse("applications:detail", args=[application.pk])
    assert sms_to(application.applicant) == [f"【职称评审】您申报的{org.plan.name}：用人单位通过"]


@pytest.mark.django_db
def test_a_return_carries_its_reasons_and_no_sms_when_switched_off(org):
    application = filed(org, name="林芳")
    Preference.objects.create(user=application.applicant, family=Family.APPLICATION, sms=False)
    with committed():
        chain.decide(actor=org.clerk, stage="unit", pk=application.pk, decision="return",
                     opinion="请补充继续教育证明。")
    notice = Notice.objects.get(user=application.applicant)
    assert notice.text.endswith("用人单位退回。请补充继续教育证明。")
    assert sms_to(application.applicant) == []


@pytest.mark.django_db
def test_a_gateway_failure_is_retried_and_the_notice_stays(org, flaky_sms):
    flaky_sms(2)
    application = filed(org, name="林芳", status=S.PASSED)
    with committed():
        chain.confirm(actor=org.bureau, pk=application.pk)
    assert Notice.objects.filter(user=application.applicant, family=Family.CERTIFICATE).count() == 1
    texts = sms_to(application.applicant)
    assert len(texts) == 1 and "证书编号" in texts[0]


@pytest.mark.django_db
def test_objection_outcomes_reach_the_applicant_without_the_objector(org):
    application = filed(org, name="林芳", status=S.PASSED)
    listing = publicity.publicity_publish(actor=org.committee, plan=org.plan, starts_on=timezone.localdate(),
                                          days=5, contact="电话")
    objection = Objection.objects.create(entry=listing.entries.get(), name="张三", phone="13912345678", text="x")
    with committed():
        publicity.objection_decide(actor=org.committee, objection_id=objection.pk, decision="reject",
                                   text="无具体事实。")
    texts = list(Notice.objects.filter(user=application.applicant, family=Family.PUBLICITY)
                 .values_list("family", "text"))
    assert texts == [(Family.PUBLICITY, f"您申报的{org.plan.name}在公示期间收到的异议：不予受理。无具体事实。"),
                     (Family.PUBLICITY, f"您申报的{org.plan.name}：结果公示。公示期："
                                        f"{listing.starts_on:%Y-%m-%d}至{listing.ends_on:%Y-%m-%d}（5个工作日）")]
    assert not any("张三" in text or "13912345678" in text for _, text in texts)


@pytest.mark.django_db
def test_the_bell_the_list_and_marking_read(org, client, django_assert_max_num_queries):
    application = filed(org, name="林芳")
    for i in range(25):
        Notice.objects.create(user=application.applicant, family=Family.APPLICATION, text=f"第{i}条")
    Notice.objects.create(user=org.clerk, family=Family.RECORD, text="别人的通知")
    login(client, application.applicant)
    assert 'data-testid="unread">25<' in client.get(reverse("notices:bell")).content.decode()
    with django_assert_max_num_queries(8):
        html = client.get(reverse("notices:list")).content.decode()
    assert "第24条" in html and "别人的通知" not in html
    mine = Notice.objects.filter(user=application.applicant).first()
    client.post(reverse("notices:read"), {"notice": str(Notice.objects.get(user=org.clerk).pk)})
    assert Notice.objects.get(user=org.clerk).read_at is None  # not hers: nothing happens
    client.post(reverse("notices:read"), {"notice": str(mine.pk)})
    assert 'data-testid="unread">24<' in client.get(reverse("notices:bell")).content.decode()
    client.post(reverse("notices:read"))
    assert 'data-testid="unread"' not in client.get(reverse("notices:bell")).content.decode()
    client.post(reverse("notices:settings"), {"sms": ["record"]})
    assert set(Preference.objects.filter(user=application.applicant, sms=False).values_list("family", flat=True)) \
        == set(Family.values) - {"record"}


# ---------------------------------------------------------------- reminders


def reminder_world(org):
    today = timezone.localdate()
    Plan.objects.filter(pk=org.plan.pk).update(closes_on=today + datetime.timedelta(days=7))
    draft = filed(org, name="林芳", status=S.DRAFT, stage="")
    waiting = filed(org, name="陈静")  # at the unit's stage
    Application.objects.filter(pk=waiting.pk).update(node_since=timezone.now() - datetime.timedelta(days=30))
    filed(org, name="王强", status=S.PASSED)
    listing = publicity.publicity_publish(actor=org.committee, plan=org.plan, starts_on=today, days=5, contact="电话")
    Publicity.objects.filter(pk=listing.pk).update(ends_on=today)
    return draft


@pytest.mark.django_db
def test_reminders_are_sent_once(org, capsys):
    draft = reminder_world(org)
    with committed():
        call_command("send_reminders")
    assert "申报截止提醒1条，环节超时提醒2条，公示期满提醒1条" in capsys.readouterr().out
    assert Notice.objects.get(user=draft.applicant, family=Family.REMINDER).text.startswith(org.plan.name)
    assert set(Notice.objects.filter(family=Family.REMINDER, key__startswith="stale:")
               .values_list("user__name", flat=True)) == {"经办人甲", "经办人乙"}
    assert Notice.objects.filter(user=org.committee, family=Family.REMINDER).count() == 1
    count, texts = Notice.objects.count(), SmsMessage.objects.count()
    with committed():
        call_command("send_reminders")
    assert "申报截止提醒0条，环节超时提醒0条，公示期满提醒0条" in capsys.readouterr().out
    assert (Notice.objects.count(), SmsMessage.objects.count()) == (count, texts)


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once(org):
    reminder_world(org)
    outcomes = race([reminders_send, reminders_send])
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    assert sum(o["closing"] + o["stale"] + o["publicity"] for o in outcomes) == 4
    assert Notice.objects.filter(family=Family.REMINDER).count() == 4
