"""ID numbers and phones encrypted at rest with a blind index (core.personal_data): the columns become text,
the existing rows are encrypted in batches and their blind indexes filled; reversible."""

import core.fields
from core.personal_data import encrypt_in_migration
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0009_merge_second_factor'),
    ]

    operations = [
        migrations.AlterField(
            model_name='user',
            name='id_number',
            field=core.fields.EncryptedCharField(blank=True, max_length=18, null=True, verbose_name='身份证号'),
        ),
        migrations.AlterField(
            model_name='user',
            name='phone',
            field=core.fields.EncryptedCharField(blank=True, max_length=11, null=True, verbose_name='手机号'),
        ),
        migrations.AddField(
            model_name='user',
            name='id_number_bidx',
            field=core.fields.BlindIndexField(source='id_number', unique=True),
        ),
        migrations.AddField(
            model_name='user',
            name='phone_bidx',
            field=core.fields.BlindIndexField(source='phone', unique=True),
        ),
        encrypt_in_migration("accounts.User", {"id_number": "id_number_bidx", "phone": "phone_bidx"}),
    ]
