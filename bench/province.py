"""The province of `make bench-load` (issue 23 item 4): 300,000 applicants in 15,000 units, 1,000,000 dossier
records, 30,000 applications at every stage, and the unit admins who review them, written set-based into a
database that is kept as a template (scripts/prod_load.py copies it for each run).

    DATABASE_URL=postgres://…/zc_load_data DEBUG=1 ALLOWED_HOSTS=testserver uv run python -m bench.province

Units, people (one Argon2 hash made once and reused: signing in still verifies it), records and each unit's first
person as its admin come from bench.generate (COPY on PostgreSQL, executemany on SQLite). Then one applicant of
the largest unit gets a realistic dossier and fills every section of a 卫生技术 application through its pages
(tests.applications.support, as a person would), and files it: the model application. Its sections (`data`),
snapshot and attachments are copied with INSERT … SELECT to APPLICATIONS other 卫生技术 people, STAGE_MIX deciding
each one's status: drafts (the filings of the load run), filed and waiting at 用人单位审核, returned, at the
committee, passed. Every unit admin gets the same authenticator key (the second factor is still checked).
`bench_meta` holds VERSION and the counts; prod_load regenerates when they differ.
"""

import datetime
import os
import sys
import time

import django

VERSION = "1"  # bump when the generated shape changes: the kept template is then regenerated
PEOPLE, UNITS, RECORDS, APPLICATIONS = 300_000, 15_000, 1_000_000, 30_000
# Share of the copied applications in each state, by tenths: 4 drafts, 3 filed at the unit, then 1 each.
STAGE_MIX = ["draft"] * 4 + ["submitted"] * 3 + ["returned", "accepted", "passed"]


def counts_for(scale: float) -> dict[str, int]:
    return {"people": int(PEOPLE * scale), "units": max(2, int(UNITS * scale)), "records": int(RECORDS * scale),
            "applications": int(APPLICATIONS * scale)}


def build(scale: float = 1.0, *, log=print) -> dict[str, str]:
    """Generate the province into the current (empty, migrated) database; returns the meta it writes."""
    from bench import generate

    started = time.perf_counter()
    counts = counts_for(scale)
    generate.generate(1, people=counts["people"], units=counts["units"], records=counts["records"], log=log)
    step = time.perf_counter()
    model = model_application()
    log(f"  the model application, filled through its pages: {time.perf_counter() - step:.1f} s")
    step = time.perf_counter()
    copied = copy_applications(model, counts["applications"])
    copy_attachments(model)
    devices = authenticators(model["admin_pk"])
    settle()
    log(f"  {copied:,} applications and {devices:,} authenticators: {time.perf_counter() - step:.1f} s")
    meta = {"version": VERSION, "scale": str(scale), **{k: str(v) for k, v in counts.items()},
            "applications": str(copied + 1), "username": model["username"], "password": model["password"],
            "application_pk": str(model["pk"]), "seconds": f"{time.perf_counter() - started:.1f}"}
    generate._write_meta(meta)
    return meta


def model_application() -> dict:
    """One applicant of the largest unit (unit 1) with a realistic dossier files a complete 卫生技术 application."""
    from django.test import Client

    from applications import services
    from orgs.models import Unit
    from tests.applications.support import dossier, fill_everything, login, plan_for
    from tests.factories import PASSWORD, PersonFactory, unit_admin

    unit = Unit.objects.get(pk=1)
    person = PersonFactory(unit=unit, name="陈静", series="卫生技术", birth_date=datetime.date(1990, 5, 12))
    admin = unit_admin(unit, name="林芳")
    records = dossier(person, admin, series="卫生技术")
    today = datetime.date.today()
    # Open for years: the kept data set must not fall out of its plan's window.
    plan = plan_for("卫生技术", opens_on=today - datetime.timedelta(days=30),
                    closes_on=today + datetime.timedelta(days=3650))
    application = services.application_start(actor=person, plan=plan, series="卫生技术", level="副高")
    fill_everything(login(Client(), person), application, records, series="卫生技术")
    application = services.application_submit(actor=person, application=application)
    return {"pk": application.pk, "username": person.username, "password": PASSWORD, "admin_pk": admin.pk,
            "stage": application.stage}


def copy_applications(model: dict, n: int) -> int:
    """`n` copies of the model application for other 卫生技术 people (one per person), with its attachments."""
    from django.db import connection

    from accounts.models import User
    from applications.models import Application

    app_table, user_table = Application._meta.db_table, User._meta.db_table
    columns = [f.column for f in Application._meta.concrete_fields if f.column != "id"]
    draft = "'draft'"
    overrides = {
        "applicant_id": "p.id",
        "unit_id": "p.unit_id",
        "status": "p.state",
        "stage": f"CASE WHEN p.state = 'submitted' THEN a.stage ELSE '' END",
        "claimed_by_id": "NULL",
        "snapshot": f"CASE WHEN p.state = {draft} THEN NULL ELSE a.snapshot END",
        "submitted_at": f"CASE WHEN p.state = {draft} THEN NULL ELSE a.submitted_at END",
        "node_since": f"CASE WHEN p.state = 'submitted' THEN a.node_since ELSE NULL END",
        "committee_accepted_at": "CASE WHEN p.state IN ('accepted', 'passed') THEN a.submitted_at ELSE NULL END",
        "result_at": "CASE WHEN p.state = 'passed' THEN a.submitted_at ELSE NULL END",
        "certificate_no": "''",
    }
    if connection.vendor == "sqlite":
        overrides["committee_accepted_at"] = ("CASE WHEN p.state IN ('accepted', 'passed') THEN date(a.submitted_at) "
                                              "ELSE NULL END")
    select = ", ".join(overrides.get(c, f"a.{c}") for c in columns)
    states = " ".join(f"WHEN {i} THEN '{state}'" for i, state in enumerate(STAGE_MIX))
    with connection.cursor() as cursor:
        # The people: 卫生技术 applicants who are nobody's admin, in a fixed order; the state by their rank.
        cursor.execute(f"""
            INSERT INTO {app_table} ({", ".join(columns)})
            SELECT {select}
            FROM {app_table} a,
                 (SELECT u.id, u.unit_id,
                         CASE (ROW_NUMBER() OVER (ORDER BY u.id)) %% {len(STAGE_MIX)} {states} END AS state
                  FROM {user_table} u
                  WHERE u.series = '卫生技术' AND u.kind = 'person' AND u.id <> %s
                    AND u.id NOT IN (SELECT user_id FROM accounts_roleassignment)
                  ORDER BY u.id LIMIT %s) p
            WHERE a.id = %s""", [model_applicant(model["pk"]), n, model["pk"]])
        copied = cursor.rowcount
    return copied


def copy_attachments(model: dict) -> None:
    """The model's attachments for every copy; for each draft, its applicant's approved 卫生-专题. The two tables'
    foreign keys are dropped meanwhile and added again after (one check of every row, as bench.generate does)."""
    from django.db import connection

    from applications.models import Application, ApplicationFile
    from bench.generate import Writer
    from dossier.models import Record

    app_table, file_table = Application._meta.db_table, ApplicationFile._meta.db_table
    writer = Writer()
    foreign_keys = writer.drop_foreign_keys(ApplicationFile) + writer.drop_foreign_keys(Record)
    with connection.cursor() as cursor:
        file_columns = [f.column for f in ApplicationFile._meta.concrete_fields if f.column not in ("id",)]
        file_select = ", ".join("c.id" if col == "application_id" else f"f.{col}" for col in file_columns)
        # The model's rows are read once (a materialised CTE): a join rescanning the table being filled would
        # revisit every row inserted so far, for every copy.
        cursor.execute(f"""
            WITH f AS {materialized()} (SELECT * FROM {file_table} WHERE application_id = %s)
            INSERT INTO {file_table} ({", ".join(file_columns)})
            SELECT {file_select} FROM f, {app_table} c
            WHERE c.id <> %s AND c.plan_id = (SELECT plan_id FROM {app_table} WHERE id = %s)
            """, [model["pk"], model["pk"], model["pk"]])
        # A draft is ready to file: its applicant's 卫生-专题, which the plan requires, is approved (a copy of the
        # model applicant's).
        record_columns = [f.column for f in Record._meta.concrete_fields if f.column != "id"]
        record_select = ", ".join({"owner_id": "c.applicant_id", "unit_id": "c.unit_id"}.get(col, f"r.{col}")
                                  for col in record_columns)
        cursor.execute(f"""
            WITH r AS {materialized()} (SELECT * FROM {Record._meta.db_table}
                                         WHERE owner_id = %s AND kind = 'health_topic' AND status = 'approved')
            INSERT INTO {Record._meta.db_table} ({", ".join(record_columns)})
            SELECT {record_select} FROM r, {app_table} c
            WHERE c.status = 'draft' AND c.plan_id = (SELECT plan_id FROM {app_table} WHERE id = %s)""",
                       [model_applicant(model["pk"]), model["pk"]])
    writer.restore(foreign_keys)


def settle() -> None:
    """The counters of the copied topics (the application's own command) and the planner's statistics."""
    from django.core.management import call_command
    from django.db import connection

    call_command("recount_records", stdout=generate_null())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")


def generate_null():
    from bench.generate import _Null

    return _Null()


def materialized() -> str:
    from django.db import connection

    return "MATERIALIZED" if connection.vendor == "postgresql" else ""


def model_applicant(pk: int) -> int:
    from applications.models import Application

    return Application.objects.values_list("applicant_id", flat=True).get(pk=pk)


def authenticators(admin_pk: int) -> int:
    """Every unit admin without an authenticator gets a copy of the model admin's (the same key)."""
    from django.db import connection
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import Role, RoleAssignment
    from tests.helpers import totp_device_for
    from accounts.models import User

    totp_device_for(User.objects.get(pk=admin_pk))
    table = TOTPDevice._meta.db_table
    columns = [f.column for f in TOTPDevice._meta.concrete_fields if f.column != "id"]
    select = ", ".join("r.user_id" if c == "user_id" else f"d.{c}" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO {table} ({", ".join(columns)})
            SELECT DISTINCT {select} FROM {table} d, {RoleAssignment._meta.db_table} r
            WHERE d.user_id = %s AND r.role = %s
              AND r.user_id NOT IN (SELECT user_id FROM {table})""", [admin_pk, Role.UNIT_ADMIN.value])
        return cursor.rowcount


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhicheng.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    meta = build(scale)
    print(" ".join(f"{k}={v}" for k, v in meta.items()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
