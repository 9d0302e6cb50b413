"""期刊号 (CN and ISSN) on 论文发表情况 and ISBN on 著作: format and check digit (python-stdnum), Chinese messages by
the field, values stored in one canonical form; the optional 查重报告 slot."""

import pytest

from dossier.catalogue import catalogue
from dossier.forms import pattern_error, record_form
from dossier.models import Record

from .support import field_block, login, png_upload, valid_data, valid_values

pytestmark = pytest.mark.django_db


def _form(kind_key: str, **changes):
    kind = catalogue().kind(kind_key)
    data = {**valid_data(kind), **changes}
    return record_form(kind, data=data)


@pytest.mark.parametrize(("value", "stored"), [
    ("ISSN 2095-882X", "ISSN 2095-882X"), ("2095-882x", "ISSN 2095-882X"), ("20958 82X", None),
    ("ISSN 0583-1458", "ISSN 0583-1458"), ("1234-5679", "ISSN 1234-5679"),
])
def test_a_valid_issn_is_stored_in_one_form(value, stored):
    form = _form("paper", issn=value)
    if stored is None:
        assert not form.is_valid()
        assert form.errors["issn"] == ["国际标准刊号(ISSN)：ISSN 格式应为 xxxx-xxxx，如 ISSN 2095-882X。"]
    else:
        assert form.is_valid(), form.errors
        assert form.record_data()["issn"] == stored


@pytest.mark.parametrize("value", ["ISSN 2095-8821", "1234-5678", "0583-1459"])
def test_an_issn_with_a_wrong_check_digit_is_refused(value):
    form = _form("paper", issn=value)
    assert not form.is_valid()
    assert form.errors["issn"] == ["国际标准刊号(ISSN)：ISSN 校验位不正确，请核对后重新输入。"]


@pytest.mark.parametrize(("value", "ok"), [
    ("CN 11-2120/TU", True), ("cn11-1234/r", True), ("11-2120/TU", True), ("CN 112120", False), ("CN 1-2120/TU", False),
])
def test_the_cn_number_is_checked_by_format(value, ok):
    form = _form("paper", cn_number=value)
    assert form.is_valid() is ok
    if ok:
        assert form.record_data()["cn_number"].startswith("CN ")
        assert form.record_data()["cn_number"] == form.record_data()["cn_number"].upper()
    else:
        assert form.errors["cn_number"] == ["国内统一刊号(CN)：国内统一刊号格式应为 CN xx-xxxx/xx，如 CN 11-2120/TU。"]


@pytest.mark.parametrize(("value", "stored"), [
    ("978-7-114-12345-0", "ISBN 978-7-114-12345-0"),   # ISBN-13
    ("9787114123450", "ISBN 978-7-114-12345-0"),
    ("ISBN 7-111-07575-7", "ISBN 7-111-07575-7"),       # ISBN-10
    ("711107575-7", "ISBN 7-111-07575-7"),
])
def test_isbn_10_and_13_with_their_check_digits(value, stored):
    form = _form("book", isbn=value)
    assert form.is_valid(), form.errors
    assert form.record_data()["isbn"] == stored


@pytest.mark.parametrize(("value", "message"), [
    ("978-7-114-12345-6", "ISBN 校验位不正确，请核对后重新输入。"),   # 13 digits, wrong check digit
    ("7-111-07575-3", "ISBN 校验位不正确，请核对后重新输入。"),       # 10 digits, wrong check digit
    ("978-7-114-1234", "ISBN 应为10位或13位（不计连字符）。"),         # 11 digits
    ("书号不详", "书号应为10位或13位 ISBN，如 978-7-114-12345-0。"),
])
def test_a_wrong_isbn_is_refused_with_the_reason(value, message):
    form = _form("book", isbn=value)
    assert not form.is_valid()
    assert form.errors["isbn"] == [f"标准书号(ISBN)：{message}"]


def test_the_journal_number_of_a_health_paper_checks_the_issn_check_digit():
    assert pattern_error("journal_number", "ISSN 2095-882X") == ""
    assert pattern_error("journal_number", "CN 11-2120/TU") == ""
    assert pattern_error("journal_number", "ISSN 2095-8821") == "ISSN 校验位不正确，请核对后重新输入。"
    assert pattern_error("journal_number", "ISBN 978-7-114-12345-6") == "ISBN 校验位不正确，请核对后重新输入。"
    assert catalogue().kind("health_paper").field("issn").pattern == "journal_number"


def test_the_page_shows_the_message_by_the_field_and_keeps_what_was_typed(client, owner):
    login(client, owner)
    kind = catalogue().kind("paper")
    response = client.post("/dossier/k/paper/new/", {**valid_data(kind), "issn": "2095-8821", "action": "save",
                                                     "evidence": [png_upload()]})
    assert response.status_code == 200
    html = response.content.decode()
    block = field_block(html, "issn")
    assert "ISSN 校验位不正确，请核对后重新输入。" in block and 'value="2095-8821"' in block
    assert not Record.objects.filter(owner=owner).exists()


def test_a_paper_keeps_an_optional_plagiarism_report(client, owner):
    login(client, owner)
    kind = catalogue().kind("paper")
    slot = kind.slot("plagiarism_report")
    assert slot.label == "查重报告" and not slot.required and slot.max_count == 1
    values = valid_values(kind)
    response = client.post("/dossier/k/paper/new/", {**valid_data(kind), "action": "save", "evidence": [png_upload()],
                                                     "slot_plagiarism_report": [png_upload("查重报告.png")]})
    assert response.status_code == 302
    record = Record.objects.get(owner=owner, kind="paper")
    assert record.data["issn"] == values["issn"] and record.data["cn_number"] == values["cn_number"]
    assert record.evidence.get(slot="plagiarism_report").name == "查重报告.png"
