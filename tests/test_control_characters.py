"""Control characters (NUL and the other C0 controls but tab, line feed and carriage return) in any parameter,
path, uploaded file name or cookie get a 400 page in Chinese, never a 500: PostgreSQL refuses NUL in text. The
whole URLconf × every role; the JSON API refuses them (and lone surrogates) with a 422."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role, RoleAssignment
from dossier.catalogue import catalogue
from dossier.models import ContinuingEducationFeed, Evidence, Record
from orgs.models import Unit
from tests.dossier.support import login, png_bytes, valid_data
from tests.factories import PersonFactory, PlanFactory, UnitFactory, bureau_staff, system_admin, unit_admin
from tests.helpers import url_routes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("regions")]

REFUSED = "含有不允许的控制字符"
ROLES = ["anonymous", "applicant", "unit_admin", "department_reviewer", "bureau_staff", "committee_staff",
         "expert", "system_admin"]
_READS = re.compile(r"""(?:GET|POST|data)(?:\.get|\.getlist)?[(\[]\s*["'](\w+)["']""")
_NAMED = re.compile(r"""name=["'](\w+)["']""")


def _parameter_names() -> set[str]:
    """Every parameter the code reads from a query or form, every field a template names and every field of the
    record catalogue: the names a NUL is sent in."""
    base = Path(settings.BASE_DIR)
    names = set()
    for app in ("accounts", "core", "orgs", "dossier", "review", "applications", "zhicheng"):
        for source in (base / app).rglob("*.py"):
            names.update(_READS.findall(source.read_text(encoding="utf-8")))
    for template in (base / "templates").rglob("*.html"):
        names.update(_NAMED.findall(template.read_text(encoding="utf-8")))
    for kind in catalogue().kinds():
        names.update(field.key for field in kind.fields)
    return names


@pytest.fixture
def role_users():
    unit = UnitFactory(name="甲单位")
    department = UnitFactory(kind=Unit.Kind.DEPARTMENT, nature=Unit.Nature.GOVERNMENT, name="甲主管部门")
    plan = PlanFactory()

    def holder(role, unit=None):
        person = PersonFactory(unit=unit)
        RoleAssignment.objects.create(user=person, role=role, unit=unit)
        return person

    return {
        "applicant": PersonFactory(unit=unit),
        "unit_admin": unit_admin(unit),
        "department_reviewer": holder(Role.DEPARTMENT_REVIEWER, department),
        "bureau_staff": bureau_staff("350000"),
        "committee_staff": holder(Role.COMMITTEE_STAFF, plan.committee.bureau),
        "expert": holder(Role.EXPERT),
        "system_admin": system_admin(),
    }


def _refused(response) -> bool:
    return response.status_code == 400 and REFUSED in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_no_route_answers_a_nul_in_its_parameters_with_a_server_error(client, role_users, role):
    if role != "anonymous":
        login(client, role_users[role])
    client.raise_request_exception = False
    nul_everywhere = {name: "\x00" for name in sorted(_parameter_names())} | {"名\x00": "x"}

    wrong = []
    for name, path in url_routes():
        for method in (client.get, client.post):
            response = method(path, nul_everywhere)
            if not _refused(response):
                wrong.append(f"{method.__name__.upper()} {name} {path}: {response.status_code}")

    assert not wrong, "not refused with the 400 page:\n" + "\n".join(wrong)


def test_the_reported_unit_search_with_a_nul_gets_the_400_page(client):
    client.raise_request_exception = False

    response = client.get("/units/search/?q=%00")

    assert response.status_code == 400
    html = response.content.decode()
    assert "请求无效" in html
    assert "提交的内容或网址中含有不允许的控制字符（如 NUL），请删除后重新提交。" in html


@pytest.mark.parametrize("character", ["\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f"])
def test_other_c0_controls_are_refused_too(client, character):
    assert _refused(client.get("/units/search/", {"q": f"单位{character}"}))


@pytest.mark.parametrize("path", ["/units/search/%00/", "/apply/1/print/brief%00.pdf"])
def test_a_nul_in_the_path_is_refused(client, role_users, path):
    login(client, role_users["applicant"])

    assert _refused(client.get(path))


def test_a_session_cookie_carrying_a_nul_is_refused_before_the_session_is_read(client):
    client.raise_request_exception = False
    client.cookies[settings.SESSION_COOKIE_NAME] = "abcdefgh\x00ijklmnop"

    assert _refused(client.get("/accounts/login/"))


def test_a_nul_in_an_uploaded_file_name_is_dropped_and_the_file_kept(client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    owner = PersonFactory()
    kind = catalogue().kind("honour")
    login(client, owner)
    upload = SimpleUploadedFile("证书\x00.png", png_bytes(), content_type="image/png")

    response = client.post("/dossier/k/honour/new/", {**valid_data(kind), "action": "save", "evidence": upload})

    assert response.status_code == 302
    assert Evidence.objects.get().name == "证书.png"


def test_a_nul_in_an_upload_field_name_is_refused_and_nothing_is_saved(client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    owner = PersonFactory()
    kind = catalogue().kind("honour")
    login(client, owner)
    upload = SimpleUploadedFile("证书.png", png_bytes(), content_type="image/png")

    response = client.post("/dossier/k/honour/new/", {**valid_data(kind), "action": "save", "evidence\x00": upload})

    assert _refused(response)
    assert not Record.objects.exists() and not Evidence.objects.exists()


def test_tab_line_feed_and_carriage_return_are_ordinary_text(client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    owner = PersonFactory()
    kind = catalogue().kind("work_experience")
    login(client, owner)
    duties = "负责病区护理工作；\r\n\t带教实习护士。"

    response = client.post("/dossier/k/work_experience/new/",
                           {**valid_data(kind), "duties": duties, "action": "save"})

    assert response.status_code == 302
    assert Record.objects.get().data["duties"] == duties


# ---------------------------------------------------------------------------------------------------------------
# The JSON API: bodies are not form parameters, the schemas refuse the same characters.


def _feed(client, record_id_json: str):
    body = ('{"records": [{"id_number": "350102199005120124", "record_id": "' + record_id_json + '", "year": 2024, '
            '"ce_type": "公需课", "programme": "职业道德", "hours": 8}]}')
    return client.post("/api/ce/feed", body.encode(), content_type="application/json",
                       headers={"Authorization": "Bearer platform-token"})


@pytest.mark.parametrize("escaped", ["CE\\u0000001", "CE\\ud800001", "CE\\u0007001"],
                         ids=["nul", "lone-surrogate", "bell"])
def test_the_api_refuses_control_characters_in_json_with_a_422(client, settings, escaped):
    settings.CE_IMPORT_TOKEN = "platform-token"
    client.raise_request_exception = False

    response = _feed(client, escaped)

    assert response.status_code == 422
    assert "不能包含控制字符" in json.dumps(response.json(), ensure_ascii=False)
    assert not ContinuingEducationFeed.objects.exists()


def test_the_api_still_takes_a_clean_row(client, settings):
    settings.CE_IMPORT_TOKEN = "platform-token"

    response = _feed(client, "CE0001")

    assert response.status_code == 200
    assert response.json()["received"] == 1
