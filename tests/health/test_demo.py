"""The demo nurse's 行业专用 dossier (manage.py seed_demo) is valid by the catalogue's own rules."""

from dossier import services
from dossier.catalogue import catalogue
from dossier.models import Record, Status
from zhicheng.demo.dossiers import seed_health


def test_the_demo_health_dossier_meets_the_rules_and_is_seeded_once(nurse, admin):
    assert seed_health(nurse, admin) == 7

    topic = Record.objects.get(owner=nurse, kind="health_topic")
    assert topic.status == Status.APPROVED and topic.items.count() == 12
    review = Record.objects.get(owner=nurse, kind="health_review")
    assert review.items.count() == 22
    assert services.submission_problems(review, catalogue().kind("health_review"), nurse) == []
    cases = Record.objects.filter(owner=nurse, kind="health_case")
    assert sorted(cases.values_list("status", flat=True)) == ["draft", "draft", "pending", "pending", "pending"]

    assert seed_health(nurse, admin) == 0
    assert Record.objects.filter(owner=nurse).count() == 7
