"""A pick refused part-way (a limit reached on the second record) leaves neither rows nor copied files behind."""

from pathlib import Path

import pytest

from applications import services
from applications.models import ApplicationFile
from applications.sections import sections

from .support import approved, plan_for

pytestmark = pytest.mark.django_db


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "applications"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_refused_pick_deletes_the_files_it_copied(settings, person, admin):
    degrees = [approved(person, admin, "education", {
        "school": f"福州大学{n}", "start_date": f"200{n}-09-01", "end_date": f"200{n + 4}-07-01", "major": "土木工程",
        "education_type": "全日制教育", "education": "大学本科", "degree": "学士", "degree_date": f"200{n + 4}-07-01"})
        for n in (1, 2)]
    application = services.application_start(actor=person, plan=plan_for("工程技术"), series="工程技术", level="副高")
    with pytest.raises(services.ApplicationError, match="各至多一条"):
        services.rows_pick(actor=person, application=application, section=sections().get("education"),
                           record_ids=[r.pk for r in degrees])
    assert ApplicationFile.objects.count() == 0
    assert stored_files(settings) == []
    # The same pick of one record goes through and keeps its copy.
    services.rows_pick(actor=person, application=application, section=sections().get("education"),
                       record_ids=[degrees[0].pk])
    assert ApplicationFile.objects.count() == 1 and len(stored_files(settings)) == 1
