"""The authentication log's rows move, oldest first, into the one audit log (core.AuditEvent), chained as they
go."""

from django.db import migrations

from core.models import AUDIT_GENESIS, audit_hash


def move_events(apps, schema_editor):
    AuthEvent = apps.get_model("accounts", "AuthEvent")
    AuditEvent = apps.get_model("core", "AuditEvent")
    previous = AuditEvent.objects.order_by("-pk").values_list("hash", flat=True).first() or AUDIT_GENESIS
    for old in AuthEvent.objects.order_by("at", "pk").iterator():
        row = AuditEvent(at=old.at, user_id=old.user_id, username=old.username, role=old.role, ip=old.ip,
                         event=old.event, object=old.object, outcome=old.outcome, prev_hash=previous)
        row.hash = audit_hash(at=row.at, user_id=row.user_id, username=row.username, role=row.role,
                              ip=row.ip, event=row.event, object=row.object, outcome=row.outcome,
                              prev_hash=previous)
        row.save()
        previous = row.hash


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0007_password_changed_at'),
        ('core', '0003_audit_event'),
    ]

    operations = [
        migrations.RunPython(move_events, migrations.RunPython.noop),
        migrations.DeleteModel(
            name='AuthEvent',
        ),
    ]
