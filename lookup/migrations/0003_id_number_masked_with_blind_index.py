"""Search documents keep the ID number masked (all a result shows) and its blind index (exact search), never the
clear number. Existing documents are rewritten in batches; backwards they keep the masked number (lookup_rebuild
writes every document again from the records and applications)."""

from core.masking import mask_id_number
from core.personal_data import blind_index
from django.db import migrations, models


def mask_documents(apps, schema_editor):
    Document = apps.get_model("lookup", "Document")
    last = 0
    while batch := list(Document.objects.filter(pk__gt=last).order_by("pk")[:1000]):
        for document in batch:
            if document.id_number and "*" not in document.id_number:
                document.id_number_bidx = blind_index(document.id_number)
                document.id_number = mask_id_number(document.id_number)
        Document.objects.bulk_update(batch, ["id_number", "id_number_bidx"])
        last = batch[-1].pk


class Migration(migrations.Migration):

    dependencies = [
        ('lookup', '0002_bigram_index'),
        ('orgs', '0004_personal_numbers_encrypted'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='document',
            name='lookup_document_id_number',
        ),
        migrations.AddField(
            model_name='document',
            name='id_number_bidx',
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.AddIndex(
            model_name='document',
            index=models.Index(fields=['id_number_bidx'], name='lookup_document_id_bidx'),
        ),
        migrations.RunPython(mask_documents, migrations.RunPython.noop, elidable=False),
    ]
