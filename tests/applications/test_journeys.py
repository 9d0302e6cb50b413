"""An application from start to submission for each series, through the pages as a browser posts them: open
the plan (申报), pick approved dossier records into the rows sections, type the rest, upload the photo and the
ID-card image, pass the pre-check, 提交."""

import pytest
from django.urls import reverse

from applications import services
from applications.models import Application, ApplicationFile, Citation
from applications.precheck import precheck
from applications.sections import sections
from core.models import FlowEntry
from dossier import services as dossier_services
from dossier.catalogue import catalogue
from dossier.models import Status
from tests.applications.support import approved
from tests.factories import PersonFactory

from .support import (
    PAPER_TITLE,
    RECENT,
    SCHOOL,
    SERIES,
    dossier,
    fill_everything,
    login,
    page_messages,
    pick,
    plan_for,
    rows_of,
    section_keys,
    section_url,
    update_row,
)

pytestmark = pytest.mark.django_db

# Three series with their own section and one (工程技术) without.
ALL_SERIES = ["卫生技术", "中小学教师", "会计", "工程技术"]


def start_through_the_page(client, plan, series: str) -> Application:
    home = client.get(reverse("applications:home"))
    assert plan.name in home.content.decode()
    prefix = f"p{plan.pk}"
    response = client.post(reverse("applications:start", args=[plan.pk]), {
        f"{prefix}-series": series, f"{prefix}-level": SERIES[series].level, f"{prefix}-form": "常规申报"})
    application = Application.objects.get(plan=plan)
    assert response.status_code == 302 and response.url == reverse("applications:detail", args=[application.pk])
    return application


@pytest.mark.parametrize("series", ALL_SERIES)
def test_an_application_of_each_series_is_filled_from_the_dossier_and_submitted(client, unit, admin, series):
    person = PersonFactory(unit=unit, name="张伟", series=series)
    plan = plan_for(series)
    records = dossier(person, admin, series=series)
    login(client, person)
    application = start_through_the_page(client, plan, series)
    assert application.series == series and application.unit == unit

    fill_everything(client, application, records, series=series)
    application.refresh_from_db()
    assert precheck(application) == []

    detail = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "所有申报条件均已满足，可以提交。" in detail
    assert detail.count("已完成") == len(section_keys(series))
    # The series section is there exactly for its series.
    own = {"卫生技术": "health", "中小学教师": "teacher", "会计": "accounting"}.get(series)
    for key in ("health", "teacher", "accounting"):
        assert (section_url(application, key) in detail) == (key == own)

    response = client.post(reverse("applications:submit", args=[application.pk]))
    assert response.status_code == 302
    assert "申报已提交，信息已锁定。可以下载打印申报材料。" in page_messages(client.get(response.url))
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED and application.submitted_at
    assert FlowEntry.objects.filter(subject_type="application", subject_id=application.pk,
                                    action="submit").count() == 1

    snapshot = application.snapshot
    assert snapshot["account"]["name"] == "张伟" and snapshot["series"] == series
    assert [r["values"]["school"] for r in snapshot["sections"]["education"]["rows"]] == [SCHOOL, "同济大学"]
    assert [r["values"]["year"] for r in snapshot["sections"]["continuing_education"]["rows"]] == RECENT
    assert snapshot["sections"]["papers"]["rows"][0]["values"]["title"] == PAPER_TITLE
    slots = {(f["section"], f["slot"]) for f in snapshot["files"]}
    assert {("basic", "photo"), ("basic", "id_card")} <= slots
    # Every picked record is cited; its evidence was copied where the section keeps row files (考核 and 社会团体
    # rows have none).
    cited = dict(Citation.objects.filter(application=application).values_list("record_id", "section"))
    assert len(cited) == 2 + 1 + len(RECENT) + 1 + 1 + 1 + 2 + len(RECENT)
    with_files = [s.key for s in sections().all if s.row_attachment]
    assert ApplicationFile.objects.filter(application=application, slot="row").count() == sum(
        1 for section in cited.values() if section in with_files)


def test_picked_rows_carry_the_record_values_and_a_copy_of_its_evidence(person, admin, make_plan):
    plan = make_plan("工程技术")
    records = dossier(person, admin, series="工程技术", years=RECENT[:1])
    application = services.application_start(actor=person, plan=plan, series="工程技术", level="副高")

    added = services.rows_pick(actor=person, application=application, section=sections().get("education"),
                               record_ids=[records.bachelor.pk, records.master.pk])

    assert added == 2
    rows = rows_of(application, "education")
    assert rows[0]["values"] == {"start": "2002-09-01", "end": "2006-07-01", "school": SCHOOL, "major": "土木工程",
                                 "education": "大学本科", "degree": "学士", "pre_work": "是"}
    assert rows[1]["values"]["pre_work"] == "否"  # 在职教育: obtained while working
    assert [r["record_id"] for r in rows] == [records.bachelor.pk, records.master.pk]
    copies = ApplicationFile.objects.filter(application=application, section="education", row_id=rows[0]["id"])
    original = records.bachelor.evidence.get()
    assert [(c.name, c.size) for c in copies] == [(original.name, original.size)]
    assert copies[0].file.name != original.file.name
    # Picking the same records again adds nothing.
    assert services.rows_pick(actor=person, application=application, section=sections().get("education"),
                              record_ids=[records.bachelor.pk]) == 0


def test_only_own_approved_records_of_the_section_types_can_be_picked(person, stranger, admin, make_plan):
    plan = make_plan("工程技术")
    application = services.application_start(actor=person, plan=plan, series="工程技术", level="副高")
    education = sections().get("education")
    theirs = approved(stranger, admin, "education", {
        "school": "厦门大学", "start_date": "2001-09-01", "end_date": "2005-07-01", "major": "化学",
        "education_type": "全日制教育", "education": "大学本科"})
    mine = approved(person, admin, "paper", {"title": "论文", "published_on": "2023-01-01", "journal": "刊物",
                                             "journal_level": "核心期刊"})
    for record in (theirs, mine):
        with pytest.raises(services.ApplicationError, match="只能选择本人审核通过的业绩。"):
            services.rows_pick(actor=person, application=application, section=education, record_ids=[record.pk])
    assert rows_of(application, "education") == []


def test_a_pending_record_is_not_offered_for_picking(client, person, admin, make_plan):
    plan = make_plan("工程技术")
    application = services.application_start(actor=person, plan=plan, series="工程技术", level="副高")
    kind = catalogue().kind("paper")
    pending = dossier_services.record_create(owner=person, kind=kind, data={
        "title": "审核中的论文", "published_on": "2023-01-01", "journal": "刊物", "journal_level": "核心期刊"})
    assert pending.status == Status.DRAFT
    login(client, person)
    page = client.get(section_url(application, "papers")).content.decode()
    assert "审核中的论文" not in page
    assert "业绩库中没有可引用的审核通过的业绩，可在下方手工填写。" in page
    assert 'value="add_row">保存并新增</button>' in page  # SPEC's label: the row is saved, an empty form follows
    response = pick(client, application, "papers", [pending])
    assert "只能选择本人审核通过的业绩。" in page_messages(client.get(response.url))


def test_a_picked_paper_is_completed_with_its_journal_number(client, person, admin, make_plan):
    plan = make_plan("工程技术")
    records = dossier(person, admin, series="工程技术", years=RECENT[:1])
    application = services.application_start(actor=person, plan=plan, series="工程技术", level="副高")
    login(client, person)
    pick(client, application, "papers", [records.paper])
    row = rows_of(application, "papers")[0]
    assert row["values"].get("issn") is None  # this dossier paper holds no journal number
    application.refresh_from_db()
    assert "论文情况第1条：期刊号未填写或填写有误，请修改。" in [p.message for p in precheck(application)]

    form = client.get(section_url(application, "papers") + f"?edit={row['id']}").content.decode()
    assert "修改第1条" in form and "引用自业绩库" in form and f'value="{PAPER_TITLE}"' in form
    values = {k: v for k, v in row["values"].items() if v is not None}
    response = update_row(client, application, "papers", row["id"], {**values, "issn": "CN 11-2120/TU"})
    assert response.status_code == 302
    assert "已修改第1条。" in page_messages(client.get(response.url))
    row = rows_of(application, "papers")[0]
    assert row["values"]["issn"] == "CN 11-2120/TU" and row["record_id"] == records.paper.pk
    application.refresh_from_db()
    assert not [p for p in precheck(application) if p.message.startswith("论文情况")]


def test_starting_twice_returns_the_same_application(client, person, make_plan):
    plan = make_plan("工程技术")
    login(client, person)
    first = start_through_the_page(client, plan, "工程技术")
    second = start_through_the_page(client, plan, "工程技术")
    assert first.pk == second.pk and Application.objects.count() == 1
    # Once applied to, the plan is no longer offered on the home page; the application is listed instead.
    home = client.get(reverse("applications:home")).content.decode()
    assert f'data-testid="plan-{plan.pk}"' not in home and "继续填报" in home


@pytest.mark.parametrize("change, message", [
    (lambda person, plan: setattr(person, "registration", "pending"), "只有单位审核通过的个人用户才能申报职称。"),
    (lambda person, plan: setattr(plan, "series", ["会计"]), "该评审计划不受理所选的申报系列。"),
    (lambda person, plan: setattr(plan, "levels", ["正高"]), "该评审计划不受理所选的申报级别。"),
    (lambda person, plan: setattr(plan, "closes_on", plan.opens_on), "该评审计划不在申报时间内。"),
])
def test_who_may_start_an_application(person, make_plan, change, message):
    plan = make_plan("工程技术")
    change(person, plan)
    person.save()
    plan.save()
    with pytest.raises(services.ApplicationError, match=message):
        services.application_start(actor=person, plan=plan, series="工程技术", level="副高")
    assert not Application.objects.exists()
