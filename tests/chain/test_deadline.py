"""The plan's window (申报起止日期) and the application: a first filing is accepted through the plan's last day,
Beijing time, and refused from the next day with the date named; an application returned for correction is
filed again after the window (the review goes on). The application page counts the days down."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from applications import chain, services
from applications.models import Application
from tests.applications.support import login

pytestmark = pytest.mark.django_db

UNIT = "unit"
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: datetime.date, hour: int, minute: int = 0):
    """That moment in Beijing, with the clock standing still."""
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour, minute), BEIJING), tick=False)


def deadline_line(client, application) -> str:
    """The deadline line of the application page, read by its owner signed in at the current (travelled) time."""
    login(client, application.applicant)
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    start = html.index('data-testid="deadline"')
    return html[html.index(">", start) + 1:html.index("</div>", start)]


def test_the_last_minute_of_the_last_day_still_files(world):
    with at(world.plan.closes_on, 23, 59):
        filed = services.application_submit(actor=world.person, application=world.application)
    assert (filed.status, filed.stage) == ("submitted", "unit")


def test_the_next_day_a_first_filing_is_refused_with_the_date(world):
    with at(world.plan.closes_on + datetime.timedelta(days=1), 0, 0):
        with pytest.raises(services.ApplicationError) as refused:
            services.application_submit(actor=world.person, application=world.application)
    assert str(refused.value) == f"本计划的申报已于{world.plan.closes_on:%Y-%m-%d}截止，不能再提交。"
    assert Application.objects.get(pk=world.application.pk).status == Application.Status.DRAFT


def test_a_returned_application_is_filed_again_after_the_window(world):
    application = services.application_submit(actor=world.person, application=world.application)
    chain.claim(actor=world.clerk, stage=UNIT, pk=application.pk)
    chain.decide(actor=world.clerk, stage=UNIT, pk=application.pk, decision="return", opinion="请补充学历证明")
    with at(world.plan.closes_on + datetime.timedelta(days=20), 10):
        again = services.application_submit(actor=world.person, application=Application.objects.get(pk=application.pk))
    assert (again.status, again.stage) == ("submitted", "unit")


def test_the_application_page_counts_down_to_the_deadline(world, client):
    closes = world.plan.closes_on
    with at(closes - datetime.timedelta(days=30), 9):
        assert deadline_line(client, world.application) == f"申报截止：{closes:%Y-%m-%d}，还剩30天。"
    with at(closes - datetime.timedelta(days=3), 9):
        assert deadline_line(client, world.application) == f"申报截止：{closes:%Y-%m-%d}，还剩3天。"
    with at(closes, 23, 30):
        assert deadline_line(client, world.application) == f"今天（{closes:%Y-%m-%d}）是申报截止日，请在今天24:00前提交。"
    with at(closes + datetime.timedelta(days=1), 8):
        assert deadline_line(client, world.application) == f"本计划的申报已于{closes:%Y-%m-%d}截止，不能再提交。"
        html = client.get(reverse("applications:detail", args=[world.application.pk])).content.decode()  # signed in
        assert '<button class="btn btn-primary" type="submit" disabled>提交</button>' in html
