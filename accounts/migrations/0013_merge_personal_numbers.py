from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0009_merge_second_factor'),
        ('accounts', '0012_export_search_encrypted'),
    ]

    operations = [
    ]
