"""python -m tests.oidc_provider.setup: migrate the provider's database and register the platform as a client.

Reads a JSON document on stdin: {"redirect_uris": [...], "client_id": ..., "client_secret": ...,
"users": [{"username": ..., "password": ..., "name": ..., "unit": bool}]}."""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402


def main() -> None:
    spec = json.load(sys.stdin)
    call_command("migrate", verbosity=0, interactive=False)
    for person in spec["users"]:
        User.objects.create_user(username=person["username"], password=person["password"],
                                 first_name=person["name"], last_name="unit" if person.get("unit") else "")
    Application.objects.create(
        name="职称申报评审平台", client_id=spec["client_id"], client_secret=spec["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL, authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(spec["redirect_uris"]), algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )


if __name__ == "__main__":
    main()
