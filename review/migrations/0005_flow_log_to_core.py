"""The flow log now belongs to core (core 0001 took over its tables); review keeps decisions only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("review", "0004_defence_action"),
        ("core", "0001_flow_log"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.DeleteModel(name="FlowAttachment"),
            migrations.DeleteModel(name="FlowEntry"),
        ]),
    ]
