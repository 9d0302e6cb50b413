"""factory_boy factories for people, units and roles (valid ID numbers and credit codes)."""

import datetime
import itertools

import factory

from accounts.models import Role, RoleAssignment, User, person_username
from orgs.models import Region, Unit
from zhicheng.demo.ids import make_credit_code, make_id_number

PASSWORD = "Passw0rd2026"
_serial = itertools.count(1)


def region(code="350102"):
    """The test regions: Fujian › Fuzhou › Gulou (loaded by the `regions` fixture)."""
    return Region.objects.get(code=code)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    kind = Unit.Kind.UNIT
    name = factory.Sequence(lambda n: f"测试单位{n}号")
    credit_code = factory.LazyFunction(lambda: make_credit_code("350102", f"MT{next(_serial):07d}"))
    nature = Unit.Nature.PUBLIC_INSTITUTION
    region = factory.LazyFunction(region)
    contact_name = "联系人"
    contact_phone = "13900000000"
    email = "unit@example.cn"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    kind = User.Kind.PERSON
    name = factory.Sequence(lambda n: f"测试人{n}")
    id_number = factory.LazyFunction(
        lambda: make_id_number("350102", datetime.date(1980, 1, 1) + datetime.timedelta(days=next(_serial)), 7)
    )
    username = factory.LazyAttribute(lambda o: person_username(o.id_number))
    gender = factory.LazyAttribute(lambda o: "M" if int(o.id_number[16]) % 2 else "F")
    phone = factory.Sequence(lambda n: f"137{n:08d}")
    email = factory.Sequence(lambda n: f"person{n}@example.cn")
    unit = factory.SubFactory(UnitFactory)
    registration = User.Registration.APPROVED
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def unit_admin(unit, **kwargs) -> User:
    """A person who administers `unit`."""
    person = PersonFactory(unit=unit, **kwargs)
    RoleAssignment.objects.create(user=person, role=Role.UNIT_ADMIN, unit=unit)
    return person


def unit_account(unit) -> User:
    """The unit's own login (单位账号, named as the unit), which administers it as the demo's unit accounts do."""
    account = User.objects.create_user(unit.credit_code, "Unit2026pass", kind=User.Kind.UNIT, name=unit.name,
                                       unit=unit, registration=User.Registration.APPROVED)
    RoleAssignment.objects.create(user=account, role=Role.UNIT_ADMIN, unit=unit)
    return account


def bureau_staff(region_code="350000", **kwargs) -> User:
    person = PersonFactory(**kwargs)
    RoleAssignment.objects.create(user=person, role=Role.BUREAU_STAFF, region=Region.objects.get(code=region_code))
    return person


def system_admin(**kwargs) -> User:
    person = PersonFactory(**kwargs)
    RoleAssignment.objects.create(user=person, role=Role.SYSTEM_ADMIN)
    return person


def id_number_ending_in_x(area="350102", birth=datetime.date(1985, 5, 5), gender="F") -> str:
    """A valid ID number whose check character is X (about one number in eleven has one)."""
    for seq in range(100):
        number = make_id_number(area, birth, seq, gender)
        if number.endswith("X"):
            return number
    raise AssertionError(f"no ID number ending in X for {area} {birth}")


# ---------------------------------------------------------------------------------------------------------------
# Title applications (issue 6): committees and review plans.


class CommitteeFactory(factory.django.DjangoModelFactory):
    """A 评委会 of one series, owned by an HR bureau."""

    class Meta:
        model = "applications.Committee"

    name = factory.Sequence(lambda n: f"测试评审委员会{n}")
    series = "工程技术"
    levels = factory.LazyFunction(lambda: ["中级", "副高", "正高"])
    bureau = factory.SubFactory(UnitFactory, kind=Unit.Kind.BUREAU, nature=Unit.Nature.GOVERNMENT,
                                name=factory.Sequence(lambda n: f"测试人社厅{n}"))


class PlanFactory(factory.django.DjangoModelFactory):
    """An open 评审计划 of this year for the committee's series, with the usual eligibility parameters."""

    class Meta:
        model = "applications.Plan"

    committee = factory.SubFactory(CommitteeFactory)
    year = factory.LazyFunction(lambda: datetime.date.today().year)
    name = factory.LazyAttribute(lambda o: f"{o.year}年度{o.committee.series}职称评审")
    levels = factory.LazyAttribute(lambda o: list(o.committee.levels))
    series = factory.LazyAttribute(lambda o: [o.committee.series])
    opens_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))
    closes_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=60))
    forms = factory.LazyFunction(lambda: ["常规申报", "破格申报"])
    chain = factory.LazyFunction(lambda: ["unit", "department", "bureau", "committee"])
    min_years = factory.LazyFunction(lambda: {"中级": 4, "副高": 5, "正高": 5})
    appraisal_grades = factory.LazyFunction(lambda: ["优秀", "合格"])
    # The chain's tests walk to 确认发证 without a publicity list; the publicity tests tick it themselves.
    publicity_required = False
