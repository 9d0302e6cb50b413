"""A person's account name was her ID number: it becomes a handle derived from the number's blind index
(accounts.models.person_username), so that the number is nowhere in clear. People still sign in with the number.
Reversible."""

from core.personal_data import blind_index
from django.db import migrations


def _handle(id_number):
    return "P" + blind_index(id_number)[:24].upper()


def _people(User):
    last = 0
    while batch := list(User.objects.filter(pk__gt=last, kind="person").order_by("pk")[:1000]):
        yield batch
        last = batch[-1].pk


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for batch in _people(User):
        changed = [u for u in batch if u.id_number and u.username == u.id_number]
        for user in changed:
            user.username = _handle(user.id_number)
        User.objects.bulk_update(changed, ["username"])


def backwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for batch in _people(User):
        changed = [u for u in batch if u.id_number and u.username == _handle(u.id_number)]
        for user in changed:
            user.username = user.id_number
        User.objects.bulk_update(changed, ["username"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0010_personal_numbers_encrypted"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
