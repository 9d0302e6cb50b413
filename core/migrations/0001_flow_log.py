"""The flow log moves from review to core, as it stands after review 0004: the tables stay, only Django's state
moves (review 0005 drops them from review's state)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import core.models

ACTIONS = [("create", "新增"), ("save", "保存"), ("submit", "提交"), ("approve", "通过"), ("return", "退回"),
           ("terminate", "终止"), ("withdraw_request", "申请撤回"), ("withdraw_grant", "同意撤回"),
           ("withdraw_refuse", "不同意撤回"), ("import", "平台提取"), ("adjust", "调整"), ("excel_import", "模板导入"),
           ("claim", "领取"), ("accept", "评委会接收"), ("result_pass", "评审通过"), ("result_fail", "评审未通过"),
           ("confirm", "确认发证"), ("defence", "答辩安排"), ("delegate", "委托"), ("delegate_cancel", "取消委托")]


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("review", "0004_defence_action"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name="FlowEntry",
                fields=[
                    ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                               verbose_name="ID")),
                    ("subject_type", models.CharField(max_length=16)),
                    ("subject_id", models.BigIntegerField()),
                    ("actor_name", models.CharField(max_length=100, verbose_name="操作人")),
                    ("role", models.CharField(max_length=32, verbose_name="角色")),
                    ("node", models.CharField(blank=True, max_length=16, verbose_name="流程节点")),
                    ("action", models.CharField(choices=ACTIONS, max_length=20, verbose_name="操作")),
                    ("from_status", models.CharField(blank=True, max_length=16)),
                    ("to_status", models.CharField(blank=True, max_length=16)),
                    ("opinion", models.TextField(blank=True, verbose_name="意见")),
                    ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="时间")),
                    ("actor", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL,
                                                related_name="+", to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    "verbose_name": "流程记录",
                    "verbose_name_plural": "流程记录",
                    "ordering": ["at", "pk"],
                    "indexes": [models.Index(fields=["subject_type", "subject_id", "at"], name="flow_subject")],
                    "db_table": "review_flowentry",
                },
            ),
            migrations.CreateModel(
                name="FlowAttachment",
                fields=[
                    ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                               verbose_name="ID")),
                    ("label", models.CharField(max_length=30, verbose_name="附件类型")),
                    ("file", models.FileField(max_length=200, upload_to=core.models.flow_file_path)),
                    ("name", models.CharField(max_length=200)),
                    ("size", models.PositiveIntegerField()),
                    ("content_type", models.CharField(max_length=100)),
                    ("entry", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                                related_name="attachments", to="core.flowentry")),
                ],
                options={"ordering": ["pk"], "db_table": "review_flowattachment"},
            ),
        ]),
    ]
