"""Staff passwords age from `password_changed_at` (existing accounts start their clock now)."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_alter_smscode_purpose'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='password_changed_at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='密码修改时间'),
        ),
    ]
