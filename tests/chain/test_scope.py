"""Who sees what in the review chain, enumerated from the `chain` URLconf so that a new route is covered the day
it is added: every application page of every node is 404 for staff outside the application's scope, for
applicants, and for a node the application has not reached yet; the applicant's own pages stay 404 for
reviewers; 委托 moves the unit node to the delegate's admins and back."""

import io
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, get_resolver, reverse
from python_calamine import CalamineWorkbook

from accounts.models import Role
from applications import chain
from applications.models import ApplicationFile, Delegation
from core.models import FlowAttachment, FlowEntry
from orgs.models import Unit
from review.stages import stages
from tests.applications import test_access as own_access
from tests.applications.support import login
from tests.factories import CommitteeFactory, PersonFactory, UnitFactory, bureau_staff, unit_admin
from tests.helpers import fetch_print

from .support import filed, staff, state, walk

pytestmark = pytest.mark.django_db

NODE_KEYS = list(stages().desks)
# How each route's arguments are built. A new route must be declared here (test_every_chain_route_is_declared
# fails until it is); a route taking `pk` is an application's page and is checked for every node and outsider.
ARGUMENTS = {
    "chain:unit": lambda o, node: {},
    "chain:department": lambda o, node: {},
    "chain:bureau": lambda o, node: {},
    "chain:committee": lambda o, node: {},
    "chain:list": lambda o, node: {"node_key": node},
    "chain:unit_plans": lambda o, node: {},
    "chain:defences": lambda o, node: {},
    "chain:defences_template": lambda o, node: {},
    "chain:unit_plan": lambda o, node: {"plan_pk": o.plan.pk},
    "chain:unit_publicity": lambda o, node: {"plan_pk": o.plan.pk, "fmt": "xlsx"},
    "chain:stats": lambda o, node: {},
    "chain:review": lambda o, node: {"node_key": node, "pk": o.application.pk},
    "chain:file": lambda o, node: {"node_key": node, "pk": o.application.pk, "file_pk": o.file.pk},
    "chain:flow_file": lambda o, node: {"node_key": node, "pk": o.application.pk, "attachment_pk": o.proof.pk},
    "chain:print": lambda o, node: {"node_key": node, "pk": o.application.pk, "kind": "brief.pdf"},
}
POSTS = [{"action": "claim"}, {"action": "decide", "d-decision": "return", "d-opinion": "越权退回"},
         {"action": "accept", "a-accepted_on": "2020-01-01"}, {"action": "result", "r-members": "9", "r-attending": "9", "r-agree": "9", "r-disagree": "0"},
         {"action": "confirm"}]


def _routes() -> dict[str, URLPattern]:
    namespace = next(r for r in get_resolver().url_patterns if getattr(r, "namespace", None) == "chain")
    return {f"chain:{p.name}": p for p in namespace.url_patterns}


def application_urls(o) -> list[str]:
    """Every application page of every node."""
    return [reverse(name, kwargs=ARGUMENTS[name](o, node)) for name, pattern in _routes().items()
            if "pk" in pattern.pattern.converters for node in NODE_KEYS]


def list_urls(o) -> list[str]:
    names = [name for name, pattern in _routes().items() if "pk" not in pattern.pattern.converters]
    urls = {reverse(name, kwargs=ARGUMENTS[name](o, node)) for name in names for node in NODE_KEYS}
    return sorted(urls)


def with_files(org, application):
    """The application's photo and, once the unit has passed it, the 公示证明 on its flow."""
    item = ApplicationFile(application=application, section="basic", slot="photo", name="证件照.jpg", size=3,
                           content_type="image/jpeg")
    item.file.save("x", ContentFile(b"\xff\xd8\xff"), save=False)
    item.save()
    return SimpleNamespace(application=application, plan=org.plan, file=item,
                           proof=FlowAttachment.objects.filter(entry__subject_id=application.pk).first())


@pytest.fixture
def everywhere(org):
    """An application that has been through every node (passed, waiting for the bureau's confirmation)."""
    application = walk(org, filed(org), to="passed")
    return with_files(org, application)


def outsiders(org) -> dict:
    """Staff of every node whose scope does not hold the application, and applicants."""
    other_bureau = UnitFactory(kind=Unit.Kind.BUREAU, nature=Unit.Nature.GOVERNMENT, name="厦门市人社局")
    other_department = UnitFactory(kind=Unit.Kind.DEPARTMENT, nature=Unit.Nature.GOVERNMENT, name="福州市教育局")
    CommitteeFactory(bureau=other_bureau)
    return {
        "other unit's admin": lambda: unit_admin(UnitFactory(name="福州市第二医院"), name="外单位管理员"),
        "other department's reviewer": lambda: staff(Role.DEPARTMENT_REVIEWER, other_department, name="教育局审核员"),
        "bureau of another city": lambda: bureau_staff(region_code="350200", name="厦门人社局干部"),
        "other bureau's committee office": lambda: staff(Role.COMMITTEE_STAFF, other_bureau, name="厦门评委会干部"),
        "another applicant": lambda: PersonFactory(unit=org.unit, name="王五"),
        "the applicant": lambda: org.application_owner,
    }


def text_of(response) -> str:
    """A page's text, or every cell of a downloaded workbook (the 答辩安排 template)."""
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        sheets = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        return "\n".join(str(cell) for name in sheets.sheet_names
                         for row in sheets.get_sheet_by_name(name).to_python() for cell in row)
    return response.content.decode()


OUTSIDERS = ["other unit's admin", "other department's reviewer", "bureau of another city",
             "other bureau's committee office", "another applicant", "the applicant"]


def test_every_chain_route_is_declared():
    for name in _routes():
        assert name in ARGUMENTS, f"{name}: declare how its arguments are built"
    assert len(_routes()) == len(ARGUMENTS)


def test_every_application_page_is_enumerated(org, everywhere):
    # review, file, flow file, print — each at four nodes
    assert len(application_urls(everywhere)) == 4 * 4


def assert_404_everywhere(client, o, who):
    before = state(o.application)
    for url in application_urls(o):
        assert client.get(url).status_code == 404, (who, url)
        if "/print/" not in url and "files/" not in url:
            for data in POSTS:
                assert client.post(url, data).status_code == 404, (who, url, data)
    assert state(o.application) == before, who


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_on_every_application_page(client, org, everywhere, who):
    org.application_owner = everywhere.application.applicant
    user = outsiders(org)[who]()
    login(client, user)
    assert_404_everywhere(client, everywhere, who)
    name = everywhere.application.applicant.name
    for url in list_urls(everywhere):
        for tab in ("", "?status=all"):
            response = client.get(url + tab)
            assert response.status_code in (200, 404), (who, url)
            assert name not in text_of(response), (who, url)


def test_each_node_opens_every_page_of_its_own_node(client, org, everywhere):
    name = everywhere.application.applicant.name
    for node, user in (("unit", org.clerk), ("department", org.reviewer), ("bureau", org.bureau),
                       ("committee", org.committee)):
        login(client, user)
        for route in ("chain:review", "chain:file", "chain:flow_file", "chain:print"):
            url = reverse(route, kwargs=ARGUMENTS[route](everywhere, node))
            response = fetch_print(client, url) if route == "chain:print" else client.get(url)
            assert response.status_code == 200, (node, url)
        assert name in client.get(reverse("chain:list", args=[node]) + "?status=all").content.decode(), node
        # A node's staff do not staff the other nodes.
        for other in NODE_KEYS:
            if other != node:
                url = reverse("chain:review", kwargs=ARGUMENTS["chain:review"](everywhere, other))
                assert client.get(url).status_code == 404, (node, other)


@pytest.mark.parametrize("reached", ["unit", "department", "bureau", "committee"])
def test_a_node_not_reached_yet_gets_404(client, org, reached):
    """Filed and standing at `reached`: the later nodes' (in-scope) staff see nothing of it yet."""
    application = walk(org, filed(org), to=reached)
    assert stages().desk_of(application.stage).key == reached
    o = with_files(org, application)
    later = NODE_KEYS[NODE_KEYS.index(reached) + 1:]
    staff_of = {"department": org.reviewer, "bureau": org.bureau, "committee": org.committee}
    for node in later:
        login(client, staff_of[node])
        before = state(application)
        for route in ("chain:review", "chain:file", "chain:print") + (("chain:flow_file",) if o.proof else ()):
            url = reverse(route, kwargs=ARGUMENTS[route](o, node))
            assert client.get(url).status_code == 404, (reached, node, url)
        for data in POSTS:
            assert client.post(reverse("chain:review", args=[node, application.pk]), data).status_code == 404
        assert state(application) == before
        page = client.get(reverse("chain:list", args=[node]) + "?status=all").content.decode()
        assert application.applicant.name not in page
    # …and the node where it stands does see it.
    here = {"unit": org.clerk, **staff_of}[reached]
    login(client, here)
    assert client.get(reverse("chain:review", args=[reached, application.pk])).status_code == 200


@pytest.mark.parametrize("who", ["clerk", "reviewer", "bureau", "committee"])
def test_the_applicants_own_pages_stay_404_for_reviewers(client, org, who):
    application = walk(org, filed(org), to="passed")
    o = with_files(org, application)
    owned = SimpleNamespace(plan=org.plan, application=application, photo=o.file, flow_file=o.proof)
    urls = own_access.application_urls(owned)
    assert len(urls) == 8  # with the print preview
    login(client, getattr(org, who))
    for url in urls:
        assert client.get(url).status_code in (404, 405 if url.endswith("/submit/") else 404), (who, url)
        assert client.post(url, own_access.POSTS).status_code == 404, (who, url)
    # The owner opens them (the 404s above are about the reviewer, not about the URLs).
    login(client, application.applicant)
    assert client.get(reverse("applications:detail", args=[application.pk])).status_code == 200


# ------------------------------------------------------------------------------------------------ 委托


def visible_to(client, user, application) -> tuple[bool, bool]:
    login(client, user)
    listed = application.applicant.name in client.get(reverse("chain:unit") + "?status=all").content.decode()
    opened = client.get(reverse("chain:review", args=["unit", application.pk])).status_code
    assert opened in (200, 404)
    return listed, opened == 200


def test_delegation_moves_the_unit_node_to_the_delegates_admins_and_back(client, org):
    application = filed(org)
    delegate = UnitFactory(name="福州市人才服务中心")
    delegate_admin = unit_admin(delegate, name="受托单位管理员")
    chain.claim(actor=org.clerk, stage="unit", pk=application.pk)
    assert visible_to(client, org.clerk, application) == (True, True)
    assert visible_to(client, delegate_admin, application) == (False, False)

    login(client, org.clerk)
    response = client.post(reverse("chain:unit_plan", args=[org.plan.pk]), {"action": "delegate",
                                                                          "unit": delegate.pk})
    assert response.status_code == 302
    assert Delegation.objects.get(unit=org.unit, plan=org.plan).delegate == delegate
    application.refresh_from_db()
    assert application.claimed_by is None  # the delegate's clerks claim afresh
    assert visible_to(client, org.clerk, application) == (False, False)
    assert visible_to(client, org.clerk2, application) == (False, False)
    assert visible_to(client, delegate_admin, application) == (True, True)
    # The delegate decides; the unit's clerks cannot.
    with pytest.raises(Exception) as refused:
        chain.claim(actor=org.clerk2, stage="unit", pk=application.pk)
    assert refused.type.__name__ == "Http404"
    chain.claim(actor=delegate_admin, stage="unit", pk=application.pk)

    login(client, org.clerk)
    client.post(reverse("chain:unit_plan", args=[org.plan.pk]), {"action": "cancel"})
    assert not Delegation.objects.exists()
    assert visible_to(client, org.clerk, application) == (True, True)
    assert visible_to(client, delegate_admin, application) == (False, False)
    actions = [e.action for e in FlowEntry.objects.filter(subject_id=application.pk).order_by("pk")]
    assert actions[-3:] == ["delegate", "claim", "delegate_cancel"]


def test_a_unit_cannot_delegate_to_itself(client, org):
    login(client, org.clerk)
    response = client.post(reverse("chain:unit_plan", args=[org.plan.pk]), {"action": "delegate",
                                                                          "unit": org.unit.pk})
    assert response.status_code == 200 and "不能委托给本单位。" in response.content.decode()
    assert not Delegation.objects.exists()


def test_only_unit_admins_open_the_plan_list(client, org):
    for user in (org.reviewer, org.bureau, org.committee, PersonFactory(unit=org.unit)):
        login(client, user)
        assert client.get(reverse("chain:unit_plans")).status_code == 404
        assert client.post(reverse("chain:unit_plan", args=[org.plan.pk]),
                           {"action": "delegate", "unit": org.unit.pk}).status_code == 404
    assert not Delegation.objects.exists()
