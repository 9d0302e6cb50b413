"""撤回: on an approved record the owner asks, the unit admin grants (back to 编辑中) or refuses with a reason;
撤回记录 lists the requests with filters; a province may switch withdrawal off."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from applications.models import Application, Citation, Committee, Plan
from dossier import services
from dossier.citations import record_is_cited
from dossier.models import Record, Status, Withdrawal
from review import services as review_services

from .support import login, make_record, page_messages, row_ids

pytestmark = pytest.mark.django_db


def test_a_withdrawal_request_on_an_approved_record_is_pending_and_a_second_one_refused(client, owner, admin):
    record = make_record(owner, "honour", status=Status.APPROVED, admin=admin)
    login(client, owner)
    assert f"/dossier/r/{record.pk}/withdraw/" in client.get("/dossier/k/honour/").content.decode()

    response = client.post(f"/dossier/r/{record.pk}/withdraw/", {"reason": "获奖名称填写错误"}, follow=True)
    assert "撤回申请已提交，等待单位处理。" in page_messages(response)
    withdrawal = Withdrawal.objects.get(record=record)
    assert (withdrawal.state, withdrawal.reason, withdrawal.unit) == (Withdrawal.State.PENDING, "获奖名称填写错误", owner.unit)
    assert Record.objects.get(pk=record.pk).status == Status.APPROVED

    response = client.post(f"/dossier/r/{record.pk}/withdraw/", follow=True)
    assert "该业绩已有待处理的撤回申请。" in page_messages(response)
    with pytest.raises(services.RecordError, match="该业绩已有待处理的撤回申请。"):
        services.withdrawal_request(actor=owner, record=record)
    assert Withdrawal.objects.filter(record=record).count() == 1


def test_a_granted_withdrawal_makes_the_record_editable_and_shows_in_the_flow(client, owner, admin):
    record = make_record(owner, "honour", status=Status.APPROVED, admin=admin)
    withdrawal = services.withdrawal_request(actor=owner, record=record, reason="授予单位有误")
    review_services.withdrawal_decide(actor=admin, withdrawal=withdrawal, grant=True)

    record.refresh_from_db()
    withdrawal.refresh_from_db()
    assert record.status == Status.DRAFT and record.editable
    assert (withdrawal.state, withdrawal.decided_by) == (Withdrawal.State.GRANTED, admin)
    assert withdrawal.decided_at is not None

    login(client, owner)
    assert client.get(f"/dossier/r/{record.pk}/edit/").status_code == 200
    drawer = client.get(f"/dossier/r/{record.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert drawer.index("申请撤回 <span") < drawer.index("同意撤回 <span")
    assert "意见：授予单位有误" in drawer
    # A new request is possible once the record is approved again; the old one stays as history.
    services.record_submit(actor=owner, record=record)
    review_services.record_decide(actor=admin, record=record, decision="approve")
    services.withdrawal_request(actor=owner, record=record)
    assert list(Withdrawal.objects.filter(record=record).values_list("state", flat=True)) == ["pending", "granted"]


@pytest.mark.parametrize("opinion", ["", "  "])
def test_refusing_a_withdrawal_needs_a_reason(owner, admin, opinion):
    record = make_record(owner, "honour", status=Status.APPROVED, admin=admin)
    withdrawal = services.withdrawal_request(actor=owner, record=record)
    with pytest.raises(services.RecordError, match="不同意撤回时必须填写理由。"):
        review_services.withdrawal_decide(actor=admin, withdrawal=withdrawal, grant=False, opinion=opinion)
    withdrawal.refresh_from_db()
    assert withdrawal.state == Withdrawal.State.PENDING

    review_services.withdrawal_decide(actor=admin, withdrawal=withdrawal, grant=False, opinion="该业绩已用于年度考核")
    withdrawal.refresh_from_db()
    assert (withdrawal.state, withdrawal.opinion) == (Withdrawal.State.REFUSED, "该业绩已用于年度考核")
    assert Record.objects.get(pk=record.pk).status == Status.APPROVED
    with pytest.raises(services.RecordError, match="该撤回申请已处理。"):
        review_services.withdrawal_decide(actor=admin, withdrawal=withdrawal, grant=True)


def test_only_the_admin_of_the_records_unit_decides_a_withdrawal(owner, admin, other_admin):
    record = make_record(owner, "honour", status=Status.APPROVED, admin=admin)
    withdrawal = services.withdrawal_request(actor=owner, record=record)
    for actor in (other_admin, owner):
        for grant in (True, False):
            with pytest.raises(PermissionDenied):
                review_services.withdrawal_decide(actor=actor, withdrawal=withdrawal, grant=grant, opinion="理由")
    withdrawal.refresh_from_db()
    assert withdrawal.state == Withdrawal.State.PENDING
    assert Record.objects.get(pk=record.pk).status == Status.APPROVED


def test_the_withdrawals_page_lists_requests_and_its_filters_work(client, owner, admin, stranger):
    honour = make_record(owner, "honour", status=Status.APPROVED, admin=admin, seed="甲")
    patent = make_record(owner, "patent", status=Status.APPROVED, admin=admin, seed="乙")
    paper = make_record(owner, "paper", status=Status.APPROVED, admin=admin, seed="丙")
    theirs = make_record(stranger, "honour", status=Status.APPROVED, admin=admin, seed="丁")
    services.withdrawal_request(actor=owner, record=honour)  # pending
    review_services.withdrawal_decide(actor=admin, withdrawal=services.withdrawal_request(actor=owner, record=patent),
                               grant=True)  # granted: the record is back to 编辑中
    review_services.withdrawal_decide(actor=admin, withdrawal=services.withdrawal_request(actor=owner, record=paper),
                               grant=False, opinion="不予撤回")  # refused
    services.withdrawal_request(actor=stranger, record=theirs)

    login(client, owner)

    def titles(**filters):
        response = client.get("/dossier/withdrawals/", filters)
        assert response.status_code == 200
        html = response.content.decode()
        return sorted(r.title for r in (honour, patent, paper, theirs) if f"<td>{r.title}</td>" in html)

    page = client.get("/dossier/withdrawals/").content.decode()
    for header in ("业绩类别", "业绩名称", "申请时间", "处理情况", "状态", "查看"):
        assert f"<th>{header}</th>" in page
    assert titles() == sorted([honour.title, patent.title, paper.title])
    assert titles(name="乙") == [patent.title]
    assert titles(kind="paper") == [paper.title]
    assert titles(state="pending") == [honour.title]
    assert titles(state="granted") == [patent.title]
    assert titles(state="refused") == [paper.title]
    assert titles(status="draft") == [patent.title]
    assert titles(status="approved") == sorted([honour.title, paper.title])
    assert titles(kind="honour", state="refused") == []
    assert "不予撤回" in client.get("/dossier/withdrawals/", {"state": "refused"}).content.decode()


def test_a_province_without_withdrawal_refuses_the_request(client, owner, admin, catalogue_override):
    record = make_record(owner, "honour", status=Status.APPROVED, admin=admin)
    catalogue_override("""
        [settings]
        withdrawal = false
    """)
    with pytest.raises(services.RecordError, match="不支持撤回"):
        services.withdrawal_request(actor=owner, record=record)
    login(client, owner)
    page = client.get("/dossier/k/honour/").content.decode()
    assert row_ids(page) == [record.pk] and f"/dossier/r/{record.pk}/withdraw/" not in page
    response = client.post(f"/dossier/r/{record.pk}/withdraw/", follow=True)
    assert "表彰奖励不支持撤回。" in page_messages(response)
    assert not Withdrawal.objects.exists()


def test_a_kind_declared_not_withdrawable_refuses_the_request(owner, admin, catalogue_override):
    record = make_record(owner, "honour", status=Status.APPROVED, admin=admin)
    catalogue_override("""
        [kinds.honour]
        withdrawable = false
    """)
    with pytest.raises(services.RecordError, match="表彰奖励不支持撤回。"):
        services.withdrawal_request(actor=owner, record=record)
    assert not Withdrawal.objects.exists()


def test_a_record_is_cited_only_by_a_filed_application(owner, admin):
    record = make_record(owner, "honour", status=Status.APPROVED, admin=admin)
    assert record_is_cited(record) is False
    committee = Committee.objects.create(name="评委会", series="卫生技术", levels=["副高"], bureau=owner.unit)
    plan = Plan.objects.create(year=2026, name="计划", committee=committee, levels=["副高"], series=["卫生技术"],
                               opens_on=datetime.date(2026, 1, 1), closes_on=datetime.date(2026, 12, 31))
    application = Application.objects.create(applicant=owner, plan=plan, unit=owner.unit, series="卫生技术", level="副高")
    Citation.objects.create(application=application, record=record, section="awards", row_id="r1")
    assert record_is_cited(record) is False  # a draft application does not hold the record
    Application.objects.filter(pk=application.pk).update(status=Application.Status.SUBMITTED)
    assert record_is_cited(record) is True
    with pytest.raises(services.RecordError, match="已被职称申报引用"):
        services.withdrawal_request(actor=owner, record=record)
