"""The 评审表 workbook is now laid out as the national printed form (封面, 评审表, 附页): drop the workbooks stored in
the earlier one-sheet-per-section layout (filed prints and draft previews), and each is made again in the new
layout when it is next downloaded. The filing snapshots they were made from are untouched."""

from django.db import migrations


def drop_stored_workbooks(apps, schema_editor):
    PrintFile = apps.get_model("applications", "PrintFile")
    for stored in PrintFile.objects.filter(kind__in=["review_xlsx", "draft_review_xlsx"]).iterator():
        stored.file.delete(save=False)
        stored.delete()


class Migration(migrations.Migration):
    dependencies = [("applications", "0015_title_names_as_choices")]

    operations = [migrations.RunPython(drop_stored_workbooks, migrations.RunPython.noop)]
