"""The pre-check (申报条件预检): from a complete application, each condition made to fail alone is named, with a
link to where it is fixed; hard conditions block 提交, soft ones (破格申报) are shown and do not."""

import datetime
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from applications import services
from applications.models import Application, ApplicationFile
from applications.precheck import precheck
from applications.sections import sections
from core.uploads import check_upload
from dossier import services as dossier_services
from dossier.catalogue import catalogue
from tests.factories import PersonFactory

from .support import (
    RECENT,
    dossier,
    fill_everything,
    health_topic,
    login,
    page_messages,
    plan_for,
    rows_of,
    scan_upload,
    section_url,
    values_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def complete(unit, admin):
    """complete(series, …) → a filled application that passes every condition, its applicant's client logged in."""
    def make(series: str = "工程技术", *, level: str = "副高", form: str = "常规申报", records_series: str | None = None,
             basic: dict | None = None, qualification: dict | None = None, ce_hours: int = 100, **plan_kwargs):
        person = PersonFactory(unit=unit, name="张伟", series=series)
        plan = plan_for(series, **plan_kwargs)
        records = dossier(person, admin, series=records_series or series, ce_hours=ce_hours)
        application = services.application_start(actor=person, plan=plan, series=series, level=level, form=form)
        client = login(Client(), person)
        fill_everything(client, application, records, series=series, basic=basic, qualification=qualification)
        application.refresh_from_db()
        return SimpleNamespace(application=application, client=client, person=person, plan=plan, records=records)

    return make


def messages_of(application, *, hard=None) -> list[str]:
    application = Application.objects.get(pk=application.pk)
    return [p.message for p in precheck(application) if hard is None or p.hard == hard]


def section(key):
    return sections().get(key)


def update(app, key: str, year: int, **values):
    """Change the row of `year` in a one-per-year section."""
    row = next(r for r in rows_of(app.application, key) if r["values"]["year"] == year)
    services.row_update(actor=app.person, application=app.application, section=section(key), row_id=row["id"],
                        values={**row["values"], **values})


@pytest.mark.parametrize("series", ["工程技术", "中小学教师", "卫生技术", "会计"])
def test_a_complete_application_passes(complete, series):
    app = complete(series)
    assert messages_of(app.application) == []
    page = app.client.get(reverse("applications:detail", args=[app.application.pk])).content.decode()
    assert "所有申报条件均已满足，可以提交。" in page and "disabled" not in page.split('data-testid="precheck"')[1]


def test_a_missing_section_field_is_named(complete):
    app = complete()
    values = {**values_of(app.application, "work_history"), "before": None}
    services.section_save(actor=app.person, application=app.application, section=section("work_history"), values=values)
    assert messages_of(app.application) == ["专业技术工作经历：取得现资格前的专业技术工作经历未填写或填写有误。"]


def test_a_missing_series_section_field_is_named(complete):
    app = complete("中小学教师")
    values = {**values_of(app.application, "teacher"), "years_head_teacher": None}
    services.section_save(actor=app.person, application=app.application, section=section("teacher"), values=values)
    assert messages_of(app.application) == ["中小学教师：担任班主任年限未填写或填写有误。"]


def test_a_missing_photo_is_named(complete):
    app = complete()
    ApplicationFile.objects.filter(application=app.application, slot="photo").delete()
    assert messages_of(app.application) == ["个人基本信息：请上传照片。"]


def test_a_missing_id_card_image_is_named(complete):
    app = complete()
    ApplicationFile.objects.filter(application=app.application, slot="id_card").delete()
    assert messages_of(app.application) == ["个人基本信息：请上传身份证图片。"]


def test_no_education_row_is_named(complete):
    app = complete()
    for row in rows_of(app.application, "education"):
        services.row_delete(actor=app.person, application=app.application, section=section("education"),
                            row_id=row["id"])
    assert messages_of(app.application) == ["学历信息：至少填写一条学历。"]


def test_a_missing_continuing_education_year_is_named(complete):
    app = complete()
    missing = RECENT[2]
    row = next(r for r in rows_of(app.application, "continuing_education") if r["values"]["year"] == missing)
    services.row_delete(actor=app.person, application=app.application, section=section("continuing_education"),
                        row_id=row["id"])
    assert messages_of(app.application) == [
        f"继续教育情况：缺少{missing}年度。", f"继续教育学时不足（每年须96学时）：{missing}年0学时。"]


def test_a_missing_appraisal_year_is_named(complete):
    app = complete()
    row = rows_of(app.application, "appraisals")[0]
    services.row_delete(actor=app.person, application=app.application, section=section("appraisals"), row_id=row["id"])
    assert messages_of(app.application) == [f"考核信息：缺少{row['values']['year']}年度。"]


def test_continuing_education_below_96_hours_a_year_is_named(complete):
    app = complete()
    update(app, "continuing_education", RECENT[1], hours="95.5")
    assert messages_of(app.application) == [f"继续教育学时不足（每年须96学时）：{RECENT[1]}年95.5学时。"]
    update(app, "continuing_education", RECENT[1], hours="96")
    assert messages_of(app.application) == []


def test_holders_of_a_senior_title_need_144_hours_a_year(complete):
    app = complete(level="正高", basic={"title_name": "正高级工程师"},
                   qualification={"title_level": "副高", "title_name": "高级工程师", "post_level": "副高"})
    years = "、".join(f"{y}年100学时" for y in RECENT)
    assert messages_of(app.application) == [f"继续教育学时不足（每年须144学时）：{years}。"]
    for year in RECENT:
        update(app, "continuing_education", year, hours="144")
    assert messages_of(app.application) == []


def test_an_appraisal_graded_failed_is_named(complete):
    app = complete()
    update(app, "appraisals", RECENT[3], result="不合格")
    assert messages_of(app.application) == [f"年度考核须为优秀、合格：{RECENT[3]}年不合格。"]


def _years_short(app) -> str:
    closes = app.plan.closes_on
    obtained = datetime.date(closes.year - 5, closes.month, closes.day) + datetime.timedelta(days=1)
    values = {**values_of(app.application, "qualification"), "title_obtained": obtained.isoformat()}
    services.section_save(actor=app.person, application=app.application, section=section("qualification"),
                          values=values)
    return f"任现职年限不足：申报副高须满5年，截至{closes:%Y-%m-%d}为4年"


def test_too_few_years_in_the_current_title_block_submission(complete):
    app = complete()
    message = _years_short(app) + "。"
    assert messages_of(app.application, hard=True) == [message]
    with pytest.raises(services.ApplicationError, match=f"还有1项申报条件未满足：{message}"):
        services.application_submit(actor=app.person, application=app.application)

    page = app.client.get(reverse("applications:detail", args=[app.application.pk])).content.decode()
    panel = page.split('data-testid="precheck"')[1]
    assert message in panel and f'href="{section_url(app.application, "qualification")}">去完善' in panel
    assert "还有1项条件未满足" in panel and "disabled" in panel
    response = app.client.post(reverse("applications:submit", args=[app.application.pk]))
    assert f"还有1项申报条件未满足：{message}" in page_messages(app.client.get(response.url))
    assert Application.objects.get(pk=app.application.pk).status == Application.Status.DRAFT


def test_too_few_years_for_an_exceptional_application_is_shown_but_does_not_block(complete):
    app = complete(form="破格申报")
    message = _years_short(app) + "（破格申报，供参考）。"
    assert messages_of(app.application) == [message]
    assert messages_of(app.application, hard=True) == []
    page = app.client.get(reverse("applications:detail", args=[app.application.pk])).content.decode()
    panel = page.split('data-testid="precheck"')[1]
    assert message in panel and "bi-info-circle-fill" in panel and "disabled" not in panel
    services.application_submit(actor=app.person, application=app.application)
    assert Application.objects.get(pk=app.application.pk).status == Application.Status.SUBMITTED


def test_a_missing_title_date_is_named(complete):
    app = complete()
    values = {**values_of(app.application, "qualification"), "title_obtained": None}
    services.section_save(actor=app.person, application=app.application, section=section("qualification"),
                          values=values)
    assert messages_of(app.application) == ["资历信息：请填写现资格取得时间（申报副高须任现职满5年）。"]


def test_the_health_series_needs_an_approved_topic_when_the_plan_requires_one(complete, admin):
    message = "卫生系列须有审核通过的卫生-专题（病案数量、年限等要求见业绩库）。"
    app = complete("卫生技术", records_series="工程技术")  # a dossier without a 卫生-专题
    assert messages_of(app.application) == [message]

    kind = catalogue().kind("health_topic")
    pending = dossier_services.record_create(owner=app.person, kind=kind, data={
        "topic_type": "专题报告", "by_template": "否", "name": "审核中的专题", "summary": ""},
        slot_files={"non_template": [check_upload(scan_upload("专题.jpg"), kind.slot("non_template"))]})
    dossier_services.record_submit(actor=app.person, record=pending)
    assert messages_of(app.application) == [message]

    health_topic(app.person, admin)
    assert messages_of(app.application) == []


def test_a_plan_without_the_topic_condition_does_not_ask_for_it(complete):
    app = complete("卫生技术", records_series="工程技术", health_requires=[])
    assert messages_of(app.application) == []


def test_a_title_name_outside_the_series_and_level_is_named(complete):
    """A name kept from before that is not among its series and level's (the page refuses to save one)."""
    app = complete("卫生技术")
    app.application.data["basic"]["values"]["title_name"] = "主任医师"
    app.application.save(update_fields=["data"])
    names = "、".join(sections().titles("卫生技术", "副高"))
    assert messages_of(app.application) == [f"个人基本信息：申报专业技术资格名称应为{names}、其他之一（“其他”须填写名称）。"]
    assert names == "副主任医师、副主任护师、副主任药师、副主任技师"


def test_the_basic_page_offers_only_the_names_of_the_series_and_level(complete):
    app = complete("中小学教师")
    page = app.client.get(section_url(app.application, "basic")).content.decode()
    select = page[page.index('name="title_name"'):]
    select = select[: select.index("</select>")]
    assert '<option value="高级教师" selected>' in select
    assert "一级教师" not in select and "主任医师" not in select


def test_a_picked_row_missing_a_required_value_is_named(complete):
    app = complete()
    row = rows_of(app.application, "papers")[0]
    services.row_update(actor=app.person, application=app.application, section=section("papers"), row_id=row["id"],
                        values={**row["values"], "issn": "12345678"})
    assert messages_of(app.application) == ["论文情况第1条：期刊号未填写或填写有误，请修改。"]


def test_each_problem_links_to_its_section(complete):
    app = complete()
    ApplicationFile.objects.filter(application=app.application, slot="photo").delete()
    update(app, "appraisals", RECENT[0], result="不合格")
    problems = precheck(Application.objects.get(pk=app.application.pk))
    assert [p.url for p in problems] == [section_url(app.application, "basic"),
                                         section_url(app.application, "appraisals")]
    page = app.client.get(reverse("applications:detail", args=[app.application.pk])).content.decode()
    assert "还有2项条件未满足" in page
    listed = page.split("申报材料</h2>")[1].split("</ol>")[0]
    assert listed.count("待完善") == 2 and listed.count("已完成") == len(sections().for_series("工程技术")) - 2


def test_the_current_series_none_needs_no_title_details(complete):
    app = complete(min_years={})
    services.section_save(actor=app.person, application=app.application, section=section("qualification"),
                          values={"title_series": "无", "post_series": "无"})
    assert messages_of(app.application) == []
