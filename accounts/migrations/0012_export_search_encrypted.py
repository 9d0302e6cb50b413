"""An export job's search term (which may be an ID number or a phone) stored encrypted (PersonalJSONField):
existing jobs are written again forwards and decrypted backwards."""

import core.fields
from core.personal_data import decrypt, is_encrypted
from django.db import migrations


def encrypt_params(apps, schema_editor):
    ExportJob = apps.get_model("accounts", "ExportJob")
    ExportJob.objects.bulk_update(list(ExportJob.objects.all()), ["params"], batch_size=500)


def decrypt_params(apps, schema_editor):
    ExportJob = apps.get_model("accounts", "ExportJob")  # a plain JSONField here: tokens as stored
    jobs = list(ExportJob.objects.all())
    for job in jobs:
        if isinstance(job.params.get("q"), str) and is_encrypted(job.params["q"]):
            job.params["q"] = decrypt(job.params["q"])
    ExportJob.objects.bulk_update(jobs, ["params"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0011_person_usernames'),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, decrypt_params, elidable=False),
        migrations.AlterField(
            model_name='exportjob',
            name='params',
            field=core.fields.PersonalJSONField(default=dict, encrypted_paths=[['q']]),
        ),
        migrations.RunPython(encrypt_params, migrations.RunPython.noop, elidable=False),
    ]
