"""答辩安排: the committee office downloads a template of its applications in 评审中, fills it, imports it; every
bad row is named and refuses the whole file; an accepted file arranges, logs, texts the applicant, and the
applicant sees the arrangement and prints the 答辩通知单. Scoped to the office's own applications."""

import datetime
import io
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from accounts.models import Role, SmsMessage
from applications import chain
from applications.models import Application, Defence
from core.models import FlowEntry
from orgs.models import Unit
from tests.applications.support import flat, login, pdf_text
from tests.crafted_xlsx import header, inline, row, worksheet, xlsx
from tests.factories import CommitteeFactory, UnitFactory

from .support import defence_template_fill, filed, staff, walk

pytestmark = pytest.mark.django_db
S = Application.Status
URL = "/chain/committee/defences/"
DAY = timezone.localdate() + datetime.timedelta(days=10)


@pytest.fixture(autouse=True)
def vacancies(org):
    """Room for every applicant these tests walk through the unit node."""
    org.quota.associate = 50
    org.quota.save()


def accepted(org, name, **kwargs) -> Application:
    return walk(org, filed(org, name=name, **kwargs), to="accepted")


def template_rows(client) -> list[list]:
    response = client.get(reverse("chain:defences_template"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()


def downloaded(client):
    """The 答辩安排 template as the office downloads it, opened for writing."""
    return load_workbook(io.BytesIO(client.get(reverse("chain:defences_template")).content))


def filled(client, arrangements: dict, *, extra_rows=(), name="答辩安排.xlsx") -> SimpleUploadedFile:
    """The downloaded template with `arrangements` ({application pk: [学科组, 日期, 时间, 地点, 序号, 备注]}, None
    for a blank cell) written into the rows of those applications, and `extra_rows` (whole rows) appended."""
    workbook = downloaded(client)
    defence_template_fill(workbook, arrangements)
    for values in extra_rows:
        workbook.worksheets[0].append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def post(client, upload):
    return client.post(URL, {"file": upload})


def snapshot():
    return (list(Defence.objects.values_list("application_id", "group", "starts_at", "place", "seq", "notes")),
            FlowEntry.objects.filter(action="defence").count(), SmsMessage.objects.count())


def test_the_template_lists_the_offices_applications_in_review_with_masked_id_numbers(org, client):
    first, second = accepted(org, "林芳"), accepted(org, "陈静")
    waiting = walk(org, filed(org, name="待接收"), to="committee")  # at the office, not accepted yet
    passed = walk(org, filed(org, name="已通过"), to="passed")
    login(client, org.committee)
    rows = template_rows(client)
    assert rows[0] == ["申报编号", "姓名", "证件号码", "工作单位", "申报资格", "学科组", "答辩日期", "答辩时间", "答辩地点",
                       "答辩序号", "备注"]
    listed = {row[0]: row for row in rows[1:] if row[0]}
    assert set(listed) == {str(first.pk), str(second.pk)}
    assert waiting.pk not in listed and passed.pk not in listed
    row = listed[str(first.pk)]
    number = first.applicant.id_number
    assert row[1:5] == ["林芳", number[:4] + "*" * 10 + number[-4:], "福州市第一医院", "工程技术 · 副高"]
    assert row[5:] == [""] * 6


def test_an_import_arranges_logs_texts_and_the_applicant_sees_and_prints_it(org, client,
                                                                          django_capture_on_commit_callbacks):
    application = accepted(org, "林芳")
    other = accepted(org, "陈静")
    login(client, org.committee)
    upload = filled(client, {application.pk: ["内科学组", DAY, "09:30", "省人社厅三楼第一会议室", 3, "请携带本人代表作原件"]})
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, upload)
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "已导入答辩安排：新增1条，变更0条，未变0条，1行未填写安排已跳过。" in page

    defence = Defence.objects.get()
    local = timezone.localtime(defence.starts_at)
    assert (defence.application_id, defence.group, local.date(), local.time(), defence.place, defence.seq,
            defence.notes) == (application.pk, "内科学组", DAY, datetime.time(9, 30), "省人社厅三楼第一会议室", 3,
                               "请携带本人代表作原件")
    assert defence.arranged_by == org.committee
    assert not Defence.objects.filter(application=other).exists()
    entry = FlowEntry.objects.get(action="defence")
    assert (entry.subject_id, entry.stage, entry.actor_name, entry.role) == (application.pk, "committee_result", "评委会吴昊",
                                                                           "评委会")
    assert entry.opinion == (f"学科组：内科学组；答辩时间：{DAY:%Y-%m-%d} 09:30；答辩地点：省人社厅三楼第一会议室；"
                             f"答辩序号：3；备注：请携带本人代表作原件")
    sms = SmsMessage.objects.get()
    assert sms.phone == application.applicant.phone
    assert f"时间{DAY:%Y年%m月%d日} 09:30，地点省人社厅三楼第一会议室，内科学组第3号" in sms.text

    # The office's list: the 已安排 tab shows it, 未安排 the other one.
    arranged = client.get(URL + "?status=arranged").content.decode()
    assert "内科学组" in arranged and f"{DAY:%Y-%m-%d} 09:30" in arranged and "陈静" not in arranged
    assert "陈静" in client.get(URL).content.decode()
    # The committee's review page shows it on the header.
    review = client.get(reverse("chain:review", args=["committee", application.pk])).content.decode()
    assert f"{DAY:%Y-%m-%d} 09:30，省人社厅三楼第一会议室，内科学组第3号" in review

    login(client, application.applicant)
    home = client.get(reverse("applications:home")).content.decode()
    assert f"答辩：{DAY:%Y-%m-%d} 09:30" in home
    detail = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "答辩安排" in detail and "省人社厅三楼第一会议室" in detail and "第3号" in detail
    assert "意见：学科组：内科学组；答辩时间：" in detail  # the flow step
    notice = client.get(reverse("applications:defence_notice", args=[application.pk]))
    assert notice.status_code == 200 and notice["Content-Type"] == "application/pdf"
    text = flat(pdf_text(notice.content))
    number = application.applicant.id_number
    for expected in ("答辩通知单", "林芳", number[:4] + "*" * 10 + number[-4:], "内科学组", "第3号",
                     f"{DAY:%Y年%m月%d日}", "09:30", "省人社厅三楼第一会议室", "请携带本人代表作原件", "答辩须知",
                     "凭本人居民身份证签到", org.plan.committee.name):
        assert flat(expected) in text, expected
    assert number not in text


def test_a_gateway_failure_leaves_the_arrangement_and_the_notice_is_sent_on_a_retry(
        org, client, flaky_sms, caplog, django_capture_on_commit_callbacks):
    flaky_sms(1)
    application = accepted(org, "林芳")
    login(client, org.committee)
    upload = filled(client, {application.pk: ["内科学组", DAY, "09:30", "省人社厅三楼第一会议室", 3, None]})

    with django_capture_on_commit_callbacks(execute=True), caplog.at_level(logging.WARNING, logger="accounts.sms"):
        response = post(client, upload)

    assert response.status_code == 302
    assert "已导入答辩安排：新增1条" in client.get(response.url).content.decode()
    assert Defence.objects.filter(application=application).exists()
    assert "attempt 1 failed" in caplog.text
    sms = SmsMessage.objects.get()  # the second attempt went through
    assert sms.phone == application.applicant.phone and "内科学组第3号" in sms.text


def test_before_an_arrangement_the_applicant_is_told_it_will_come(org, client):
    application = accepted(org, "林芳")
    login(client, application.applicant)
    assert 'data-testid="defence-when"' not in client.get(reverse("applications:home")).content.decode()
    detail = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "答辩安排由评委会统一导入，安排后将在此显示并以短信通知您。" in detail
    response = client.get(reverse("applications:defence_notice", args=[application.pk]), follow=True)
    assert "评委会尚未安排您的答辩，安排后才能打印答辩通知单。" in response.content.decode()


def test_importing_again_changes_only_what_changed_and_logs_the_change(org, client,
                                                                     django_capture_on_commit_callbacks):
    first, second = accepted(org, "林芳"), accepted(org, "陈静")
    login(client, org.committee)

    def imported(upload):
        with django_capture_on_commit_callbacks(execute=True):
            return post(client, upload)

    plan = {first.pk: ["内科学组", DAY, "09:30", "第一会议室", 1], second.pk: ["内科学组", DAY, "10:00", "第一会议室", 2]}
    imported(filled(client, plan))
    assert Defence.objects.count() == 2
    # The template now carries the arrangements: import it untouched, then with one time moved.
    response = imported(filled(client, {}))
    assert "新增0条，变更0条，未变2条" in client.get(response.url).content.decode()
    response = imported(filled(client, {second.pk: ["内科学组", DAY, "14:30", "第一会议室", 2]}))
    assert "新增0条，变更1条，未变1条" in client.get(response.url).content.decode()
    assert f"{timezone.localtime(Defence.objects.get(application=second).starts_at):%H:%M}" == "14:30"
    changes = list(FlowEntry.objects.filter(action="defence", subject_id=second.pk).order_by("pk"))
    assert len(changes) == 2
    assert changes[1].opinion == f"变更：学科组：内科学组；答辩时间：{DAY:%Y-%m-%d} 14:30；答辩地点：第一会议室；答辩序号：2"
    assert SmsMessage.objects.count() == 3  # two first arrangements and the change


def test_every_bad_row_is_named_and_nothing_is_written(org, client):
    a, b, c, d = (accepted(org, name) for name in ("林芳", "陈静", "王强", "赵敏"))
    passed = walk(org, filed(org, name="已通过"), to="passed")
    login(client, org.committee)
    post(client, filled(client, {d.pk: ["外科学组", DAY, "09:00", "第二会议室", 5]}))
    before = snapshot()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    upload = filled(client, {
        a.pk: ["内科学组", yesterday, "25:00", "第一会议室", 0],
        b.pk: ["内科学组", DAY, "09:30", "", 1],
        c.pk: ["外科学组", DAY, "9：30", "第二会议室", 5],
        d.pk: [None] * 6,  # left out of this file: its stored arrangement keeps its slot
    }, extra_rows=[
        [str(b.pk), "陈静", "", "", "", "内科学组", DAY, "10:00", "第一会议室", 2],
        ["999999", "无此人", "", "", "", "内科学组", DAY, "10:00", "第一会议室", 7],
        [str(passed.pk), "已通过", "", "", "", "内科学组", DAY, "10:00", "第一会议室", 8],
        [str(a.pk), "林某", "", "", "", "内科学组", DAY, "10:00", "第一会议室", 9],
    ])
    response = post(client, upload)
    assert response.status_code == 200
    page = response.content.decode()
    assert "本次未导入任何数据" in page
    errors = [(e["column"], e["message"]) for e in response.context["outcome"].errors]
    assert ("答辩日期", "答辩日期不能早于今天。") in errors
    assert ("答辩时间", "请按24小时制填写答辩时间，如 09:30。") in errors
    assert ("答辩序号", "答辩序号应为1–999的整数。") in errors
    assert ("答辩地点", "请填写答辩地点。") in errors
    assert ("学科组、答辩日期、答辩序号", f"与已安排的赵敏（申报编号{d.pk}）的学科组、答辩日期和答辩序号相同。") in errors
    assert ("申报编号", "申报编号999999不是本评委会评审中的申报，不能安排答辩。") in errors
    assert ("申报编号", f"申报编号{passed.pk}不是本评委会评审中的申报，不能安排答辩。") in errors
    assert ("姓名", f"姓名与申报编号{a.pk}的申报人不符，请核对后重新导入。") in errors
    lines = [e["line"] for e in response.context["outcome"].errors]
    assert lines == sorted(lines)
    assert "请按24小时制填写答辩时间" in page and "第" in page
    assert snapshot() == before


def test_a_repeated_application_and_a_shared_slot_within_the_file(org, client):
    a, b = accepted(org, "林芳"), accepted(org, "陈静")
    login(client, org.committee)
    upload = filled(client, {a.pk: ["内科学组", DAY, "09:30", "第一会议室", 1], b.pk: ["内科学组", DAY, "10:30", "第一会议室", 1]},
                    extra_rows=[[str(a.pk), "林芳", "", "", "", "外科学组", DAY, "11:00", "第二会议室", 4]])
    errors = post(client, upload).context["outcome"].errors
    messages = {e["message"] for e in errors}
    assert any(m.startswith("与第") and m.endswith("行的学科组、答辩日期和答辩序号相同。") for m in messages), messages
    assert any(m.startswith("与第") and m.endswith("行是同一申报，每人只能有一条答辩安排。") for m in messages), messages
    assert not Defence.objects.exists()


@pytest.mark.parametrize("name, content, message", [
    ("答辩安排.xls", b"\xd0\xcf\x11\xe0", "只支持 .xlsx 格式的Excel文件"),
    ("答辩安排.csv", "申报编号,姓名\n1,林芳".encode(), "只支持 .xlsx 格式的Excel文件"),
    ("答辩安排.xlsx", b"PK\x03\x04 not a zip", "文件"),
])
def test_files_that_cannot_be_read_are_refused_by_the_field(org, client, name, content, message):
    accepted(org, "林芳")
    login(client, org.committee)
    response = post(client, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert response.context["file_error"] and message in response.context["file_error"]
    assert 'id="defence-file-error"' in response.content.decode()
    assert not Defence.objects.exists()


@pytest.mark.parametrize("ref, number, message", [
    ("XFD1048576", 1048576, "第XFD列有内容，超出了模板的11列（A–K列）。请删除模板以外的列和内容后再上传。"),
    ("K1000000", 1000000, "第1000000行有内容，超出了一次最多导入的20000行数据。请删除多余的行、不要留空行，或分批导入。"),
])
def test_a_few_kb_naming_a_far_cell_is_refused_by_the_field_and_nothing_is_read(org, client, ref, number, message):
    """The template's header and one cell far away: refused before the sheet is loaded (the reader would build
    a grid of GiBs), with the row or column named, and the page still answers."""
    accepted(org, "林芳")
    login(client, org.committee)
    labels = template_rows(client)[0]
    content = xlsx(worksheet(header(labels) + row(number, inline(ref, "内科学组"))))
    assert len(content) < 5000
    response = post(client, SimpleUploadedFile("答辩安排.xlsx", content))
    assert response.status_code == 200
    assert response.context["file_error"] == message
    assert not Defence.objects.exists()
    assert client.get(URL).status_code == 200


def test_a_template_with_nothing_filled_in_and_no_file_are_explained(org, client):
    accepted(org, "林芳")
    login(client, org.committee)
    response = post(client, filled(client, {}))
    assert response.context["file_error"] == "文件中没有填写答辩安排的行（学科组、答辩日期、答辩时间、答辩地点、答辩序号）。"
    response = client.post(URL, {})
    assert response.context["file_error"] == "请选择要导入的答辩安排文件（.xlsx）。"


def test_a_renamed_column_is_refused(org, client):
    application = accepted(org, "林芳")
    login(client, org.committee)
    workbook = downloaded(client)
    sheet = workbook.worksheets[0]
    sheet.cell(row=1, column=9, value="地点")
    sheet.cell(row=2, column=6, value="内科学组")
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = post(client, SimpleUploadedFile("答辩安排.xlsx", buffer.getvalue()))
    assert "缺少列：答辩地点" in response.context["file_error"]
    assert not Defence.objects.filter(application=application).exists()


def test_a_time_cell_typed_as_a_time_is_read(org, client):
    application = accepted(org, "林芳")
    login(client, org.committee)
    post(client, filled(client, {application.pk: ["内科学组", DAY, datetime.time(14, 5), "第一会议室", 1]}))
    assert f"{timezone.localtime(Defence.objects.get().starts_at):%H:%M}" == "14:05"


def test_another_bodys_committee_office_sees_none_of_it_and_cannot_arrange_it(org, client):
    application = accepted(org, "林芳")
    other_bureau = UnitFactory(kind=Unit.Kind.BUREAU, nature=Unit.Nature.GOVERNMENT, name="厦门市人社局")
    CommitteeFactory(bureau=other_bureau)
    outsider = staff(Role.COMMITTEE_STAFF, other_bureau, name="厦门评委会干部")
    login(client, outsider)
    assert "林芳" not in client.get(URL + "?status=all").content.decode()
    rows = template_rows(client)
    assert [row for row in rows[1:] if any(row)] == []
    upload = filled(client, {}, extra_rows=[[str(application.pk), "林芳", "", "", "", "内科学组", DAY, "09:30",
                                             "第一会议室", 1]])
    errors = post(client, upload).context["outcome"].errors
    assert [e["message"] for e in errors] == [f"申报编号{application.pk}不是本评委会评审中的申报，不能安排答辩。"]
    assert not Defence.objects.exists()


@pytest.mark.parametrize("who", ["unit admin", "bureau staff", "applicant"])
def test_the_page_and_the_template_are_404_for_everyone_but_committee_offices(org, client, who):
    application = accepted(org, "林芳")
    user = {"unit admin": org.clerk, "bureau staff": org.bureau, "applicant": application.applicant}[who]
    login(client, user)
    assert client.get(URL).status_code == 404
    assert client.get(reverse("chain:defences_template")).status_code == 404
    assert post(client, SimpleUploadedFile("x.xlsx", b"PK")).status_code == 404


def test_only_the_applicant_prints_the_notice(org, client):
    application = accepted(org, "林芳")
    login(client, org.committee)
    post(client, filled(client, {application.pk: ["内科学组", DAY, "09:30", "第一会议室", 1]}))
    other = filed(org, name="陈静").applicant
    for user in (other, org.committee, org.clerk):
        login(client, user)
        assert client.get(reverse("applications:defence_notice", args=[application.pk])).status_code == 404


def test_the_list_uses_constant_queries(org, client):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL + "?status=all").status_code == 200
        return len(captured)

    for i in range(2):
        accepted(org, f"申报人{i}")
    login(client, org.committee)
    post(client, filled(client, {a.pk: ["内科学组", DAY, "09:30", "第一会议室", n]
                                 for n, a in enumerate(Application.objects.all(), start=1)}))
    few = count()
    for i in range(2, 12):
        accepted(org, f"申报人{i}")
    assert count() == few


def test_a_result_can_still_be_recorded_after_the_arrangement(org, client):
    application = accepted(org, "林芳")
    login(client, org.committee)
    post(client, filled(client, {application.pk: ["内科学组", DAY, "09:30", "第一会议室", 1]}))
    chain.committee_result(actor=org.committee, pk=application.pk, passed=True)
    assert "内科学组" in client.get(URL + "?status=arranged").content.decode()
    assert [row for row in template_rows(client)[1:] if any(row)] == []
