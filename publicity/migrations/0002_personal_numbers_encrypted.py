"""Personal numbers encrypted at rest with a blind index where they are looked up (core.personal_data): the
columns become text, the existing rows are encrypted in batches and their blind indexes filled; reversible."""

import core.fields
from core.personal_data import encrypt_in_migration
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('publicity', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='objection',
            name='phone_bidx',
            field=core.fields.BlindIndexField(source='phone'),
        ),
        migrations.AlterField(
            model_name='objection',
            name='phone',
            field=core.fields.EncryptedCharField(max_length=11, verbose_name='联系电话'),
        ),
        encrypt_in_migration("publicity.Objection", {"phone": "phone_bidx"}),
    ]
