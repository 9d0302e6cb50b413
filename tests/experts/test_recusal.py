"""回避 from verified history: each ground excludes the expert from the application and names itself; an
unapproved record does not count; an override needs a reason and goes into the flow."""

import pytest

from core.models import FlowEntry
from dossier.models import Record, Status
from experts import services
from experts.models import Exclusion, Relation
from tests.applications.support import login
from tests.chain.support import filed, walk
from tests.factories import PersonFactory, unit_account

from .conftest import meeting_day
from .test_draw import make

pytestmark = pytest.mark.django_db
G = Exclusion.Ground


@pytest.fixture(autouse=True)
def vacancies(org):
    org.quota.associate = 10
    org.quota.save()


def record(owner, kind, title, status=Status.APPROVED, **data):
    return Record.objects.create(owner=owner, unit=owner.unit, kind=kind, title=title, status=status, data=data)


@pytest.fixture
def applicant(org):
    person = PersonFactory(unit=org.unit, name="陈静")
    return walk(org, filed(org, person=person), to="accepted")


def exclusions_of(draw, expert):
    return {(x.ground, x.detail) for x in Exclusion.objects.filter(draw=draw, expert=expert)}


def whole_panel(org, pool):
    return make(org, size=len(pool.experts), reserves=0)


def test_the_same_current_unit(org, pool, applicant):
    colleague = pool.add("同院专家", unit=org.unit)
    draw = make(org, size=len(pool.experts) + 1, reserves=0)
    assert exclusions_of(draw, colleague) == {(G.UNIT, "现工作单位均为福州市第一医院")}
    assert not any(exclusions_of(draw, e) for e in pool.experts)


def test_overlapping_verified_work_experience(org, pool, applicant):
    expert = pool.experts[0]
    record(expert.person, "work_experience", "厦门大学附属医院", employer="厦门大学附属医院",
           start_date="2008-01-01", end_date="2014-06-30")
    record(applicant.applicant, "work_experience", "厦门大学 附属医院", employer="厦门大学 附属医院",
           start_date="2012-03-01", end_date="2016-01-01")
    unapproved = pool.experts[1]
    record(unapproved.person, "work_experience", "厦门大学附属医院", Status.PENDING, employer="厦门大学附属医院",
           start_date="2008-01-01")
    apart = pool.experts[2]
    record(apart.person, "work_experience", "厦门大学附属医院", employer="厦门大学附属医院",
           start_date="2000-01-01", end_date="2011-12-31")
    draw = whole_panel(org, pool)
    assert exclusions_of(draw, expert) == {(G.WORK, "2012-03至2014-06均在厦门大学附属医院工作")}
    assert exclusions_of(draw, unapproved) == set() and exclusions_of(draw, apart) == set()


@pytest.mark.parametrize("kind, date_field", [("paper", "published_on"), ("book", "published_on"),
                                              ("research_project", "start_date"), ("standard", "published_on"),
                                              ("patent", "approved_on")])
def test_a_joint_approved_record(org, pool, applicant, kind, date_field):
    expert = pool.experts[0]
    record(expert.person, kind, "ＢＩＭ在桥梁工程中的应用", **{date_field: "2020-05-01"})
    record(applicant.applicant, kind, "BIM 在桥梁工程中的应用", **{date_field: "2020-11-11"})
    other_year = pool.experts[1]
    record(other_year.person, kind, "BIM在桥梁工程中的应用", **{date_field: "2019-05-01"})
    draw = whole_panel(org, pool)
    assert exclusions_of(draw, expert) == {(G.COAUTHOR, "共同完成《ＢＩＭ在桥梁工程中的应用》（2020年）")}
    assert exclusions_of(draw, other_year) == set()


def test_an_unapproved_joint_record_does_not_count(org, pool, applicant):
    expert = pool.experts[0]
    record(expert.person, "paper", "桥梁检测", Status.DRAFT, published_on="2020-05-01")
    record(applicant.applicant, "paper", "桥梁检测", Status.PENDING, published_on="2020-05-01")
    assert exclusions_of(whole_panel(org, pool), expert) == set()


def test_the_expert_is_the_applicant(org, pool, applicant):
    herself = pool.add("陈静本人", unit=None)
    herself.person = applicant.applicant
    herself.save()
    draw = make(org, size=len(pool.experts) + 1, reserves=0)
    assert (G.SELF, "专家本人即申报人") in exclusions_of(draw, herself)


@pytest.mark.parametrize("kind, ground", [("kin", G.KIN), ("mentor", G.MENTOR), ("other", G.OTHER)])
@pytest.mark.parametrize("by", ["expert", "applicant"])
def test_declared_relations_by_either_side(org, pool, applicant, kind, ground, by):
    expert = pool.experts[0]
    declarer = expert.person if by == "expert" else applicant.applicant
    services.relation_declare(actor=declarer, expert_person=expert.person, other=applicant.applicant, kind=kind,
                              note="硕士导师" if kind == "mentor" else "")
    draw = whole_panel(org, pool)
    assert {g for g, _ in exclusions_of(draw, expert)} == {ground}
    assert Relation.objects.count() == 1


def test_an_override_needs_a_reason_and_is_in_the_flow(org, pool, applicant):
    colleague = pool.add("同院专家", unit=org.unit)
    draw = make(org, size=len(pool.experts) + 1, reserves=0)
    exclusion = Exclusion.objects.get(draw=draw, expert=colleague)
    with pytest.raises(services.ExpertError, match="撤销回避必须填写理由。"):
        services.exclusion_override(actor=org.committee, exclusion_id=exclusion.pk, reason="")
    services.exclusion_override(actor=org.committee, exclusion_id=exclusion.pk, reason="已调离该院三年")
    exclusion.refresh_from_db()
    assert exclusion.override_reason == "已调离该院三年" and exclusion.overridden_by == org.committee
    entry = FlowEntry.objects.get(subject_type="application", subject_id=applicant.pk, action="recusal_override")
    assert "已调离该院三年" in entry.opinion and "同院专家" in entry.opinion


def test_recusal_reads_a_constant_number_of_queries(org, pool, applicant, django_assert_max_num_queries):
    for i in range(3):
        walk(org, filed(org, name=f"申报人{i}"), to="accepted")
    with django_assert_max_num_queries(12):
        make(org, size=5, reserves=2, meeting_on=meeting_day())


def test_an_applicant_declares_a_relation_on_the_page(org, pool, applicant, client):
    expert = pool.experts[0]
    login(client, applicant.applicant)
    url = "/experts/relations/"
    page = client.post(url, {"id_number": expert.person.id_number, "name": "别人", "kind": "kin"}).content.decode()
    assert "没有找到身份证号和姓名都相符的注册人员。" in page and not Relation.objects.exists()
    client.post(url, {"id_number": expert.person.id_number, "name": expert.person.name, "kind": "mentor",
                      "note": "本科导师"})
    page = client.get(url).content.decode()
    assert expert.person.name in page and expert.person.id_number not in page
    draw = whole_panel(org, pool)
    assert exclusions_of(draw, expert) == {(G.MENTOR, "本科导师")}
    login(client, unit_account(org.unit))
    assert client.get(url).status_code == 404
