"""Decisions the user can fix are refused with a Chinese message on the review page (200, never 500), and the
application stays exactly as it was: the unit's 通过 without publicity proof or with too short, unfinished or
reversed publicity, a public institution silent about the vacancy, 否 without its explanation, 退回 / 终止
without an opinion, a committee acceptance dated in the future, a renamed executable as 公示证明."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import chain
from tests.applications.support import login, scan_upload, upload

from .support import filed, state, walk

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def monday_weeks_ago(weeks: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=TODAY.weekday() + 7 * weeks)


MONDAY = monday_weeks_ago(3)
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"This program cannot be run in DOS mode."


def approve_post(org, **changes) -> dict:
    """A valid unit 通过, with `changes` applied (None drops a field)."""
    start, end = org.publicity
    data = {"action": "decide", "d-decision": "approve", "d-publicity_from": start.isoformat(),
            "d-publicity_to": end.isoformat(), "d-recommendation": "同意推荐。", "d-takes_vacancy": "yes",
            "proof": scan_upload("公示证明.jpg")}
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value.isoformat() if isinstance(value, datetime.date) else value
    return data


@pytest.fixture
def at_unit(org, settings):
    settings.PUBLICITY_MIN_WORKING_DAYS = 5
    settings.PUBLIC_HOLIDAYS = []
    settings.EXTRA_WORKDAYS = []
    application = filed(org)
    chain.claim(actor=org.clerk, stage="unit", pk=application.pk)
    login(org.client, org.clerk)
    return application


def refused(org, application, node, data, message):
    before = state(application)
    response = org.client.post(reverse("chain:review", args=[node, application.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200, page[:300]
    assert message in page, message
    assert state(application) == before
    return page


def test_a_valid_recommendation_goes_through(org, at_unit):
    response = org.client.post(reverse("chain:review", args=["unit", at_unit.pk]), approve_post(org))
    assert response.status_code == 302
    at_unit.refresh_from_db()
    assert at_unit.stage == "department"


CASES = {
    "no publicity proof": ({"proof": None}, "请上传公示证明。"),
    "four working days across a weekend": (
        {"d-publicity_from": MONDAY - datetime.timedelta(days=4), "d-publicity_to": MONDAY + datetime.timedelta(days=1)},
        "公示期不少于5个工作日（所填期间只有4个工作日）。"),
    "tuesday to saturday": (
        {"d-publicity_from": MONDAY + datetime.timedelta(days=1), "d-publicity_to": MONDAY + datetime.timedelta(days=5)},
        "公示期不少于5个工作日（所填期间只有4个工作日）。"),
    "publicity not ended yet": ({"d-publicity_to": TODAY}, "公示期结束后才能推荐。"),
    "publicity ending before it starts": (
        {"d-publicity_from": MONDAY, "d-publicity_to": MONDAY - datetime.timedelta(days=3)},
        "公示结束日期不能早于开始日期。"),
    "no publicity dates": ({"d-publicity_from": None}, "请填写公示开始日期。"),
    "vacancy not stated": ({"d-takes_vacancy": None}, "请选择是否占用岗位空缺。"),
    "no vacancy without a reason": ({"d-takes_vacancy": "no"}, "不占用岗位空缺时，请说明理由。"),
    "no recommendation opinion": ({"d-recommendation": ""}, "请填写单位推荐意见。"),
    "no decision": ({"d-decision": None}, "请选择审核结果。"),
    "return without an opinion": ({"d-decision": "return", "d-opinion": "  "}, "退回时请一次说明全部需要修改的内容。"),
    "terminate without a reason": ({"d-decision": "terminate"}, "终止时请填写理由。"),
    "a renamed executable as proof": ({"proof": upload("公示证明.jpg", EXECUTABLE)},
                                      "文件“公示证明.jpg”的内容与扩展名 .jpg 不符，已拒绝上传。"),
    "a word document as proof": ({"proof": upload("公示证明.docx", b"PK\x03\x04" + b"\x00" * 100)},
                                 "文件“公示证明.docx”的类型不允许"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_units_decision_is_refused_with_a_message(org, at_unit, case):
    changes, message = CASES[case]
    refused(org, at_unit, "unit", approve_post(org, **changes), message)


def test_a_public_holiday_does_not_count(org, at_unit, settings):
    friday = MONDAY + datetime.timedelta(days=4)
    data = approve_post(org, **{"d-publicity_from": MONDAY, "d-publicity_to": friday})
    settings.PUBLIC_HOLIDAYS = [MONDAY + datetime.timedelta(days=2)]
    refused(org, at_unit, "unit", data, "公示期不少于5个工作日（所填期间只有4个工作日）。")
    settings.PUBLIC_HOLIDAYS = []
    data["proof"] = scan_upload("公示证明.jpg")
    assert org.client.post(reverse("chain:review", args=["unit", at_unit.pk]), data).status_code == 302


def test_a_working_saturday_counts(org, at_unit, settings):
    saturday = MONDAY + datetime.timedelta(days=5)
    data = approve_post(org, **{"d-publicity_from": MONDAY + datetime.timedelta(days=1), "d-publicity_to": saturday})
    refused(org, at_unit, "unit", data, "（所填期间只有4个工作日）")
    settings.EXTRA_WORKDAYS = [saturday]
    data["proof"] = scan_upload("公示证明.jpg")
    assert org.client.post(reverse("chain:review", args=["unit", at_unit.pk]), data).status_code == 302
    at_unit.refresh_from_db()
    assert at_unit.recommendation["publicity_to"] == saturday.isoformat()


def test_working_days_follow_the_calendar_settings(settings):
    settings.PUBLIC_HOLIDAYS, settings.EXTRA_WORKDAYS = [], []
    sunday = MONDAY - datetime.timedelta(days=1)
    assert chain.working_days(MONDAY, MONDAY + datetime.timedelta(days=6)) == 5
    assert chain.working_days(sunday - datetime.timedelta(days=1), sunday) == 0
    assert chain.working_days(MONDAY, MONDAY - datetime.timedelta(days=1)) == 0
    settings.PUBLIC_HOLIDAYS = [MONDAY, MONDAY + datetime.timedelta(days=1)]
    settings.EXTRA_WORKDAYS = [sunday]
    assert chain.working_days(sunday, MONDAY + datetime.timedelta(days=6)) == 4


def test_the_department_returns_only_with_an_opinion(org):
    application = walk(org, filed(org), to="department")
    chain.claim(actor=org.reviewer, stage="department", pk=application.pk)
    login(org.client, org.reviewer)
    refused(org, application, "department", {"action": "decide", "d-decision": "return"},
            "退回时请一次说明全部需要修改的内容。")
    refused(org, application, "department", {"action": "decide", "d-decision": "terminate", "d-opinion": "终止"},
            "请选择审核结果。")


def test_the_committee_returns_only_with_an_opinion(org):
    application = walk(org, filed(org), to="committee")
    login(org.client, org.committee)
    refused(org, application, "committee", {"action": "return", "d-opinion": ""}, "退回时请一次说明全部需要修改的内容。")


@pytest.mark.parametrize("accepted_on, message", [
    (TODAY + datetime.timedelta(days=1), "接收日期不能晚于今天。"),
    (TODAY - datetime.timedelta(days=400), "接收日期不能早于申报日期。"),
    ("2026-02-30", "请输入正确的日期。"),
    ("", "请填写接收日期。"),
])
def test_the_committee_acceptance_date_is_checked(org, accepted_on, message):
    application = walk(org, filed(org), to="committee")
    login(org.client, org.committee)
    value = accepted_on.isoformat() if isinstance(accepted_on, datetime.date) else accepted_on
    refused(org, application, "committee", {"action": "accept", "a-accepted_on": value}, message)
    with pytest.raises(chain.ChainError, match="接收日期不能晚于今天。"):
        chain.committee_accept(actor=org.committee, pk=application.pk, accepted_on=TODAY + datetime.timedelta(days=1))


def tally(members="9", attending="9", agree="6", disagree="3", abstain="0", opinion=""):
    return {"action": "result", "r-members": members, "r-attending": attending, "r-agree": agree,
            "r-disagree": disagree, "r-abstain": abstain, "r-opinion": opinion}


@pytest.mark.parametrize("data, message", [
    (tally(members=""), "请填写应到人数。"),
    (tally(agree="八"), "同意票应为整数。"),
    (tally(disagree="-1"), "不同意票不能为负数。"),
    (tally(members="0", attending="0", agree="0", disagree="0"), "应到人数应大于0。"),
    (tally(members="9", attending="10"), "实到人数不能多于应到人数。"),
    (tally(members="25", attending="16", agree="12", disagree="4"), "实到16人，不足应到人数的三分之二，表决无效。"),
    (tally(agree="6", disagree="2"), "同意、不同意、弃权票数之和（8）应等于实到人数（9）。"),
])
def test_the_committee_result_needs_a_valid_tally(org, data, message):
    application = walk(org, filed(org), to="accepted")
    login(org.client, org.committee)
    refused(org, application, "committee", data, message)


@pytest.mark.parametrize("counts, message", [
    ((9, 10, 6, 4, 0), "实到人数不能多于应到人数。"),
    ((25, 16, 12, 4, 0), "实到16人，不足应到人数的三分之二，表决无效。"),
    ((9, 9, 6, 2, 0), "同意、不同意、弃权票数之和（8）应等于实到人数（9）。"),
])
def test_the_service_refuses_a_tally_that_cannot_stand(org, counts, message):
    application = walk(org, filed(org), to="accepted")
    before = state(application)
    with pytest.raises(chain.ChainError, match=re.escape(message)):
        chain.committee_result(actor=org.committee, pk=application.pk, tally=chain.Tally(*counts))
    assert state(application) == before
