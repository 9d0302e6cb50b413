"""专家库: experts added one by one or imported from the Excel template (every bad row named, all or nothing);
the 评审专家 role comes with the pool; an expired term leaves the draw by itself."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from accounts.roles import role_names
from experts import services
from experts.forms import ExpertForm
from experts.models import Expert
from tests.applications.support import login
from tests.factories import PersonFactory

from .conftest import GROUP, TODAY, meeting_day

pytestmark = pytest.mark.django_db


def workbook(rows) -> SimpleUploadedFile:
    book = load_workbook(io.BytesIO(services.import_template()))
    sheet = book.worksheets[0]
    for line, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=line, column=column, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("专家库.xlsx", buffer.getvalue())


def row(i, person, **overrides):
    values = {"id_number": person.id_number, "name": person.name, "series": "工程技术", "specialty": GROUP,
              "level": "正高", "term_start": TODAY, "term_end": TODAY + datetime.timedelta(days=365)}
    values.update(overrides)
    return [i, values["id_number"], values["name"], values["series"], values["specialty"], values["level"],
            values["term_start"], values["term_end"]]


def test_an_import_writes_every_row_and_grants_the_role(org):
    people = [PersonFactory(name=f"导入专家{i}") for i in range(3)]
    outcome = services.experts_import(actor=org.committee, committee=org.plan.committee,
                                      upload=workbook([row(i, p) for i, p in enumerate(people, 1)]))
    assert outcome.errors == [] and outcome.created == 3
    assert set(Expert.objects.values_list("person__name", flat=True)) == {p.name for p in people}
    assert Role.EXPERT in role_names(people[0])


def test_an_import_names_every_bad_row_and_writes_nothing(org):
    good, other = PersonFactory(name="好专家"), PersonFactory(name="李明")
    rows = [row(1, good), row(2, other, name="王刚"), row(3, good),
            row(4, other, term_end=TODAY + datetime.timedelta(days=4 * 365)),
            row(5, other, id_number="350102199001011234")]
    outcome = services.experts_import(actor=org.committee, committee=org.plan.committee, upload=workbook(rows))
    assert {(e["line"], e["column"], e["message"]) for e in outcome.errors} == {
        (3, "姓名", "姓名与该身份证号注册的姓名不符。"),
        (4, "身份证号", "与第2行是同一位专家。"),
        (5, "聘期结束", f"聘期最长3年（至{TODAY.replace(year=TODAY.year + 3) - datetime.timedelta(days=1):%Y-%m-%d}）。"),
        (6, "身份证号", "该身份证号没有注册账号，请专家先注册。"),
    }
    assert not Expert.objects.exists()


def test_a_person_is_once_in_a_committees_pool(org):
    person = PersonFactory()
    data = {"id_number": person.id_number, "name": person.name, "series": "工程技术", "specialty": GROUP,
            "level": "副高", "term_start": TODAY, "term_end": TODAY}
    form = ExpertForm(data, committee=org.plan.committee)
    assert form.is_valid()
    services.expert_add(actor=org.committee, committee=org.plan.committee, data=form.cleaned_data)
    again = ExpertForm(data, committee=org.plan.committee)
    assert not again.is_valid() and again.errors["id_number"] == ["该专家已在本评委会专家库中。"]


def test_expired_terms_and_paused_experts_leave_the_draw(org, pool):
    day = meeting_day()
    expired = pool.add("过期专家", term_end=day - datetime.timedelta(days=1))
    paused = pool.add("暂停专家")
    services.expert_status_set(actor=org.committee, expert_id=paused.pk, status=Expert.Status.PAUSED)
    eligible = set(services.eligible(org.plan.committee, GROUP, day))
    assert set(pool.experts) <= eligible
    assert expired not in eligible and paused not in eligible


def test_the_pool_page_adds_and_lists_masked_in_constant_queries(org, pool, client, django_assert_max_num_queries):
    login(client, org.committee)
    person = PersonFactory(name="页面专家", phone="13812345678")
    response = client.post(reverse("experts:pool"), {
        "committee": org.plan.committee.pk, "id_number": person.id_number, "name": person.name,
        "series": "工程技术", "specialty": GROUP, "level": "正高", "term_start": TODAY.isoformat(),
        "term_end": (TODAY + datetime.timedelta(days=30)).isoformat()})
    assert response.status_code == 302
    for i in range(5):
        pool.add(f"更多专家{i}")
    with django_assert_max_num_queries(12):
        page = client.get(reverse("experts:pool")).content.decode()
    assert "页面专家" in page and person.id_number not in page
    assert f"{person.id_number[:4]}**********{person.id_number[-4:]}" in page


def test_a_bad_entry_is_named_by_its_field(org, client):
    login(client, org.committee)
    response = client.post(reverse("experts:pool"), {"committee": org.plan.committee.pk, "id_number": "",
                                                     "name": "某人", "series": "工程技术", "specialty": GROUP,
                                                     "level": "正高", "term_start": "2026-13-01"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "请填写身份证号。" in page and "请输入正确的日期。" in page and "请填写聘期结束。" in page


def test_other_roles_and_other_bureaus_get_404(org, pool, client):
    expert = pool.experts[0]
    login(client, org.clerk)
    assert client.get(reverse("experts:pool")).status_code == 404
    login(client, expert.person)
    assert client.get(reverse("experts:pool")).status_code == 404
