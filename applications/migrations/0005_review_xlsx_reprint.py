"""Stored 评审表 workbooks were written before values that a spreadsheet takes for a formula (=, +, -, @, tab,
CR at the start) were kept as text: drop them, and each is made again, safely, when it is next downloaded."""

from django.db import migrations


def drop_stored_workbooks(apps, schema_editor):
    PrintFile = apps.get_model("applications", "PrintFile")
    for stored in PrintFile.objects.filter(kind="review_xlsx").iterator():
        stored.file.delete(save=False)
        stored.delete()


class Migration(migrations.Migration):
    dependencies = [("applications", "0004_plan_pass_share")]

    operations = [migrations.RunPython(drop_stored_workbooks, migrations.RunPython.noop)]
