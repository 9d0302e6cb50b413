"""Personal numbers encrypted at rest with a blind index where they are looked up (core.personal_data): the
columns become text, the existing rows are encrypted in batches and their blind indexes filled; reversible."""

import core.fields
from core.personal_data import encrypt_in_migration
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0003_unit_fax_legal_rep_id'),
    ]

    operations = [
        migrations.AlterField(
            model_name='unit',
            name='contact_phone',
            field=core.fields.EncryptedCharField(blank=True, max_length=11, verbose_name='手机号码'),
        ),
        migrations.AlterField(
            model_name='unit',
            name='legal_rep_id_number',
            field=core.fields.EncryptedCharField(blank=True, max_length=18, verbose_name='法定代表人身份证号码'),
        ),
        migrations.AlterField(
            model_name='unit',
            name='legal_rep_phone',
            field=core.fields.EncryptedCharField(blank=True, max_length=20, verbose_name='法定代表人电话'),
        ),
        encrypt_in_migration("orgs.Unit", {"legal_rep_phone": None, "legal_rep_id_number": None, "contact_phone": None}),
    ]
