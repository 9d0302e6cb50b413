"""Migrate the provider's database and load its people and its one client, the platform, from the data files.
Idempotent: run again, it brings the accounts and the client back to what the files say. Called by
`python -m demo_idp` after IDP_DB and IDP_KEY are set."""

import argparse
import os
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo_idp.settings")
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402

from demo_idp.people import load  # noqa: E402


def prepare(people_files: list[Path], redirect_uris: list[str] | None = None) -> dict:
    """The first file gives the password and the client; every file may add people. Returns the first file's data."""
    data = load(people_files[0])
    people = [person for path in people_files for person in load(path).get("people", [])]
    call_command("migrate", verbosity=0, interactive=False)
    for person in people:
        user, _ = User.objects.update_or_create(username=person["username"], defaults={
            "first_name": person["name"], "last_name": "unit" if person.get("unit") else ""})
        user.set_password(data["password"])
        user.save()
    client = data["client"]
    Application.objects.update_or_create(client_id=client["client_id"], defaults={
        "name": "职称申报评审平台", "client_secret": client["client_secret"],
        "client_type": Application.CLIENT_CONFIDENTIAL,
        "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
        "redirect_uris": " ".join(redirect_uris or client["redirect_uris"]),
        "algorithm": Application.RS256_ALGORITHM, "skip_authorization": True,
    })
    return data


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m demo_idp.setup")
    parser.add_argument("--people", type=Path, action="append", required=True)
    parser.add_argument("--redirect-uri", action="append")
    args = parser.parse_args()
    prepare(args.people, args.redirect_uri)
