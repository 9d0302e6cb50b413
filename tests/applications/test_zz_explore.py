import pytest
from applications import services
from applications.precheck import precheck
from applications.sections import sections
from .conftest import plan_for
from .support import *

pytestmark = pytest.mark.django_db

def test_explore(client, person, admin):
    plan = plan_for("工程技术")
    records = dossier(person, admin, series="工程技术")
    app = services.application_start(actor=person, plan=plan, series="工程技术", level="副高")
    login(client, person)
    r = save_section(client, app, "basic", basic_values("工程技术"), photo=[photo_upload()], id_card=[id_card_upload()])
    print(r.status_code)
    r = pick(client, app, "education", [records.bachelor, records.master])
    print(r.status_code, rows_of(app, "education"))
    r = pick(client, app, "papers", [records.paper])
    print(rows_of(app, "papers"))
    app.refresh_from_db()
    for p in precheck(app):
        print(p)
    r = client.get(section_url(app, "papers"))
    print(r.status_code)
