"""Every decision taken on a record so far becomes a Decision row at its stage (review/stages.toml): the unit's
通过 / 退回 / 终止 at record_unit, its answers to withdrawal requests at record_withdrawal. Their flow entries name
the stage too."""

from django.db import migrations

STAGES = {"approve": "record_unit", "return": "record_unit", "terminate": "record_unit",
          "withdraw_grant": "record_withdrawal", "withdraw_refuse": "record_withdrawal"}
ROLES = {"单位管理员": "unit_admin"}


def forward(apps, schema_editor):
    FlowEntry = apps.get_model("core", "FlowEntry")
    Decision = apps.get_model("review", "Decision")
    entries = FlowEntry.objects.filter(subject_type="record", action__in=list(STAGES), decision__isnull=True)
    while batch := list(entries.order_by("pk")[:2000]):  # each round takes the entries still without a row
        Decision.objects.bulk_create([
            Decision(subject_type="record", subject_id=e.subject_id, stage=STAGES[e.action], decision=e.action,
                     actor_id=e.actor_id, role=ROLES.get(e.role, "unit_admin"), at=e.at, opinion=e.opinion, entry=e)
            for e in batch])
    for action, stage in STAGES.items():
        FlowEntry.objects.filter(subject_type="record", action=action).update(stage=stage)


def backward(apps, schema_editor):
    apps.get_model("review", "Decision").objects.filter(subject_type="record").delete()
    apps.get_model("core", "FlowEntry").objects.filter(subject_type="record").update(stage="")


class Migration(migrations.Migration):

    dependencies = [
        ("review", "0006_decisions"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
