"""An application's place in its chain becomes one stage key (review/stages.toml) instead of a node plus a
status, and every decision taken on it so far becomes a Decision row with its typed facts: the committee's counts
read back from the flow's text (表决情况：应到9人，实到9人；同意8票，不同意0票，弃权1票), the unit's latest
recommendation and vacancy, the acceptance date, the sections a return named. The flow entries name the new
stages (评委会: committee_accept or committee_result; the bureau's confirmation: bureau_confirm)."""

import datetime
import hashlib
import json
import re

from django.db import migrations, models

REVIEW_STAGES = ["unit", "department", "bureau"]
# (node, action) → (stage, decision): the decisions of the chain as the flow recorded them.
DECIDED = {
    **{(node, action): (node, action) for node in REVIEW_STAGES for action in ("approve", "return", "terminate")},
    ("committee", "accept"): ("committee_accept", "accept"),
    ("committee", "return"): ("committee_accept", "return"),
    ("committee", "result_pass"): ("committee_result", "result_pass"),
    ("committee", "result_fail"): ("committee_result", "result_fail"),
    ("bureau", "confirm"): ("bureau_confirm", "confirm"),
}
ROLES = {"单位管理员": "unit_admin", "主管部门": "department_reviewer", "人社部门": "bureau_staff",
         "评委会": "committee_staff"}
TALLY = re.compile(r"应到(\d+)人，实到(\d+)人；同意(\d+)票，不同意(\d+)票，弃权(\d+)票")
ACCEPTED = re.compile(r"接收日期：(\d{4}-\d{2}-\d{2})")
RETURNED = re.compile(r"需修改的栏目：([^。]*)。")
# applications/sections.toml as it reads when this migration was written: a return names its sections by label.
SECTIONS = {"个人基本信息": "basic", "学历信息": "education", "资历信息": "qualification",
            "社会团体任职情况": "societies", "专业技术工作经历": "work_history", "继续教育情况": "continuing_education",
            "业绩成果情况": "achievements", "论文情况": "papers", "著作情况": "books", "专利情况": "patents",
            "获奖情况": "awards", "考核信息": "appraisals", "中小学教师": "teacher", "卫生技术": "health",
            "会计审计": "accounting"}


def _hash(snapshot) -> str:
    if snapshot is None:
        return ""
    return hashlib.sha256(json.dumps(snapshot, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _typed(entry, stage: str, decision: str, application) -> dict:
    fields = {}
    if stage == "committee_result" and (counts := TALLY.search(entry.opinion)):
        fields.update(zip(("members", "attending", "agree", "disagree", "abstain"), map(int, counts.groups())))
    if decision == "accept":
        found = ACCEPTED.search(entry.opinion)
        fields["accepted_on"] = (datetime.date.fromisoformat(found.group(1)) if found
                                 else application.committee_accepted_at)
    if decision == "return" and (named := RETURNED.search(entry.opinion)):
        fields["return_sections"] = [SECTIONS[label] for label in named.group(1).split("、") if label in SECTIONS]
    return fields


def forward(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    FlowEntry = apps.get_model("core", "FlowEntry")
    Decision = apps.get_model("review", "Decision")

    for node in REVIEW_STAGES:
        Application.objects.filter(status="submitted", node=node).update(stage=node)
    Application.objects.filter(status="submitted", node="committee").update(stage="committee_accept")
    Application.objects.filter(status="accepted").update(stage="committee_result")
    Application.objects.filter(status="passed").update(stage="bureau_confirm")

    flows = FlowEntry.objects.filter(subject_type="application")
    decided_ids = flows.filter(action__in={action for _, action in DECIDED}).values("subject_id")
    for application in Application.objects.filter(pk__in=decided_ids).order_by("pk").iterator(chunk_size=500):
        steps = list(flows.filter(subject_id=application.pk).order_by("at", "pk"))
        filed_at = max((e.at for e in steps if e.action == "submit"), default=None)
        current = _hash(application.snapshot)
        unit_approvals = [e for e in steps if (e.stage, e.action) == ("unit", "approve")]
        rows = []
        for entry in steps:
            if (entry.stage, entry.action) not in DECIDED:
                continue
            stage, decision = DECIDED[(entry.stage, entry.action)]
            row = Decision(subject_type="application", subject_id=application.pk, stage=stage, decision=decision,
                           actor_id=entry.actor_id, role=ROLES.get(entry.role, ""), at=entry.at,
                           opinion=entry.opinion, entry=entry,
                           snapshot_hash=current if filed_at is None or entry.at >= filed_at else "",
                           **_typed(entry, stage, decision, application))
            if unit_approvals and entry is unit_approvals[-1]:
                # Only the latest recommendation was kept on the application.
                row.recommendation = application.recommendation
                row.vacancy_level = application.vacancy_level
            rows.append(row)
        Decision.objects.bulk_create(rows)

    moves = [("committee", ["accept", "return"], "committee_accept"),
             ("committee", ["result_pass", "result_fail", "defence"], "committee_result"),
             ("bureau", ["confirm"], "bureau_confirm")]
    for old, actions, new in moves:
        flows.filter(stage=old, action__in=actions).update(stage=new)


def backward(apps, schema_editor):
    FlowEntry = apps.get_model("core", "FlowEntry")
    apps.get_model("review", "Decision").objects.filter(subject_type="application").delete()
    flows = FlowEntry.objects.filter(subject_type="application")
    flows.filter(stage__in=["committee_accept", "committee_result"]).update(stage="committee")
    flows.filter(stage="bureau_confirm").update(stage="bureau")


class Migration(migrations.Migration):

    dependencies = [
        ("applications", "0005_review_xlsx_reprint"),
        ("review", "0006_decisions"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="stage",
            field=models.CharField(blank=True, max_length=40, verbose_name="流程环节"),
        ),
        migrations.RunPython(forward, backward),
    ]
