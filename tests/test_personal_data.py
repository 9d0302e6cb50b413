"""Personal numbers encrypted at rest (core.personal_data, core.fields): the ciphers, the keyring, the blind
index, the model field, the rotation command and the data migration's rewrite."""

import base64
import io
import json
import os
import subprocess
import sys

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from accounts.backends import login_name
from accounts.models import ExportJob, User, person_username
from core import personal_data
from core.fields import encrypted_tables
from core.personal_data import PersonalDataError, blind_index, decrypt, encrypt, key_id, rewrite_table
from tests.factories import PersonFactory

from .test_settings import BASE_DIR, PRODUCTION, load_settings

OLD = base64.b64encode(b"o" * 32).decode()
NEW = base64.b64encode(b"n" * 32).decode()
ID = "35010219800101001X"


def raw(user, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM accounts_user WHERE id = %s", [user.pk])  # noqa: S608 - fixed names
        return cursor.fetchone()[0]


@pytest.mark.parametrize("cipher", ["aes-gcm", "sm4-gcm"])
def test_a_value_round_trips_and_is_stored_without_its_clear_text(settings, cipher):
    settings.PERSONAL_DATA_CIPHER = cipher

    token, again = encrypt(ID), encrypt(ID)

    assert decrypt(token) == ID and decrypt(again) == ID
    assert token != again  # a fresh nonce each time: equal values are not visible as equal
    assert ID not in token and ID.encode() not in base64.b64decode(token)
    assert base64.b64decode(token)[0] == (1 if cipher == "aes-gcm" else 2)
    assert key_id(token) == "dev"


def test_a_value_written_with_one_cipher_reads_after_the_setting_changes(settings):
    settings.PERSONAL_DATA_CIPHER = "sm4-gcm"
    token = encrypt("13912345678")
    settings.PERSONAL_DATA_CIPHER = "aes-gcm"

    assert decrypt(token) == "13912345678"


def test_every_listed_key_decrypts_and_the_first_encrypts(settings):
    settings.PERSONAL_DATA_KEYS = f"old:{OLD}"
    token = encrypt(ID)
    settings.PERSONAL_DATA_KEYS = f"new:{NEW}\nold:{OLD}"

    assert decrypt(token) == ID
    assert key_id(encrypt(ID)) == "new"

    settings.PERSONAL_DATA_KEYS = f"new:{NEW}"
    with pytest.raises(PersonalDataError, match="no key 'old'"):
        decrypt(token)


def test_an_altered_value_is_refused(settings):
    raw_bytes = bytearray(base64.b64decode(encrypt(ID)))
    raw_bytes[-1] ^= 1

    with pytest.raises(PersonalDataError):
        decrypt(base64.b64encode(bytes(raw_bytes)).decode())
    with pytest.raises(PersonalDataError):
        decrypt(ID)


def test_the_blind_index_is_keyed_normalised_and_follows_the_cipher_setting(settings):
    sha = blind_index(ID)

    assert sha == blind_index(ID.lower()) == blind_index(f" {ID} ")
    assert len(sha) == 64 and ID not in sha
    assert blind_index("") is None and blind_index(None) is None
    settings.PERSONAL_DATA_INDEX_KEY = NEW
    assert blind_index(ID) != sha
    settings.PERSONAL_DATA_CIPHER = "sm4-gcm"  # HMAC-SM3
    assert blind_index(ID) not in (sha, None)


@pytest.mark.parametrize("keys", ["", "no-colon", "k:bm90LTMyLWJ5dGVz", f"k:{OLD},k:{NEW}"],
                         ids=["none", "no-id", "short", "twice"])
def test_a_bad_keyring_is_refused(settings, keys):
    settings.PERSONAL_DATA_KEYS = keys

    with pytest.raises(Exception, match="key"):
        encrypt(ID)


@pytest.mark.usefixtures("regions")
def test_a_person_is_stored_encrypted_and_found_through_the_blind_index():
    person = PersonFactory(id_number=ID, username=ID, phone="13912345678")

    assert ID not in raw(person, "id_number") and "13912345678" not in raw(person, "phone")
    assert raw(person, "id_number_bidx") == blind_index(ID)
    fresh = User.objects.get(pk=person.pk)
    assert (fresh.id_number, fresh.phone) == (ID, "13912345678")
    assert list(User.objects.by_id_number(ID.lower())) == [person]
    assert list(User.objects.by_phone("13912345678")) == [person]
    assert not User.objects.by_id_number("").exists() and not User.objects.by_phone(None).exists()
    assert User.objects.filter(phone="").count() == 0  # '' and None compare as they are stored
    with pytest.raises(FieldError, match="blind index"):
        User.objects.filter(id_number=ID).exists()
    with pytest.raises(FieldError, match="blind index"):
        User.objects.filter(phone__startswith="139").exists()


@pytest.mark.usefixtures("regions")
def test_the_blind_index_follows_every_way_of_writing():
    person = PersonFactory(phone="13912345678")

    person.phone = "13900000001"
    person.save(update_fields=["phone"])
    assert User.objects.by_phone("13900000001").get() == person

    User.objects.filter(pk=person.pk).update(phone="13900000002")
    assert User.objects.by_phone("13900000002").get() == person

    User.objects.filter(pk=person.pk).update(phone=None)
    assert raw(person, "phone_bidx") is None and raw(person, "phone") is None


@pytest.mark.usefixtures("regions")
def test_an_id_number_or_a_phone_is_unique_through_its_blind_index():
    PersonFactory(id_number=ID, username=ID, phone="13912345678")

    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(id_number=ID.lower(), username="other", phone="13900000009")
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(phone="13912345678")
    PersonFactory(phone=None)
    PersonFactory(phone=None)  # no phone is no value: not a duplicate


@pytest.mark.usefixtures("regions")
def test_rotation_re_encrypts_under_the_current_key_in_resumable_batches(settings):
    settings.PERSONAL_DATA_KEYS = f"old:{OLD}"
    people = [PersonFactory() for _ in range(5)]
    settings.PERSONAL_DATA_KEYS = f"new:{NEW},old:{OLD}"
    PersonFactory()  # written under the new key already

    class Stop(Exception):
        pass

    def stop_after_two_batches(table, last, counts):
        if counts["rows"] >= 4:
            raise Stop

    with pytest.raises(Stop):  # a run that stops midway keeps the batches it committed
        rewrite_table(connection, "accounts_user", {"id_number": "id_number_bidx", "phone": "phone_bidx"},
                      mode="rotate", batch=2, progress=stop_after_two_batches)
    keys = [key_id(raw(p, "id_number")) for p in people]
    assert keys[:2] == ["new", "new"] and "old" in keys

    out = io.StringIO()
    call_command("personal_data_rotate", "--batch", "2", stdout=out)

    assert "accounts_user: 6 rows read, 1 rewritten" in out.getvalue()
    assert {key_id(raw(p, "id_number")) for p in people} == {"new"}
    assert {key_id(raw(p, "phone")) for p in people} == {"new"}
    settings.PERSONAL_DATA_KEYS = f"new:{NEW}"  # the old key can go
    assert [User.objects.get(pk=p.pk).id_number for p in people] == [p.id_number for p in people]
    out = io.StringIO()
    call_command("personal_data_rotate", stdout=out)
    assert "accounts_user: 6 rows read, 0 rewritten" in out.getvalue()


@pytest.mark.usefixtures("regions")
def test_rotation_names_a_key_still_in_use_that_is_not_listed(settings):
    settings.PERSONAL_DATA_KEYS = f"old:{OLD}"
    PersonFactory()
    settings.PERSONAL_DATA_KEYS = f"new:{NEW}"

    with pytest.raises(Exception, match="no key 'old'"):
        call_command("personal_data_rotate", stdout=io.StringIO())


@pytest.mark.usefixtures("regions")
def test_the_migrations_rewrite_encrypts_clear_rows_and_reverses():
    people = [PersonFactory(phone=f"1390000000{n}") for n in range(3)]
    clear = {p.pk: (p.id_number, p.phone) for p in people}
    columns = {"id_number": "id_number_bidx", "phone": "phone_bidx"}

    rewrite_table(connection, "accounts_user", columns, mode="decrypt", batch=2)  # the state before 0010
    assert {p.pk: (raw(p, "id_number"), raw(p, "phone")) for p in people} == clear

    counts = rewrite_table(connection, "accounts_user", columns, mode="encrypt", batch=2)

    assert counts == {"rows": 3, "changed": 3}
    for p in people:
        assert raw(p, "id_number") != p.id_number and decrypt(raw(p, "id_number")) == p.id_number
        assert raw(p, "phone_bidx") == blind_index(p.phone)
    assert rewrite_table(connection, "accounts_user", columns, mode="encrypt") == {"rows": 3, "changed": 0}


def test_every_encrypted_field_is_found_for_rotation():
    tables = {table: columns for table, _, columns in encrypted_tables()}

    assert tables["accounts_user"] == {"id_number": "id_number_bidx", "phone": "phone_bidx"}
    assert tables["orgs_unit"] == {"legal_rep_phone": None, "legal_rep_id_number": None, "contact_phone": None}
    assert {"accounts_smscode", "accounts_smsmessage", "publicity_objection",
            "dossier_continuingeducationfeed"} <= set(tables)


def test_production_refuses_to_start_without_personal_data_keys():
    result = load_settings(**{k: v for k, v in PRODUCTION.items() if not k.startswith("PERSONAL_DATA")})

    assert result.returncode != 0
    assert "PERSONAL_DATA_KEYS (or PERSONAL_DATA_KEY_FILE) and PERSONAL_DATA_INDEX_KEY are required" in result.stderr


def test_the_keys_may_come_from_a_key_file(tmp_path):
    path = tmp_path / "personal-data.keys"
    path.write_text(f"# rotated 2026-12\nnew:{NEW}\nold:{OLD}\n")
    code = ("import django; django.setup(); from core.personal_data import keyring; "
            "print(keyring().current_id, len(keyring().keys))")
    env = {**PRODUCTION, "PERSONAL_DATA_KEY_FILE": str(path), "DJANGO_SETTINGS_MODULE": "zhicheng.settings"}
    env.pop("PERSONAL_DATA_KEYS", None)

    result = load_settings(code=code, **env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["new", "2"]


def test_the_development_keys_are_not_used_in_production():
    code = "import zhicheng.settings as s; print(s.PERSONAL_DATA_KEYS)"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PERSONAL_DATA", "DEBUG"))}
    result = subprocess.run([sys.executable, "-c", code], env={**env, **PRODUCTION}, cwd=BASE_DIR,
                            capture_output=True, text=True, timeout=60)

    assert result.stdout.strip() == PRODUCTION["PERSONAL_DATA_KEYS"]


def test_the_keyring_cache_follows_the_settings(settings):
    before = personal_data.keyring()
    settings.PERSONAL_DATA_KEYS = f"new:{NEW}"

    assert personal_data.keyring() is not before and personal_data.keyring().current_id == "new"


@pytest.mark.usefixtures("regions")
def test_an_export_jobs_search_term_is_stored_encrypted_and_rotates(settings):
    settings.PERSONAL_DATA_KEYS = f"old:{OLD}"
    owner = PersonFactory()
    job = ExportJob.objects.create(owner=owner, kind="unit_records", title="业绩审核", params={"q": ID, "kind": "x"})
    legacy = ExportJob.objects.create(owner=owner, kind="unit_records", title="业绩审核", params={"kind": "y"})

    stored = stored_params(job)
    assert ID not in stored and key_id(json.loads(stored)["q"]) == "old" and '"kind": "x"' in stored
    assert ExportJob.objects.get(pk=job.pk).params == {"q": ID, "kind": "x"}

    settings.PERSONAL_DATA_KEYS = f"new:{NEW},old:{OLD}"
    out = io.StringIO()
    call_command("personal_data_rotate", stdout=out)

    assert "accounts_exportjob.params: 2 rows read, 1 rewritten" in out.getvalue()
    assert key_id(json.loads(stored_params(job))["q"]) == "new"
    assert ExportJob.objects.get(pk=legacy.pk).params == {"kind": "y"}
    out = io.StringIO()
    call_command("personal_data_rotate", stdout=out)
    assert "accounts_exportjob.params: 2 rows read, 0 rewritten" in out.getvalue()


def stored_params(job) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT params FROM accounts_exportjob WHERE id = %s", [job.pk])
        value = cursor.fetchone()[0]
    return value if isinstance(value, str) else json.dumps(value)


@pytest.mark.usefixtures("regions")
def test_a_typed_id_number_stands_for_the_persons_account_name():
    person = PersonFactory(id_number=ID)

    assert person.username == person_username(ID) and ID not in person.username
    assert login_name(ID.lower()) == login_name(f" {ID} ") == person.username
    unknown = "350102198001010011"
    assert login_name(unknown) == person_username(unknown) != unknown  # counted and audited under the handle
    assert login_name("admin") == "admin"
