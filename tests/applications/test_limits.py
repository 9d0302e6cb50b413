"""Every limit of SPEC §4, refused one past it and accepted at it, through the section pages. Field messages are
Chinese and shown by the field; row-count and once-a-year messages are the page's message."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from applications import services
from applications.models import ApplicationFile
from applications.precheck import precheck
from applications.sections import sections
from dossier.forms import spec_form_class
from tests.factories import PersonFactory, unit_admin

from .support import (
    YEAR,
    add_group_row,
    add_row,
    approved,
    id_card_upload,
    image_bytes,
    login,
    page_messages,
    plan_for,
    rows_of,
    save_section,
    scan_image,
    update_row,
    valid_row,
    values_of,
)

pytestmark = pytest.mark.django_db

KB = 1024


@pytest.fixture
def draft(unit):
    """draft(series) → a new applicant's application of that series, their client logged in."""
    def make(series: str = "工程技术"):
        person = PersonFactory(unit=unit, series=series)
        application = services.application_start(actor=person, plan=plan_for(series), series=series, level="副高")
        return application, login(Client(), person)

    return make


def assert_shown_by_the_field(response, key: str, message: str, form_key: str = "form", prefix: str = ""):
    """The message is the field's error and the page shows it in the field's block."""
    assert response.status_code == 200
    form = response.context[form_key] if form_key else None
    if form is not None:
        assert message in form.errors.get(key, []), form.errors
    html = response.content.decode()
    name = f'name="{prefix}{key}"'
    block = html[html.index(name): html.index(name) + 3000]
    assert message in block.split("zc-field")[0], f"{message!r} not by the field {key}"


def cleaned(fields, values: dict, name: str = "limits") -> dict:
    form = spec_form_class(fields, name)(data=values)
    assert form.is_valid(), form.errors
    return form.record_data()


def fill_rows(application, section, count: int, group: str = "") -> None:
    """`count` valid rows added through the service (the state the limit is tested from)."""
    fields = next(g for g in section.groups if g.key == group).fields if group else section.fields
    for n in range(1, count + 1):
        services.row_add(actor=application.applicant, application=application, section=section,
                         values=cleaned(fields, valid_row(fields, n)), group=group)


def jpg(name: str = "扫描件.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes(scan_image(name, (200, 150))), content_type="image/jpeg")


# ------------------------------------------------------------------------------------------------ characters

# (section, field, SPEC limit): 专业技术工作经历 ≤700 each, 业绩成果 ≤1500, the teacher's texts ≤600/500/300/300/200,
# the health section's 综述题目 ≤50, 刊物 ≤30, main results ≤30 each, 专业进修 ≤500.
FIELD_LIMITS = [
    ("工程技术", "work_history", "before", 700), ("工程技术", "work_history", "after", 700),
    ("工程技术", "achievements", "summary", 1500),
    ("中小学教师", "teacher", "excellent_class", 600), ("中小学教师", "teacher", "teaching_results", 500),
    ("中小学教师", "teacher", "mentoring", 300), ("中小学教师", "teacher", "research_results", 300),
    ("中小学教师", "teacher", "remarks", 200),
    ("卫生技术", "health", "review_title", 50), ("卫生技术", "health", "review_journal", 30),
    ("卫生技术", "health", "results_national", 30), ("卫生技术", "health", "results_provincial", 30),
    ("卫生技术", "health", "results_bureau", 30), ("卫生技术", "health", "further_study", 500),
    ("会计", "accounting", "certificate_no", 30),
]


@pytest.mark.parametrize("series, key, field, limit", FIELD_LIMITS)
def test_section_texts_are_refused_past_their_length(draft, series, key, field, limit):
    application, client = draft(series)
    label = sections().get(key).field(field).label
    char = "1" if field == "certificate_no" else "字"

    refused = save_section(client, application, key, {field: char * (limit + 1)})
    assert_shown_by_the_field(refused, field, f"{label}不能超过{limit}个字。")
    assert values_of(application, key) == {}

    assert save_section(client, application, key, {field: char * limit}).status_code == 302
    assert values_of(application, key)[field] == char * limit


# (section, group, field, SPEC limit): the teacher's row lists ≤30 (年级 ≤5), the health section's ≤50 / ≤30.
GROUP_LIMITS = [
    ("中小学教师", "teacher", "resume", "employer", 30), ("中小学教师", "teacher", "resume", "work", 30),
    ("中小学教师", "teacher", "resume", "post", 30), ("中小学教师", "teacher", "teaching", "grade", 5),
    ("中小学教师", "teacher", "teaching", "activities", 30),
    *[("中小学教师", "teacher", "research", f, 30) for f in ("topic", "department", "results", "role", "appraisal")],
    ("卫生技术", "health", "grassroots_research", "title", 50), ("卫生技术", "health", "writings", "title", 50),
    ("卫生技术", "health", "writings", "journal", 30),
]


@pytest.mark.parametrize("series, key, group, field, limit", GROUP_LIMITS)
def test_group_row_texts_are_refused_past_their_length(draft, series, key, group, field, limit):
    application, client = draft(series)
    spec = next(g for g in sections().get(key).groups if g.key == group)
    label = next(f for f in spec.fields if f.key == field).label
    values = valid_row(spec.fields)
    if spec.show_if:  # 调研或科研材料: only for 一级及以下 institutions
        save_section(client, application, key, {spec.show_if["field"]: spec.show_if["equals"]})

    refused = add_group_row(client, application, key, group, {**values, field: "字" * (limit + 1)})
    assert refused.status_code == 200
    errors = refused.context["groups"][[g["spec"].key for g in refused.context["groups"]].index(group)]["form"].errors
    assert errors[field] == [f"{label}不能超过{limit}个字。"]
    assert f"{label}不能超过{limit}个字。" in refused.content.decode()
    assert rows_of(application, key, group) == []

    assert add_group_row(client, application, key, group, {**values, field: "字" * limit}).status_code == 302
    assert rows_of(application, key, group)[0]["values"][field] == "字" * limit


@pytest.mark.parametrize("series, key, group, field, limit", [
    ("中小学教师", "teacher", "teaching", "weekly_hours", 999),  # 周课时量 ≤3 digits
    ("卫生技术", "health", "writings", "words", 999999),  # 字数 ≤6 digits
])
def test_group_row_numbers_are_refused_past_their_digits(draft, series, key, group, field, limit):
    application, client = draft(series)
    spec = next(g for g in sections().get(key).groups if g.key == group)
    label = next(f for f in spec.fields if f.key == field).label
    values = valid_row(spec.fields)
    refused = add_group_row(client, application, key, group, {**values, field: str(limit + 1)})
    assert f"{label}不能大于{limit}。" in refused.content.decode()
    assert add_group_row(client, application, key, group, {**values, field: str(limit)}).status_code == 302


def test_continuing_education_content_is_at_most_40_characters(draft):
    application, client = draft()
    row = valid_row(sections().get("continuing_education").fields)
    refused = add_row(client, application, "continuing_education", {**row, "content": "学" * 41})
    assert_shown_by_the_field(refused, "content", "学习内容不能超过40个字。", form_key="row_form")
    assert add_row(client, application, "continuing_education", {**row, "content": "学" * 40}).status_code == 302


# ------------------------------------------------------------------------------------------------ row counts


@pytest.mark.parametrize("key", [s.key for s in sections().all if s.max_rows and not s.at_most_one])
def test_rows_sections_stop_at_their_maximum(draft, key):
    """社会团体任职 ≤10 (SPEC), and every other declared maximum the same way."""
    section = sections().get(key)
    application, client = draft()
    fill_rows(application, section, section.max_rows - 1)

    accepted = add_row(client, application, key, valid_row(section.fields, section.max_rows))
    assert accepted.status_code == 302 and len(rows_of(application, key)) == section.max_rows
    refused = add_row(client, application, key, valid_row(section.fields, section.max_rows + 1))
    assert f"{section.label}最多{section.max_rows}条。" in page_messages(client.get(refused.url))
    assert len(rows_of(application, key)) == section.max_rows


def test_societies_are_at_most_ten():
    assert sections().get("societies").max_rows == 10


@pytest.mark.parametrize("series, key, group, limit", [
    ("中小学教师", "teacher", "resume", 4), ("中小学教师", "teacher", "teaching", 5),
    ("中小学教师", "teacher", "research", 4), ("卫生技术", "health", "writings", 10),
])
def test_group_rows_stop_at_their_maximum(draft, series, key, group, limit):
    """工作简历 ≤4, 任教(兼课)情况 ≤5, 教科研情况 ≤4: the add form disappears at the limit, and a post is refused."""
    section = sections().get(key)
    spec = next(g for g in section.groups if g.key == group)
    assert spec.max_rows == limit
    application, client = draft(series)
    fill_rows(application, section, limit - 1, group)
    assert add_group_row(client, application, key, group, valid_row(spec.fields, limit)).status_code == 302
    page = client.get(f"/apply/{application.pk}/s/{key}/").content.decode()
    assert f'value="add_group:{group}"' not in page

    refused = add_group_row(client, application, key, group, valid_row(spec.fields, limit + 1))
    assert f"{spec.label}最多{limit}条。" in page_messages(client.get(refused.url))
    assert len(rows_of(application, key, group)) == limit


def test_at_most_one_pre_work_and_one_post_work_education(draft):
    application, client = draft()
    row = valid_row(sections().get("education").fields)
    message = "是否工作前学历：“是”和“否”各至多一条。"
    assert add_row(client, application, "education", {**row, "pre_work": "是"}).status_code == 302
    refused = add_row(client, application, "education", {**row, "school": "第二所", "pre_work": "是"})
    assert message in page_messages(client.get(refused.url))
    assert add_row(client, application, "education", {**row, "school": "在职", "pre_work": "否"}).status_code == 302
    refused = add_row(client, application, "education", {**row, "school": "第二个在职", "pre_work": "否"})
    assert message in page_messages(client.get(refused.url))
    assert [r["values"]["pre_work"] for r in rows_of(application, "education")] == ["是", "否"]
    # Correcting the post-work row into a second pre-work row is refused the same way.
    second = rows_of(application, "education")[1]
    refused = update_row(client, application, "education", second["id"], {**row, "pre_work": "是"})
    assert message in page_messages(client.get(refused.url))
    assert rows_of(application, "education")[1]["values"]["pre_work"] == "否"


@pytest.mark.parametrize("key", [s.key for s in sections().all if s.one_per_year_last])
def test_one_row_per_year(draft, key):
    """继续教育 and 考核: one row a year."""
    section = sections().get(key)
    application, client = draft()
    row = valid_row(section.fields)
    assert add_row(client, application, key, {**row, "year": str(YEAR - 1)}).status_code == 302
    refused = add_row(client, application, key, {**row, "year": str(YEAR - 1)})
    assert f"{section.label}每个年度只填一条，{YEAR - 1}年度已有。" in page_messages(client.get(refused.url))
    assert add_row(client, application, key, {**row, "year": str(YEAR - 2)}).status_code == 302
    assert [r["values"]["year"] for r in rows_of(application, key)] == [YEAR - 1, YEAR - 2]


def _date_orders():
    for section in sections().all:
        for spec in section.fields:
            if spec.not_before and section.is_rows:
                yield section.key, "", spec.key
        for group in section.groups:
            for spec in group.fields:
                if spec.not_before:
                    yield section.key, group.key, spec.key


@pytest.mark.parametrize("key, group, field", list(_date_orders()))
def test_end_dates_cannot_precede_start_dates(draft, key, group, field):
    """毕业时间 ≥ 入学时间, and every other declared date order of a row."""
    section = sections().get(key)
    fields = next(g for g in section.groups if g.key == group).fields if group else section.fields
    spec = next(f for f in fields if f.key == field)
    start = next(f for f in fields if f.key == spec.not_before)
    application, client = draft(section.series or "工程技术")
    values = {**valid_row(fields), start.key: "2020-09-01", field: "2020-08-31"}
    post = (lambda v: add_group_row(client, application, key, group, v)) if group else (
        lambda v: add_row(client, application, key, v))
    refused = post(values)
    assert refused.status_code == 200
    assert f"{spec.label}不能早于{start.label}。" in refused.content.decode()
    assert post({**values, field: "2020-09-01"}).status_code == 302  # the same day is allowed


# ------------------------------------------------------------------------------------------------ files


def test_id_card_image_is_one_jpg_under_500_kb(draft):
    application, client = draft()
    refused = save_section(client, application, "basic", {}, id_card=[id_card_upload(510 * KB)])
    assert refused.status_code == 200
    slot = next(s for s in refused.context["slots"] if s["spec"].key == "id_card")
    assert slot["errors"] == ["文件“身份证.jpg”超过0.48MB，请压缩后再上传。"]
    assert "文件“身份证.jpg”超过0.48MB，请压缩后再上传。" in refused.content.decode()

    png = SimpleUploadedFile("身份证.png", image_bytes(scan_image(), "PNG"), content_type="image/png")
    refused = save_section(client, application, "basic", {}, id_card=[png])
    assert "文件“身份证.png”的类型不允许，只能上传 jpg、jpeg 文件。" in refused.content.decode()
    assert not ApplicationFile.objects.filter(application=application).exists()

    assert save_section(client, application, "basic", {}, id_card=[id_card_upload(490 * KB)]).status_code == 302
    stored = ApplicationFile.objects.get(application=application, slot="id_card")
    assert stored.size == 490 * KB and stored.content_type == "image/jpeg"

    refused = save_section(client, application, "basic", {}, id_card=[id_card_upload(name="另一张.jpg")])
    assert "最多上传1个文件，当前已有1个。" in refused.content.decode()
    assert ApplicationFile.objects.filter(application=application, slot="id_card").count() == 1


def _slots():
    for section in sections().all:
        for slot in section.attachments:
            yield section.key, slot.key


@pytest.mark.parametrize("key, slot_key", list(_slots()))
def test_section_attachments_stop_at_their_count(draft, key, slot_key):
    section = sections().get(key)
    slot = next(s for s in section.attachments if s.key == slot_key)
    application, client = draft(section.series or "工程技术")
    refused = save_section(client, application, key, {}, **{slot_key: [jpg(f"{n}.jpg") for n in range(slot.max_count + 1)]})
    assert f"最多上传{slot.max_count}个文件，当前已有0个。" in refused.content.decode()
    accepted = save_section(client, application, key, {}, **{slot_key: [jpg(f"{n}.jpg") for n in range(slot.max_count)]})
    assert accepted.status_code == 302
    assert ApplicationFile.objects.filter(application=application, slot=slot_key).count() == slot.max_count


@pytest.mark.parametrize("key", [s.key for s in sections().all if s.row_attachment])
def test_row_attachments_stop_at_their_count(draft, key):
    """学历 ≤2 jpg a row, 论文/著作 ≤10 images, 专利/获奖 1 image…"""
    section = sections().get(key)
    limit = section.row_attachment.max_count
    application, client = draft()
    row = valid_row(section.fields)
    refused = add_row(client, application, key, row, files=[jpg(f"{n}.jpg") for n in range(limit + 1)])
    assert f"最多上传{limit}个文件，当前已有0个。" in refused.content.decode()
    assert rows_of(application, key) == []
    assert add_row(client, application, key, row, files=[jpg(f"{n}.jpg") for n in range(limit)]).status_code == 302
    row_id = rows_of(application, key)[0]["id"]
    assert ApplicationFile.objects.filter(application=application, row_id=row_id).count() == limit


def test_education_attachments_are_jpg_only(draft):
    application, client = draft()
    png = SimpleUploadedFile("毕业证.png", image_bytes(scan_image(), "PNG"), content_type="image/png")
    refused = add_row(client, application, "education", valid_row(sections().get("education").fields), files=[png])
    assert "文件“毕业证.png”的类型不允许，只能上传 jpg、jpeg 文件。" in refused.content.decode()


# ------------------------------------------------------------------------------------------------ formats


@pytest.mark.parametrize("value, ok", [
    ("ISSN 1234-5679", True), ("ISSN 0000-1317", True), ("CN 11-2120/TU", True), ("CN11-1234/R", True),
    ("ISBN 978-7-114-12345-0", True), ("ISBN 7-111-07575-7", True), ("1234-5678", False), ("ISSN 12345678", False), ("CN 112120", False),
    ("ISBN abc", False),
])
def test_journal_numbers_are_issn_cn_or_isbn(draft, value, ok):
    application, client = draft()
    response = add_row(client, application, "papers", {**valid_row(sections().get("papers").fields), "issn": value})
    if ok:
        assert response.status_code == 302
    else:
        assert_shown_by_the_field(response, "issn", "期刊号：期刊号格式应为 ISSN xxxx-xxxx、CN xx-xxxx/xx 或 ISBN。",
                                  form_key="row_form")


@pytest.mark.parametrize("value, ok", [
    ("ZL202310123456.7", True), ("ZL 201820123456.X", True), ("ZL200810012345", True),
    ("CN202310123456.7", False), ("ZL123", False), ("202310123456.7", False),
])
def test_patent_numbers_start_with_zl(draft, value, ok):
    application, client = draft()
    response = add_row(client, application, "patents", {**valid_row(sections().get("patents").fields), "number": value})
    if ok:
        assert response.status_code == 302
    else:
        assert_shown_by_the_field(response, "number", "专利号：专利号格式应为 ZL 加数字，如 ZL202310123456.7。",
                                  form_key="row_form")


@pytest.mark.parametrize("value, message", [
    ("20245", f"考试年度不能大于{YEAR + 1}。"), ("202", "考试年度不能小于1950。"), ("二〇二四", "考试年度格式不正确。"),
])
def test_accounting_exam_year_is_four_digits(draft, value, message):
    application, client = draft("会计")
    assert_shown_by_the_field(save_section(client, application, "accounting", {"exam_year": value}), "exam_year",
                              message)
    assert save_section(client, application, "accounting", {"exam_year": str(YEAR - 2)}).status_code == 302


def test_accounting_certificate_number_is_digits(draft):
    application, client = draft("会计")
    refused = save_section(client, application, "accounting", {"certificate_no": "3501-2023-AB"})
    assert_shown_by_the_field(refused, "certificate_no", "高级会计资格考试合格证书编号：只能填写数字。")
    assert save_section(client, application, "accounting", {"certificate_no": "350120230012"}).status_code == 302


def test_accounting_validity_ends_after_it_starts(draft):
    application, client = draft("会计")
    refused = save_section(client, application, "accounting", {"valid_from": "2024-10-01", "valid_to": "2024-09-30"})
    assert_shown_by_the_field(refused, "valid_to", "会计有效期止不能早于会计有效期起。")


# ------------------------------------------------------------------------------------------------ 卫生技术 conditions


def _problems(application) -> list[str]:
    application.refresh_from_db()
    return [p.message for p in precheck(application) if p.url.endswith("/s/health/")]


def test_chief_physicians_unlock_practice_fields_and_need_the_physician_certificates(draft):
    application, client = draft("卫生技术")
    page = client.get(f"/apply/{application.pk}/s/health/").content.decode()
    assert 'name="practice_category"' in page and 'data-show-in="主任医师|副主任医师"' in page

    save_section(client, application, "health", {"qualification": "主治医师", "practice_category": "临床"})
    assert values_of(application, "health")["practice_category"] is None  # hidden: kept empty
    problems = _problems(application)
    assert not [p for p in problems if "医师执业类别" in p or "医师资格证书" in p]

    save_section(client, application, "health", {"qualification": "副主任医师"})
    problems = _problems(application)
    assert "卫生技术：请上传医师资格证书及执业证书。" in problems
    assert any("医师执业类别、执业范围" in p for p in problems)

    save_section(client, application, "health", {"qualification": "副主任医师", "practice_category": "临床",
                                                 "practice_scope": "内科专业"},
                 physician_certificates=[jpg("医师资格证书.jpg"), jpg("医师执业证书.jpg")])
    problems = _problems(application)
    assert "卫生技术：请上传医师资格证书及执业证书。" not in problems
    assert not any("医师执业类别" in p for p in problems)


def test_chief_nurses_need_the_nurse_licence(draft):
    application, client = draft("卫生技术")
    save_section(client, application, "health", {"qualification": "副主任护师"})
    assert "卫生技术：请上传护士执业证书。" in _problems(application)
    save_section(client, application, "health", {"qualification": "主管护师"})
    assert "卫生技术：请上传护士执业证书。" not in _problems(application)


def test_grassroots_institutions_unlock_their_rows_and_materials(draft):
    application, client = draft("卫生技术")
    save_section(client, application, "health", {"institution_level": "三级甲等"})
    page = client.get(f"/apply/{application.pk}/s/health/").content.decode()
    assert 'data-testid="group-grassroots_research"' not in page
    assert any("到城乡社区医疗卫生机构服务情况" in p for p in _problems(application))
    assert not [p for p in _problems(application) if "基层" in p or "讲座" in p]

    save_section(client, application, "health", {"institution_level": "一级及以下"})
    page = client.get(f"/apply/{application.pk}/s/health/").content.decode()
    assert 'data-testid="group-grassroots_research"' in page
    problems = _problems(application)
    assert [p for p in problems if "基层" in p or "讲座" in p] == [
        "卫生技术：请上传基层医疗机构执业许可证副本。", "卫生技术：请上传基层卫生专业高级资格考试合格证书。",
        "卫生技术：请上传开展“健康讲座”情况。", "卫生技术：请上传开展“本专业专题讲座”情况。"]
    assert not any("到城乡社区医疗卫生机构服务情况" in p for p in problems)


def test_support_unlocks_its_kind_and_state(draft):
    application, client = draft("卫生技术")
    save_section(client, application, "health", {"support": "无", "support_kind": "对口支援"})
    assert values_of(application, "health")["support_kind"] is None
    assert not any("支援类别" in p for p in _problems(application))
    save_section(client, application, "health", {"support": "有"})
    assert any("支援类别、支援状态" in p for p in _problems(application))
    save_section(client, application, "health", {"support": "有", "support_kind": "对口支援", "support_state": "进行中"})
    assert not any("支援类别" in p for p in _problems(application))
    assert values_of(application, "health")["support_kind"] == "对口支援"


def test_private_hospitals_need_their_materials(draft):
    application, client = draft("卫生技术")
    message = "卫生技术：请上传社会办医材料（执业许可证、劳动合同、养老保险证明）。"
    save_section(client, application, "health", {"institution_nature": "公立医疗机构"})
    assert message not in _problems(application)
    save_section(client, application, "health", {"institution_nature": "社会办医疗机构"})
    assert message in _problems(application)
    save_section(client, application, "health", {"institution_nature": "社会办医疗机构"},
                 private=[jpg("执业许可证.jpg"), jpg("劳动合同.jpg"), jpg("养老保险.jpg")])
    assert message not in _problems(application)


def test_picking_is_held_to_the_same_limits(draft, unit):
    """Two approved continuing-education records of one year: the second is refused, and the pick as a whole."""
    application, client = draft()
    admin = unit_admin(unit, name="单位管理员")
    records = [approved(application.applicant, admin, "continuing_education", {
        "ce_type": kind, "year": str(YEAR - 1), "hours": "48", "programme": f"{kind}培训"}) for kind in ("公需课", "专业课")]
    response = client.post(f"/apply/{application.pk}/s/continuing_education/",
                           {"action": "pick", "records": [r.pk for r in records]})
    assert f"继续教育情况每个年度只填一条，{YEAR - 1}年度已有。" in page_messages(client.get(response.url))
    assert rows_of(application, "continuing_education") == []
    assert not ApplicationFile.objects.filter(application=application).exists()


def test_a_group_row_is_corrected_within_its_limits(draft):
    application, client = draft("中小学教师")
    spec = next(g for g in sections().get("teacher").groups if g.key == "resume")
    add_group_row(client, application, "teacher", "resume", valid_row(spec.fields))
    row = rows_of(application, "teacher", "resume")[0]
    page = client.get(f"/apply/{application.pk}/s/teacher/?edit={row['id']}&group=resume").content.decode()
    assert "修改第1条工作简历" in page and 'value="update_row"' in page

    values = {**valid_row(spec.fields), "employer": "字" * 31}
    refused = update_row(client, application, "teacher", row["id"], values, group="resume")
    assert refused.status_code == 200 and "工作单位不能超过30个字。" in refused.content.decode()
    accepted = update_row(client, application, "teacher", row["id"], {**values, "employer": "福州第一中学"},
                          group="resume")
    assert "已修改第1条。" in page_messages(client.get(accepted.url))
    assert rows_of(application, "teacher", "resume")[0]["values"]["employer"] == "福州第一中学"
