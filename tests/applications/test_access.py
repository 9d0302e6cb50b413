"""Who may open the application pages, enumerated from the applications URLconf so that a new URL is covered
the day it is added: an application's pages are its applicant's alone (404 for everyone else, a unit admin of
the same unit included); the committee and plan pages are the HR bureau's (403 for applicants)."""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, get_resolver, reverse

from accounts.models import User
from applications import services
from applications.models import Application, ApplicationFile, Committee, Plan
from applications.sections import sections
from core.flow import flow_write
from core.uploads import check_upload
from tests.factories import CommitteeFactory, PersonFactory, UnitFactory, bureau_staff, system_admin, unit_admin

from .support import TODAY, login, page_messages, photo_upload, plan_for

pytestmark = pytest.mark.django_db

BUREAU_ROUTES = {"applications:plans"}
# How each route's arguments are built from the applicant's objects. A new route with arguments must be declared
# here (test_every_route_declares_its_arguments fails until it is).
ARGUMENTS = {
    "applications:start": lambda o: {"plan_pk": o.plan.pk},
    "applications:detail": lambda o: {"pk": o.application.pk},
    "applications:section": lambda o: {"pk": o.application.pk, "key": "basic"},
    "applications:submit": lambda o: {"pk": o.application.pk},
    "applications:file": lambda o: {"pk": o.application.pk, "file_pk": o.photo.pk},
    "applications:print": lambda o: {"pk": o.application.pk, "kind": "brief.pdf"},
    "applications:preview": lambda o: {"pk": o.application.pk, "kind": "brief.pdf"},
    "applications:flow_file": lambda o: {"pk": o.application.pk, "attachment_pk": o.flow_file.pk},
    "applications:defence_notice": lambda o: {"pk": o.application.pk},
    "applications:plan_manage": lambda o: {"plan_pk": o.plan.pk},
    "applications:committee_manage": lambda o: {"committee_pk": o.plan.committee_id},
}
POSTS = {"action": "save", "ethnicity": "回族", "records": [], "row_id": "x"}


def _routes() -> dict[str, URLPattern]:
    resolver = get_resolver()
    namespace = next(r for r in resolver.url_patterns if getattr(r, "namespace", None) == "applications")
    return {f"applications:{p.name}": p for p in namespace.url_patterns}


@pytest.fixture
def owned(unit, person):
    """The applicant's application with a photo, the plan it was started on."""
    plan = plan_for("工程技术")
    application = services.application_start(actor=person, plan=plan, series="工程技术", level="副高")
    basic = sections().get("basic")
    services.section_save(actor=person, application=application, section=basic, values={"ethnicity": "汉族"},
                          slot_files={"photo": [check_upload(photo_upload(), basic.attachments[0])]})
    # A decision's attachment on the application's flow (as a reviewer's 退回 would leave).
    entry = flow_write(subject_type="application", subject_id=application.pk, actor=person, role="用人单位",
                       action="return", label="退回", opinion="请补充照片",
                       files=[("附件", check_upload(photo_upload(), basic.attachments[0]))])
    return SimpleNamespace(plan=plan, application=application, photo=ApplicationFile.objects.get(slot="photo"),
                           flow_file=entry.attachments.get())


def application_urls(owned) -> list[str]:
    return [reverse(name, kwargs=ARGUMENTS[name](owned)) for name, pattern in _routes().items()
            if "pk" in pattern.pattern.converters]


def test_every_route_declares_its_arguments():
    for name, pattern in _routes().items():
        if pattern.pattern.converters:
            assert name in ARGUMENTS, f"{name}: declare how its arguments are built"


def test_the_application_routes_are_all_enumerated(owned):
    # detail, section, submit, file, print, preview, flow file, defence notice (start is per plan)
    assert len(application_urls(owned)) == 8


@pytest.mark.parametrize("who", ["another applicant", "unit admin of the same unit", "unit admin elsewhere",
                                 "bureau staff"])
def test_someone_elses_application_is_404_on_every_url(client, owned, unit, stranger, who):
    outsider = {
        "another applicant": lambda: stranger,
        "unit admin of the same unit": lambda: unit_admin(unit, name="本单位管理员"),
        "unit admin elsewhere": lambda: unit_admin(UnitFactory(), name="外单位管理员"),
        "bureau staff": lambda: bureau_staff(name="人社厅工作人员"),
    }[who]()
    login(client, outsider)
    before = Application.objects.get(pk=owned.application.pk).data
    for url in application_urls(owned):
        # A POST-only route answers a GET with 405 whoever asks, which says nothing about the application.
        assert client.get(url).status_code in (404, 405 if url.endswith("/submit/") else 404), url
        assert client.post(url, POSTS).status_code == 404, url
    assert Application.objects.get(pk=owned.application.pk).data == before


def test_the_owner_opens_every_url(client, owned, person):
    login(client, person)
    for url in application_urls(owned):
        # A draft's print preview answers 202 (正在生成) until the queue has made it.
        assert client.get(url).status_code in (200, 302, 405 if url.endswith("/submit/") else 200,
                                               202 if "/preview/" in url else 200), url


def test_anonymous_visitors_are_sent_to_log_in(client, owned):
    for url in application_urls(owned) + [reverse("applications:home"), reverse("applications:plans")]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url


def test_the_home_page_lists_only_own_applications(client, owned, stranger):
    login(client, stranger)
    page = client.get(reverse("applications:home")).content.decode()
    assert "暂无申报" in page and f'data-testid="plan-{owned.plan.pk}"' in page


@pytest.mark.parametrize("name", sorted(BUREAU_ROUTES))
def test_bureau_pages_are_403_for_applicants_and_unit_admins(client, unit, person, name):
    for user in (person, unit_admin(unit, name="单位管理员")):
        login(client, user)
        assert client.get(reverse(name)).status_code == 403
        assert client.post(reverse(name), {"action": "committee", "c-name": "越权", "c-series": "会计",
                                           "c-levels_text": "副高"}).status_code == 403
    assert not Committee.objects.filter(name="越权").exists()


def test_a_unit_account_cannot_apply(client, owned):
    account = PersonFactory(kind=User.Kind.UNIT, unit=UnitFactory(), id_number=None, gender="",
                            username="unit-account-1")
    login(client, account)
    prefix = f"p{owned.plan.pk}"
    response = client.post(reverse("applications:start", args=[owned.plan.pk]), {
        f"{prefix}-series": "工程技术", f"{prefix}-level": "副高", f"{prefix}-form": "常规申报"})
    assert "只有单位审核通过的个人用户才能申报职称。" in page_messages(client.get(response.url))


# ------------------------------------------------------------------------------------------------ the HR bureau


def committee_post(**values):
    return {"action": "committee", "c-name": "福建省经济专业高级职称评审委员会", "c-series": "经济",
            "c-levels_text": "副高,正高", **{f"c-{k}": v for k, v in values.items()}}


def plan_post(committee, **values):
    data = {
        "year": TODAY.year, "name": f"{TODAY.year}年度经济系列高级职称评审", "committee": committee.pk,
        "opens_on": TODAY.isoformat(), "closes_on": (TODAY + datetime.timedelta(days=60)).isoformat(),
        "ce_hours_per_year": 96, "ce_hours_senior": 144, "ce_years": 5, "appraisal_years": 5,
        "levels_text": "副高，正高", "series_text": "经济", "specialties_text": "", "forms_text": "常规申报,破格申报",
        "chain_text": "unit,department,bureau,committee", "min_years_text": "副高:5,正高:5", "grades_text": "优秀,合格",
        "health_text": "",
    }
    data.update(values)
    return {"action": "plan", **{f"p-{k}": v for k, v in data.items()}}


@pytest.fixture
def bureau_client(client):
    staff = bureau_staff(name="人社厅郑强")
    login(client, staff)
    client.staff = staff
    return client


def test_bureau_staff_create_a_committee_and_a_plan(bureau_client):
    client = bureau_client
    assert "评委会与评审计划" in client.get(reverse("applications:plans")).content.decode()
    response = client.post(reverse("applications:plans"), committee_post())
    assert "已新建评委会：福建省经济专业高级职称评审委员会。" in page_messages(client.get(response.url))
    committee = Committee.objects.get()
    assert (committee.series, committee.levels, committee.bureau) == ("经济", ["副高", "正高"], client.staff.unit)

    response = client.post(reverse("applications:plans"), plan_post(committee))
    assert response.status_code == 302
    assert f"已新建评审计划：{TODAY.year}年度经济系列高级职称评审。" in page_messages(client.get(response.url))
    plan = Plan.objects.get()
    assert plan.levels == ["副高", "正高"] and plan.series == ["经济"] and plan.min_years == {"副高": 5, "正高": 5}
    assert plan.chain == ["unit", "department", "bureau", "committee"] and plan.forms == ["常规申报", "破格申报"]
    assert plan.pass_share == "2/3"  # not chosen: two thirds of the attending experts
    client.post(reverse("applications:plans"), plan_post(committee, name="四分之三计划", pass_share="3/4"))
    assert Plan.objects.get(name="四分之三计划").pass_share == "3/4"
    page = client.get(reverse("applications:plans")).content.decode()
    assert plan.name in page and "用人单位 → 主管部门 → 人社部门 → 评委会" in page and "unit →" not in page


@pytest.mark.parametrize("values, field, message", [
    ({"closes_on": "2000-01-01", "opens_on": "2000-02-01"}, "closes_on", "申报截止日期不能早于开始日期。"),
    ({"levels_text": "副高,特级"}, "levels_text", "评审级别只能是初级、中级、副高、正高。"),
    ({"levels_text": ""}, "levels_text", "这个字段是必填项。"),
    ({"series_text": "经济,外交"}, "series_text", "申报系列只能是卫生技术、中小学教师、会计、工程技术、经济、其他。"),
    ({"chain_text": "用人单位,市长,评委会"}, "chain_text", "审核流程只能由用人单位、主管部门、人社部门、评委会组成，且不能重复。"),
    ({"min_years_text": "副高五年"}, "min_years_text", "格式应为 级别:年数，如 副高:5。"),
])
def test_bad_plans_are_refused_by_the_field_in_chinese(bureau_client, values, field, message):
    committee = CommitteeFactory(bureau=bureau_client.staff.unit, series="经济")
    response = bureau_client.post(reverse("applications:plans"), plan_post(committee, **values))
    assert response.status_code == 200
    assert message in response.context["plan_form"].errors[field]
    page = response.content.decode()
    assert message in page and "<details open>" in page
    assert not Plan.objects.exists()


def test_a_plan_cannot_use_another_bureaus_committee(bureau_client):
    theirs = CommitteeFactory(series="经济")
    response = bureau_client.post(reverse("applications:plans"), plan_post(theirs))
    assert response.status_code == 200 and "committee" in response.context["plan_form"].errors
    assert not Plan.objects.exists()
    assert theirs.name not in response.content.decode()


@pytest.mark.parametrize("values, field, message", [
    ({"levels_text": "特级"}, "levels_text", "评审级别只能是初级、中级、副高、正高。"),
    ({"series": "外交"}, "series", "评审系列只能是卫生技术、中小学教师、会计、工程技术、经济、其他。"),
])
def test_bad_committees_are_refused_by_the_field_in_chinese(bureau_client, values, field, message):
    response = bureau_client.post(reverse("applications:plans"), committee_post(**values))
    assert message in response.context["committee_form"].errors[field] and message in response.content.decode()
    assert not Committee.objects.exists()


def test_a_system_admin_sees_every_committee(client):
    CommitteeFactory(name="甲评委会")
    CommitteeFactory(name="乙评委会")
    login(client, system_admin())
    page = client.get(reverse("applications:plans")).content.decode()
    assert "甲评委会" in page and "乙评委会" in page
