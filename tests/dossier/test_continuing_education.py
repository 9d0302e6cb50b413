"""继续教育 hours from the provincial platform: fed as CSV or JSON (command or API), stored by ID number,
pulled (提取) into the person's dossier as approved 自动生成 records; feeding twice adds nothing."""

import datetime
import io
import json

import pytest
from django.core.management import call_command

from core.models import FlowEntry
from dossier import services
from dossier.continuing_education import feed_ingest, parse_feed
from dossier.models import ContinuingEducationFeed, Record, Source, Status
from tests.factories import PersonFactory
from zhicheng.demo.ids import make_id_number

from .support import login, make_record, page_messages

pytestmark = pytest.mark.django_db

NEWCOMER = make_id_number("350102", datetime.date(1991, 6, 15), 41, "M")  # no account yet


def _row(id_number, record_id, **extra):
    return {"id_number": id_number, "record_id": record_id, "year": "2024", "ce_type": "公需课",
            "programme": f"职业道德与法律法规{record_id}", "hours": "24", "organiser": "福建省继续教育中心",
            "start_date": "2024-03-01", "end_date": "2024-03-05", "certificate_no": f"JX{record_id}", **extra}


def _csv(rows) -> str:
    header = ["id_number", "record_id", "year", "ce_type", "programme", "hours", "organiser", "start_date",
              "end_date", "certificate_no"]
    lines = [",".join(header)] + [",".join(str(r.get(h, "")) for h in header) for r in rows]
    return "\n".join(lines) + "\n"


def test_fed_rows_become_approved_auto_records_without_unit_review(owner):
    result = feed_ingest([_row(owner.id_number, "A1"), _row(owner.id_number, "A2", hours="8.5")])
    assert (result.received, result.duplicates, result.extracted, result.errors) == (2, 0, 2, [])
    records = Record.objects.filter(owner=owner).order_by("external_key")
    assert [r.status for r in records] == [Status.APPROVED, Status.APPROVED]
    assert {r.source for r in records} == {Source.AUTO}
    assert records[1].data["hours"] == "8.5" and records[0].data["programme"] == "职业道德与法律法规A1"
    assert records[0].kind == "continuing_education" and records[0].title == "职业道德与法律法规A1"
    # One flow step, by the platform; nobody at the unit was asked.
    flow = FlowEntry.objects.filter(subject_id=records[0].pk)
    assert [(f.action, f.role, f.actor) for f in flow] == [("import", "继续教育平台", None)]


def test_feeding_the_same_rows_twice_adds_nothing(owner):
    rows = [_row(owner.id_number, "B1"), _row(owner.id_number, "B2")]
    feed_ingest(rows)
    again = feed_ingest(rows)
    assert (again.received, again.duplicates, again.extracted) == (0, 2, 0)
    assert Record.objects.filter(owner=owner).count() == 2
    assert ContinuingEducationFeed.objects.count() == 2


def test_invalid_rows_are_reported_with_their_line_and_skipped(owner):
    rows = [
        _row(owner.id_number, "C1"),
        _row("350102199106150000", "C2"),
        _row(owner.id_number, ""),
        _row(owner.id_number, "C4", ce_type="兴趣课"),
        _row(owner.id_number, "C5", hours="-3"),
        _row(owner.id_number, "C6"),
    ]
    result = feed_ingest(rows)
    assert result.received == 2 and Record.objects.filter(owner=owner).count() == 2
    assert [e.split("：", 1)[0] for e in result.errors] == ["第2行", "第3行", "第4行", "第5行"]
    assert "身份证号" in result.errors[0]
    assert "record_id" in result.errors[1]
    assert "请从列表中选择继教类型。" in result.errors[2]
    assert "获得学时不能小于0。" in result.errors[3]


def test_parse_feed_reads_csv_and_json(owner):
    rows = [_row(owner.id_number, "D1"), _row(owner.id_number, "D2")]
    from_csv = parse_feed(_csv(rows).encode("utf-8-sig"), fmt="csv")
    from_json = parse_feed(json.dumps({"records": rows}, ensure_ascii=False).encode(), fmt="json")
    assert from_csv == rows and from_json == rows
    assert parse_feed(json.dumps(rows), fmt="json") == rows
    with pytest.raises(ValueError):
        parse_feed("", fmt="xml")


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_import_command_reads_a_file(owner, tmp_path, fmt):
    rows = [_row(owner.id_number, "E1"), _row(NEWCOMER, "E2"), _row(owner.id_number, "E3", year="19")]
    path = tmp_path / f"hours.{fmt}"
    path.write_text(_csv(rows) if fmt == "csv" else json.dumps({"records": rows}, ensure_ascii=False), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_ce", str(path), stdout=out, stderr=err)
    assert "received 2, already had 0, extracted 1, rejected 1" in out.getvalue()
    assert "继教年度" in err.getvalue()
    assert Record.objects.filter(owner=owner, source=Source.AUTO).count() == 1
    assert ContinuingEducationFeed.objects.by_id_number(NEWCOMER).exists()

    out = io.StringIO()
    call_command("import_ce", str(path), stdout=out, stderr=io.StringIO())
    assert "received 0, already had 2, extracted 0" in out.getvalue()


def test_csv_errors_name_the_line_of_the_file(owner, tmp_path):
    rows = [_row(owner.id_number, "F1"), _row(owner.id_number, "F2", ce_type="兴趣课")]
    path = tmp_path / "hours.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    err = io.StringIO()
    call_command("import_ce", str(path), stdout=io.StringIO(), stderr=err)
    # Line 1 is the header: the bad row is line 3 of the file the operator opens.
    assert err.getvalue().startswith("第3行：")


def _api(client, payload, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return client.post("/api/ce/feed", json.dumps(payload, ensure_ascii=False), content_type="application/json",
                       **headers)


def test_the_api_feed_needs_the_platform_token(client, owner, settings):
    settings.CE_IMPORT_TOKEN = "s3cret-platform-token"
    payload = {"records": [{**_row(owner.id_number, "G1"), "year": 2024, "hours": 16}]}
    assert _api(client, payload).status_code == 401
    assert _api(client, payload, token="wrong").status_code == 401
    assert not Record.objects.exists()

    response = _api(client, payload, token="s3cret-platform-token")
    assert response.status_code == 200
    assert response.json() == {"received": 1, "duplicates": 0, "extracted": 1, "errors": []}
    record = Record.objects.get(owner=owner)
    assert (record.status, record.source, record.data["hours"]) == (Status.APPROVED, Source.AUTO, "16")
    assert _api(client, payload, token="s3cret-platform-token").json()["duplicates"] == 1
    assert Record.objects.count() == 1


@pytest.mark.parametrize("token", ["", "anything"])
def test_the_api_feed_is_closed_when_no_token_is_configured(client, owner, settings, token):
    settings.CE_IMPORT_TOKEN = ""
    payload = {"records": [{**_row(owner.id_number, "H1"), "year": 2024, "hours": 16}]}
    assert _api(client, payload, token=token).status_code == 401
    assert not ContinuingEducationFeed.objects.exists()


def test_extract_pulls_the_rows_received_before_the_person_had_an_account(client, unit):
    result = feed_ingest([_row(NEWCOMER, "J1"), _row(NEWCOMER, "J2")])
    assert (result.received, result.extracted) == (2, 0)
    person = PersonFactory(unit=unit, id_number=NEWCOMER, username=NEWCOMER)
    assert not Record.objects.filter(owner=person).exists()

    login(client, person)
    response = client.post("/dossier/ce/extract/", follow=True)
    assert "已从继续教育平台提取 2 条新记录。" in page_messages(response)
    assert Record.objects.filter(owner=person, source=Source.AUTO, status=Status.APPROVED).count() == 2

    response = client.post("/dossier/ce/extract/", follow=True)
    assert "没有新的继续教育记录可提取。" in page_messages(response)
    assert Record.objects.filter(owner=person).count() == 2


def test_extract_pulls_only_the_signed_in_persons_rows(client, owner):
    feed_ingest([_row(NEWCOMER, "K1")])
    login(client, owner)
    client.post("/dossier/ce/extract/")
    assert not Record.objects.exists()


def test_the_list_shows_the_source_of_each_row(client, owner):
    make_record(owner, "continuing_education", seed="自")
    feed_ingest([_row(owner.id_number, "L1")])
    login(client, owner)
    page = client.get("/dossier/k/continuing_education/").content.decode()
    assert "<th>来源</th>" in page
    assert "<td>用户申报</td>" in page and "<td>自动生成</td>" in page
    assert "提取</button>" in page


def test_an_auto_record_cannot_be_withdrawn(client, owner):
    feed_ingest([_row(owner.id_number, "M1")])
    record = Record.objects.get(owner=owner)
    login(client, owner)
    assert f"/dossier/r/{record.pk}/withdraw/" not in client.get("/dossier/k/continuing_education/").content.decode()
    with pytest.raises(services.RecordError, match="自动生成"):
        services.withdrawal_request(actor=owner, record=record)
    assert not record.withdrawals.exists()


def test_extract_is_not_found_where_the_province_has_no_continuing_education(client, owner, catalogue_override):
    catalogue_override("""
        [kinds.continuing_education]
        enabled = false
    """)
    login(client, owner)
    assert client.post("/dossier/ce/extract/").status_code == 404


def test_extract_is_not_found_where_the_province_does_not_pull_hours(client, owner, catalogue_override):
    catalogue_override("""
        [kinds.continuing_education]
        extractable = false
    """)
    login(client, owner)
    assert "提取</button>" not in client.get("/dossier/k/continuing_education/").content.decode()
    assert client.post("/dossier/ce/extract/").status_code == 404
