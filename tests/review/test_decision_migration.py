"""The move to one review engine keeps everything: the database is taken back to the state before it (the flow log
in review, applications with a node and reached_* flags, decisions only as flow text), a walked chain and record
decisions are written there with the models of that state, and the migrations run forward. Every application is
still there with its stage, every decision is a row with its typed facts (the committee's counts as integers read
back from the flow's text), every flow step keeps its label, and each desk sees what it saw before."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.models import Role
from applications.models import Application
from applications.services import snapshot_hash
from core.models import FlowEntry
from dossier.models import Record, Status, Withdrawal
from review import desks
from review.models import Decision
from tests.chain.support import staff
from tests.factories import PersonFactory, PlanFactory, UnitFactory, bureau_staff, unit_admin

BEFORE = [("applications", "0005_review_xlsx_reprint"), ("review", "0004_defence_action"), ("core", None)]
TALLY = "表决情况：应到9人，实到9人；同意8票，不同意0票，弃权1票；专家组一致认为业绩突出"


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1]]).apps  # (app, None): none of its own


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


class Old:
    """The models as they were, and the walked data written with them."""

    def __init__(self, apps, org):
        self.Application = apps.get_model("applications", "Application")
        self.FlowEntry = apps.get_model("review", "FlowEntry")
        self.FlowAttachment = apps.get_model("review", "FlowAttachment")
        self.org = org
        self.at = timezone.now() - datetime.timedelta(days=30)

    def step(self, subject, pk, actor, role, action, node="", opinion="", **statuses):
        self.at += datetime.timedelta(hours=1)
        return self.FlowEntry.objects.create(subject_type=subject, subject_id=pk, actor_id=actor.pk if actor else None,
                                             actor_name=actor.name if actor else "系统", role=role, action=action,
                                             node=node, opinion=opinion, at=self.at, **statuses)

    def application(self, name, status, node="", reached=(), **fields):
        person = PersonFactory(unit=self.org.unit, name=name, series="工程技术")
        snapshot = {"account": {"name": name}, "sections": {}}
        made = self.Application.objects.create(
            applicant_id=person.pk, plan_id=self.org.plan.pk, unit_id=self.org.unit.pk, status=status, node=node,
            series="工程技术", level="副高", snapshot=snapshot, submitted_at=self.at,
            **{f"reached_{key}": True for key in reached}, **fields)
        self.step("application", made.pk, person, "个人", "create", to_status="draft")
        self.step("application", made.pk, person, "个人", "submit", from_status="draft", to_status="submitted")
        return made


def walk_the_old_chain(old: Old) -> dict:
    o = old.org
    made = {}
    # 陈静: every stage to a certificate number, the unit's recommendation with its proof and a vacancy.
    rec = {"publicity_from": "2026-01-05", "publicity_to": "2026-01-09", "opinion": "同意推荐。", "takes_vacancy": True,
           "vacancy_note": ""}
    a = made["confirmed"] = old.application("陈静", "confirmed", reached=("unit", "department", "bureau", "committee"),
                                            recommendation=rec, vacancy_level="associate", certificate_no="2026WS200001",
                                            committee_accepted_at=datetime.date(2026, 2, 3))
    old.step("application", a.pk, o.clerk, "单位管理员", "claim", "unit", from_status="submitted", to_status="submitted")
    approval = old.step("application", a.pk, o.clerk, "单位管理员", "approve", "unit", "同意推荐。",
                        from_status="submitted", to_status="submitted")
    old.FlowAttachment.objects.create(entry=approval, label="公示证明", file="flow/2026/01/x", name="公示.jpg", size=3,
                                      content_type="image/jpeg")
    old.step("application", a.pk, o.reviewer, "主管部门", "approve", "department", "同意")
    old.step("application", a.pk, o.bureau, "人社部门", "approve", "bureau", "资格审查通过")
    old.step("application", a.pk, o.committee, "评委会", "accept", "committee", "接收日期：2026-02-03")
    old.step("application", a.pk, o.committee, "评委会", "defence", "committee", "福州，第1号")
    old.step("application", a.pk, o.committee, "评委会", "result_pass", "committee", TALLY,
             from_status="accepted", to_status="passed")
    old.step("application", a.pk, o.bureau, "人社部门", "confirm", "bureau", "证书编号：2026WS200001",
             from_status="passed", to_status="confirmed")
    # 王磊: returned by the department, naming two sections.
    b = made["returned"] = old.application("王磊", "returned", reached=("unit", "department"))
    old.step("application", b.pk, o.clerk, "单位管理员", "approve", "unit", "同意推荐。")
    old.step("application", b.pk, o.reviewer, "主管部门", "return", "department",
             "需修改的栏目：学历信息、论文情况。请补充学位证书")
    # Three waiting: at the committee office, in review, for the bureau's confirmation; one failed.
    for key, status, node, reached in (("incoming", "submitted", "committee", ("unit", "department", "bureau", "committee")),
                                       ("accepted", "accepted", "", ("unit", "department", "bureau", "committee")),
                                       ("passed", "passed", "", ("unit", "department", "bureau", "committee")),
                                       ("failed", "failed", "", ("unit", "department", "bureau", "committee")),
                                       ("at_unit", "submitted", "unit", ("unit",))):
        application = made[key] = old.application(f"申报人{key}", status, node=node, reached=reached)
        for stage, actor, role in (("unit", o.clerk, "单位管理员"), ("department", o.reviewer, "主管部门"),
                                   ("bureau", o.bureau, "人社部门")):
            if stage in reached and (stage != "unit" or "department" in reached):
                old.step("application", application.pk, actor, role, "approve", stage, "同意")
        if status in ("accepted", "passed", "failed"):
            old.step("application", application.pk, o.committee, "评委会", "accept", "committee", "接收日期：2026-02-03")
        if status in ("passed", "failed"):
            old.step("application", application.pk, o.committee, "评委会",
                     "result_pass" if status == "passed" else "result_fail", "committee",
                     "表决情况：应到25人，实到17人；同意12票，不同意5票，弃权0票" if status == "passed" else "赞成票未达三分之二")
    made["draft"] = old.application("申报人draft", "draft")
    # Records: approved, returned, a granted and a refused withdrawal.
    owner = PersonFactory(unit=o.unit, name="周明")
    records = {}
    for key, status in (("approved", Status.APPROVED), ("returned", Status.RETURNED), ("granted", Status.DRAFT),
                        ("refused", Status.APPROVED)):
        record = records[key] = Record.objects.create(owner=owner, unit=o.unit, kind="honour", status=status,
                                                      data={"name": key}, title=key, submitted_at=old.at)
        old.step("record", record.pk, owner, "个人", "submit", from_status="draft", to_status="pending")
        old.step("record", record.pk, o.clerk, "单位管理员", "return" if key == "returned" else "approve",
                 opinion="请补充" if key == "returned" else "")
    for key, action in (("granted", "withdraw_grant"), ("refused", "withdraw_refuse")):
        Withdrawal.objects.create(record=records[key], unit=o.unit, state=key, decided_by=o.clerk,
                                  opinion="不予撤回" if key == "refused" else "")
        old.step("record", records[key].pk, o.clerk, "单位管理员", action,
                 opinion="不予撤回" if key == "refused" else "")
    made["records"] = records
    return made


def desk_sees(user, desk, application) -> bool:
    return desks.desk_subjects(user, desks.desk_get(desk)).filter(pk=application.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_every_application_decision_and_count_is_carried_over(regions):
    department = UnitFactory(name="福州市卫生健康委员会")
    org = type("Org", (), {})()
    org.unit = UnitFactory(name="福州市第一医院", department=department)
    org.plan = PlanFactory(chain=["unit", "department", "bureau", "committee"])
    org.clerk = unit_admin(org.unit, name="经办人甲")
    org.reviewer = staff(Role.DEPARTMENT_REVIEWER, department, name="主管部门黄敏")
    org.bureau = bureau_staff(name="人社厅郑强")
    org.committee = staff(Role.COMMITTEE_STAFF, org.plan.committee.bureau, name="评委会吴昊")
    try:
        old = Old(_migrate(BEFORE), org)
        made = walk_the_old_chain(old)
        reached = {key: {n for n in ("unit", "department", "bureau", "committee") if getattr(a, f"reached_{n}")}
                   for key, a in made.items() if key != "records"}
        entries = old.FlowEntry.objects.count()
    finally:
        _migrate(_latest())

    # Every application, where it stood.
    applications = {key: Application.objects.get(pk=a.pk) for key, a in made.items() if key != "records"}
    assert len(applications) == Application.objects.count() == 8
    assert {key: (a.status, a.stage) for key, a in applications.items()} == {
        "confirmed": ("confirmed", ""), "returned": ("returned", ""), "incoming": ("submitted", "committee_accept"),
        "accepted": ("accepted", "committee_result"), "passed": ("passed", "bureau_confirm"),
        "failed": ("failed", ""), "at_unit": ("submitted", "unit"), "draft": ("draft", ""),
    }

    # Every flow step, with its label and its stage.
    assert FlowEntry.objects.count() == entries and not FlowEntry.objects.filter(action_label="").exists()
    a = applications["confirmed"]
    flow = FlowEntry.objects.filter(subject_type="application", subject_id=a.pk).order_by("at", "pk")
    assert [(e.action_label, e.stage) for e in flow] == [
        ("新增", ""), ("提交", ""), ("领取", "unit"), ("通过", "unit"), ("通过", "department"), ("通过", "bureau"),
        ("评委会接收", "committee_accept"), ("答辩安排", "committee_result"), ("评审通过", "committee_result"),
        ("确认发证", "bureau_confirm")]
    assert flow[3].attachments.get().name == "公示.jpg"

    # Every decision a row, the facts typed.
    rows = list(Decision.objects.filter(subject_type="application", subject_id=a.pk).order_by("at"))
    assert [(d.stage, d.decision, d.role) for d in rows] == [
        ("unit", "approve", "unit_admin"), ("department", "approve", "department_reviewer"),
        ("bureau", "approve", "bureau_staff"), ("committee_accept", "accept", "committee_staff"),
        ("committee_result", "result_pass", "committee_staff"), ("bureau_confirm", "confirm", "bureau_staff")]
    assert all(d.entry.action == d.decision and d.actor_id for d in rows)
    assert all(d.snapshot_hash == snapshot_hash(a.snapshot) for d in rows)  # all made on the filed snapshot
    assert (rows[0].recommendation["opinion"], rows[0].vacancy_level) == ("同意推荐。", "associate")
    assert rows[3].accepted_on == datetime.date(2026, 2, 3)
    result = rows[4]
    assert (result.members, result.attending, result.agree, result.disagree, result.abstain) == (9, 9, 8, 0, 1)
    assert result.opinion == TALLY
    returned = Decision.objects.get(subject_type="application", subject_id=applications["returned"].pk, decision="return")
    assert (returned.stage, returned.return_sections) == ("department", ["education", "papers"])
    counted = Decision.objects.get(subject_type="application", subject_id=applications["passed"].pk, stage="committee_result")
    assert (counted.members, counted.attending, counted.agree, counted.disagree, counted.abstain) == (25, 17, 12, 5, 0)
    failed = Decision.objects.get(subject_type="application", subject_id=applications["failed"].pk, stage="committee_result")
    assert (failed.decision, failed.members) == ("result_fail", None)  # no counts in its text: none invented
    assert Decision.objects.filter(subject_type="application").count() == 6 + 2 + 3 + 4 + 5 + 5 + 0

    # Records: every decision of the unit a row at its stage.
    records = made["records"]
    assert sorted(Decision.objects.filter(subject_type="record").values_list("subject_id", "stage", "decision")) == \
        sorted([(records["approved"].pk, "record_unit", "approve"), (records["returned"].pk, "record_unit", "return"),
                (records["granted"].pk, "record_unit", "approve"), (records["refused"].pk, "record_unit", "approve"),
                (records["granted"].pk, "record_withdrawal", "withdraw_grant"),
                (records["refused"].pk, "record_withdrawal", "withdraw_refuse")])

    # Each desk sees what it saw: the applications that had reached it (the bureau also those awaiting or given its
    # confirmation).
    staff_of = {"unit": org.clerk, "department": org.reviewer, "bureau": org.bureau, "committee": org.committee}
    for key, application in applications.items():
        for desk, user in staff_of.items():
            was = desk in reached[key] or (desk == "bureau" and application.status in ("passed", "confirmed"))
            assert desk_sees(user, desk, application) == was, (key, desk)
