"""The snapshot's account ID number and phone encrypted at rest (core.fields.PersonalJSONField). Forwards every
filed snapshot is written again (so encrypted) in batches; backwards each is decrypted before the field becomes a
plain JSONField again."""

import core.fields
from core.personal_data import decrypt, is_encrypted
from django.db import migrations

PATHS = (("account", "id_number"), ("account", "phone"))


def _batches(Application):
    last = 0
    while batch := list(Application.objects.filter(pk__gt=last, snapshot__isnull=False).order_by("pk")[:500]):
        yield batch
        last = batch[-1].pk


def encrypt_snapshots(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    for batch in _batches(Application):
        Application.objects.bulk_update(batch, ["snapshot"])  # the field encrypts as it writes


def decrypt_snapshots(apps, schema_editor):
    Application = apps.get_model("applications", "Application")  # a plain JSONField here: tokens as stored
    for batch in _batches(Application):
        for application in batch:
            account = (application.snapshot or {}).get("account") or {}
            for _, key in PATHS:
                if isinstance(account.get(key), str) and is_encrypted(account[key]):
                    account[key] = decrypt(account[key])
        Application.objects.bulk_update(batch, ["snapshot"])


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0016_review_xlsx_national_layout'),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, decrypt_snapshots, elidable=False),
        migrations.AlterField(
            model_name='application',
            name='snapshot',
            field=core.fields.PersonalJSONField(blank=True, encrypted_paths=[['account', 'id_number'], ['account', 'phone']], null=True),
        ),
        migrations.RunPython(encrypt_snapshots, migrations.RunPython.noop, elidable=False),
    ]
