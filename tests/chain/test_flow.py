"""The flow (审批流程) of a filed application: every step names its node, person, role, time and opinion, keeps its
attachments (公示证明); the applicant's detail page shows every step and the certificate number; section 1 shows
评委会接收 and the number; the prints show the number once the bureau has confirmed."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import chain
from applications.models import Application
from core.models import FlowAttachment, FlowEntry
from tests.applications.support import flat, login, pdf_text
from tests.helpers import fetch_print

from .support import filed, proof, recommendation, walk

pytestmark = pytest.mark.django_db
S = Application.Status


def test_every_step_is_in_the_flow_with_its_node_person_time_and_opinion(org):
    started = timezone.now()
    application = filed(org)
    chain.claim(actor=org.clerk, stage="unit", pk=application.pk)
    chain.decide(actor=org.clerk, stage="unit", pk=application.pk, decision="approve",
                 recommendation=recommendation(org, opinion="该同志业绩突出，同意推荐。"),
                 proofs=[proof("公示照片.jpg"), proof("公示文件.jpg")], opinion="")
    walk(org, application, to="confirmed")
    application.refresh_from_db()

    flow = list(FlowEntry.objects.filter(subject_type="application", subject_id=application.pk).order_by("at", "pk"))
    steps = [(e.action, e.stage, e.actor_name, e.role) for e in flow]
    assert steps == [
        ("claim", "unit", "经办人甲", "单位管理员"),
        ("approve", "unit", "经办人甲", "单位管理员"),
        ("approve", "department", "主管部门黄敏", "主管部门"),
        ("approve", "bureau", "人社厅郑强", "人社部门"),
        ("accept", "committee_accept", "评委会吴昊", "评委会"),
        ("result_pass", "committee_result", "评委会吴昊", "评委会"),
        ("confirm", "bureau_confirm", "人社厅郑强", "人社部门"),
    ]
    assert all(started <= e.at <= timezone.now() for e in flow)
    assert [e.at for e in flow] == sorted(e.at for e in flow)
    by_action = {e.action: e for e in flow}
    assert flow[1].opinion == "该同志业绩突出，同意推荐。"  # the recommendation is the unit's opinion
    assert flow[2].opinion == "同意"
    assert by_action["accept"].opinion == f"接收日期：{timezone.localdate():%Y-%m-%d}"
    assert by_action["result_pass"].opinion == "表决通过"
    assert by_action["confirm"].opinion == f"证书编号：{application.certificate_no}"
    assert [(f.label, f.name) for f in flow[1].attachments.all()] == [("公示证明", "公示照片.jpg"),
                                                                      ("公示证明", "公示文件.jpg")]
    assert FlowAttachment.objects.filter(entry__in=flow).count() == 2
    assert (flow[1].from_status, flow[1].to_status) == (S.SUBMITTED, S.SUBMITTED)
    assert (by_action["confirm"].from_status, by_action["confirm"].to_status) == (S.PASSED, S.CONFIRMED)
    assert application.recommendation["publicity_from"] == org.publicity[0].isoformat()


def test_a_decisions_attachments_open_for_the_nodes_and_the_applicant(org):
    application = walk(org, filed(org), to="department")
    attachment = FlowAttachment.objects.get(entry__subject_id=application.pk)
    client = login(org.client, org.reviewer)
    response = client.get(reverse("chain:flow_file", args=["department", application.pk, attachment.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    page = client.get(reverse("chain:review", args=["department", application.pk])).content.decode()
    assert "公示证明" in page and reverse("chain:flow_file", args=["department", application.pk, attachment.pk]) in page
    login(client, application.applicant)
    assert client.get(reverse("applications:flow_file", args=[application.pk, attachment.pk])).status_code == 200


def test_the_applicant_sees_every_step_the_acceptance_and_the_number(org):
    application = walk(org, filed(org), to="passed")
    client = login(org.client, application.applicant)
    basic = reverse("applications:section", args=[application.pk, "basic"])
    detail = reverse("applications:detail", args=[application.pk])
    page = client.get(basic).content.decode()
    accepted = application.committee_accepted_at
    assert f"已接收（{accepted:%Y-%m-%d}）" in page
    assert "评审通过并经人社部门确认后生成" in page
    before = pdf_text(fetch_print(client, reverse("applications:print", args=[application.pk, "brief.pdf"])).content)

    application = walk(org, application, to="confirmed")
    number = application.certificate_no
    page = client.get(detail).content.decode()
    assert f'data-testid="certificate-no">{number}<' in page
    assert f"评委会接收日期：{accepted:%Y-%m-%d}" in page
    flow = page[page.index('data-testid="flow"'):]
    steps = re.findall(r'<span class="badge[^"]*">(\w+)</span>(\w+) <span class="text-muted fw-normal small">· (\w+)（', flow)
    assert steps == [("用人单位", "通过", "经办人甲"), ("主管部门", "通过", "主管部门黄敏"), ("人社部门", "通过", "人社厅郑强"),
                     ("评委会", "评委会接收", "评委会吴昊"), ("评委会", "评审通过", "评委会吴昊"),
                     ("人社部门", "确认发证", "人社厅郑强")]
    assert flow.count("zc-flow-step") == 6
    assert "公示证明：" in flow and timezone.localtime().strftime("%Y-%m-%d") in flow
    assert "表决通过" in page and f"证书编号：{number}" in page
    page = client.get(basic).content.decode()
    assert f'data-testid="certificate-no">{number}<' in page and f"已接收（{accepted:%Y-%m-%d}）" in page

    after = pdf_text(fetch_print(client, reverse("applications:print", args=[application.pk, "brief.pdf"])).content)
    assert number not in flat(before) and number in flat(after)
    assert "证书编号" in flat(after)
    # The reviewers' print of the same application shows it too.
    login(client, org.bureau)
    reviewer_print = fetch_print(client, reverse("chain:print", args=["bureau", application.pk, "brief.pdf"])).content
    assert number in flat(pdf_text(reviewer_print))


def test_a_filed_application_is_not_yet_accepted_on_section_one(org):
    application = filed(org)
    client = login(org.client, application.applicant)
    page = client.get(reverse("applications:section", args=[application.pk, "basic"])).content.decode()
    assert 'data-testid="committee-accepted">未接收<' in page
    walk(org, application, to="committee")
    chain.committee_accept(actor=org.committee, pk=application.pk,
                           accepted_on=timezone.localdate() - datetime.timedelta(days=0))
    page = client.get(reverse("applications:section", args=[application.pk, "basic"])).content.decode()
    assert f"已接收（{timezone.localdate():%Y-%m-%d}）" in page
