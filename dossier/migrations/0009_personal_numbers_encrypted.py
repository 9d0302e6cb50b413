"""Personal numbers encrypted at rest with a blind index where they are looked up (core.personal_data): the
columns become text, the existing rows are encrypted in batches and their blind indexes filled; reversible."""

import core.fields
from core.personal_data import encrypt_in_migration
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('dossier', '0008_import_job_attempt'),
    ]

    operations = [
        migrations.AddField(
            model_name='continuingeducationfeed',
            name='id_number_bidx',
            field=core.fields.BlindIndexField(db_index=True, source='id_number'),
        ),
        migrations.AlterField(
            model_name='continuingeducationfeed',
            name='id_number',
            field=core.fields.EncryptedCharField(max_length=18),
        ),
        encrypt_in_migration("dossier.ContinuingEducationFeed", {"id_number": "id_number_bidx"}),
    ]
