"""The flow log's own tables; `action` without choices (a new action is a new string), the Chinese label kept on
every row (filled here for the rows written so far), `node` becomes `stage` (a stage key of review/stages.toml)."""

from django.db import migrations, models

LABELS = {"create": "新增", "save": "保存", "submit": "提交", "approve": "通过", "return": "退回",
          "terminate": "终止", "withdraw_request": "申请撤回", "withdraw_grant": "同意撤回",
          "withdraw_refuse": "不同意撤回", "import": "平台提取", "adjust": "调整", "excel_import": "模板导入",
          "claim": "领取", "accept": "评委会接收", "result_pass": "评审通过", "result_fail": "评审未通过",
          "confirm": "确认发证", "defence": "答辩安排", "delegate": "委托", "delegate_cancel": "取消委托"}


def fill_labels(apps, schema_editor):
    FlowEntry = apps.get_model("core", "FlowEntry")
    for action, label in LABELS.items():
        FlowEntry.objects.filter(action=action, action_label="").update(action_label=label)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_flow_log"),
    ]

    operations = [
        migrations.AlterModelTable(name="flowentry", table=None),
        migrations.AlterModelTable(name="flowattachment", table=None),
        migrations.RenameField(model_name="flowentry", old_name="node", new_name="stage"),
        migrations.AlterField(model_name="flowentry", name="stage",
                              field=models.CharField(blank=True, max_length=40, verbose_name="流程环节")),
        migrations.AlterField(model_name="flowentry", name="action",
                              field=models.CharField(max_length=40, verbose_name="操作")),
        migrations.AddField(model_name="flowentry", name="action_label",
                            field=models.CharField(default="", max_length=40, verbose_name="操作名称"),
                            preserve_default=False),
        migrations.RunPython(fill_labels, migrations.RunPython.noop),
    ]
