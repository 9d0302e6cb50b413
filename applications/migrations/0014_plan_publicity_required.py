"""Plan.publicity_required (需结果公示): new plans require the result publicity; plans that existed before keep what
the former global switch PUBLICITY_REQUIRED said for them (off unless the deployment turned it on)."""

import environ
from django.db import migrations, models

HELP = "勾选后，评审通过人员须经结果公示期满且无未办结异议方可确认发证"


def existing_plans_keep_the_switch(apps, schema_editor):
    Plan = apps.get_model("applications", "Plan")
    Plan.objects.update(publicity_required=environ.Env().bool("PUBLICITY_REQUIRED", default=False))


class Migration(migrations.Migration):

    dependencies = [
        ("applications", "0013_historicalplan_papers_need_plagiarism"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalplan",
            name="publicity_required",
            field=models.BooleanField(default=True, help_text=HELP, verbose_name="需结果公示"),
        ),
        migrations.AddField(
            model_name="plan",
            name="publicity_required",
            field=models.BooleanField(default=True, help_text=HELP, verbose_name="需结果公示"),
        ),
        migrations.RunPython(existing_plans_keep_the_switch, migrations.RunPython.noop),
    ]
