"""The database dumped as text (SQLite's iterdump, PostgreSQL's COPY of every table) after a person registered,
signed in, got SMS codes, filed an application (its snapshot, its history rows, its search documents) and had
it exported, holds none of the person's ID number or phone in clear (docs/security.md, 等保 8.1.4.8)."""

import io

import pytest
from django.db import connection
from django.test import Client

from accounts.exports import export_start
from accounts.models import ExportJob, SmsCode
from accounts.sms import notice_send, sms_code_send
from applications import services
from tests.factories import PASSWORD, PersonFactory, UnitFactory
from tests.helpers import committed, log_in

from .support import dossier, fill_everything, login, plan_for

pytestmark = pytest.mark.django_db

ID_NUMBER, PHONE = "35010219850505123X", "13912345678"
LEGAL_ID, LEGAL_PHONE, CONTACT_PHONE = "350102197003030016", "13800138111", "13700137222"


def dump() -> str:
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump())
    out = io.StringIO()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} TO STDOUT") as copy:
                for chunk in copy:
                    out.write(bytes(chunk).decode("utf-8", "replace"))
    return out.getvalue()


def clear_copies(text: str, values: list[str]) -> dict[str, list[str]]:
    """Each value found in clear, with the dump's lines (or rows) holding it."""
    return {value: [line[:200] for line in text.splitlines() if value in line] for value in values
            if value in text}


def test_no_personal_number_is_in_the_database_in_clear(client, admin, settings):
    settings.EXPORT_BACKGROUND_ROWS = -1  # every export a stored job: its search term is kept
    unit = UnitFactory(name="福建闽江工程科技有限公司二", legal_rep_id_number=LEGAL_ID,
                       legal_rep_phone=LEGAL_PHONE, contact_phone=CONTACT_PHONE)
    person = PersonFactory(unit=admin.unit, name="张伟", series="工程技术", id_number=ID_NUMBER,
                           phone=PHONE)
    log_in(Client(), ID_NUMBER, PASSWORD)  # sign-in audit rows
    log_in(Client(), ID_NUMBER, "wrong-password")
    with committed():
        sms_code_send(phone=PHONE, purpose=SmsCode.Purpose.RESET_PASSWORD)
        records = dossier(person, admin, series="工程技术")
        application = services.application_start(actor=person, plan=plan_for("工程技术"), series="工程技术",
                                                  level="副高")
        login(client, person)
        fill_everything(client, application, records, series="工程技术")
        application = services.application_submit(actor=person, application=application)
        job = export_start(actor=admin, kind="unit_records", params={"kind": "education", "q": ID_NUMBER})
        notice_send(PHONE, "【职称评审】测试通知")
    assert unit.pk and application.snapshot["account"]["id_number"] == ID_NUMBER
    assert ExportJob.objects.get(pk=job.pk).params["q"] == ID_NUMBER

    text = dump()

    assert "张伟" in text  # the dump does hold the person's rows
    assert clear_copies(text, [ID_NUMBER, PHONE, LEGAL_ID, LEGAL_PHONE, CONTACT_PHONE]) == {}
