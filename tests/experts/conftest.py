"""Expert tests: the review-chain world (`org`: units, staff, an open 工程技术 plan, the committee office) with an
expert pool of its committee and applications waiting for the committee's result."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from experts import services
from experts.models import Expert
from tests.applications.conftest import _applications_environment  # noqa: F401
from tests.chain.conftest import org  # noqa: F401
from tests.factories import PersonFactory, UnitFactory

GROUP = "结构工程"
TODAY = datetime.date.today()


def expert_data(person, **overrides) -> dict:
    data = {"person": person, "id_number": person.id_number, "name": person.name, "series": "工程技术",
            "specialty": GROUP, "level": "正高", "term_start": TODAY - datetime.timedelta(days=30),
            "term_end": TODAY + datetime.timedelta(days=700)}
    return {**data, **overrides}


@pytest.fixture
def pool(org):  # noqa: F811 - the chain tests' fixture
    """Nine experts of the committee's pool in the 学科组, each at a unit of their own."""

    def add(name, *, unit=None, **overrides) -> Expert:
        person = PersonFactory(name=name, unit=unit or UnitFactory(name=f"{name}的单位"))
        return services.expert_add(actor=org.committee, committee=org.plan.committee,
                                   data=expert_data(person, **overrides))

    experts = [add(f"专家{i}") for i in range(1, 10)]
    return SimpleNamespace(experts=experts, add=add)


def meeting_day(days=14):
    return timezone.localdate() + datetime.timedelta(days=days)
