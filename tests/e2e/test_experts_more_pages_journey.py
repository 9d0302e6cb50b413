"""The experts' remaining pages in the browser (issue 21): the office imports its pool from the downloaded Excel
template (a bad row named, nothing written; then every row), pauses an expert and downloads a draw's record; a
person declares a relation on 利害关系声明; an expert reads the record of service after a closed meeting and
downloads the certificate."""

import datetime
import json

from openpyxl import load_workbook
from playwright.sync_api import expect

from experts import services
from experts.models import Expert
from tests.factories import PASSWORD, PersonFactory, UnitFactory

from .test_experts_journey import GROUP, TERM, org  # noqa: F401 - the journey's world


def fill(path, rows):
    book = load_workbook(path)
    sheet = book.worksheets[0]
    for line, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=line, column=column, value=value)
    book.save(path)


def test_the_office_imports_its_pool_and_a_person_declares_a_relation(page, log_in, log_out, shot, org, tmp_path):  # noqa: F811
    today = datetime.date.today()
    first, second = (PersonFactory(name=name, unit=UnitFactory(name=f"{name}的单位")) for name in ("邓文", "韩梅"))
    log_in(org.committee.username, PASSWORD)
    page.locator("aside").get_by_role("link", name="专家库", exact=True).click()
    with page.expect_download() as download:
        page.get_by_test_id("pool-template").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    row = ["工程技术", GROUP, "正高", today, today + datetime.timedelta(days=365)]
    fill(path, [[1, first.id_number, first.name, *row], [2, second.id_number, "韩美", *row]])
    form = page.get_by_test_id("expert-import")
    form.locator("input[type=file]").set_input_files(str(path))
    form.get_by_role("button", name="导入").click()
    expect(page.get_by_test_id("import-errors-summary")).to_contain_text("本次未导入任何数据")
    expect(page.get_by_test_id("import-errors").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("import-errors")).to_contain_text("第3行")
    expect(page.get_by_test_id("import-errors")).to_contain_text("姓名与该身份证号注册的姓名不符。")
    assert not Expert.objects.filter(person__in=[first, second]).exists()
    shot("01-office-import-bad-row")
    fill(path, [[1, first.id_number, first.name, *row], [2, second.id_number, second.name, *row]])
    form = page.get_by_test_id("expert-import")
    form.locator("input[type=file]").set_input_files(str(path))
    form.get_by_role("button", name="导入").click()
    expect(page.locator(".alert-success")).to_contain_text("已导入2位专家。")
    listed = page.get_by_test_id("pool-list")
    expect(listed.locator("tr", has_text="韩梅")).to_contain_text(f"{second.id_number[:4]}**********")
    line = listed.locator("tr", has_text="邓文")
    line.get_by_label("状态").select_option("暂停")
    line.get_by_role("button", name="设置").click()
    expect(page.get_by_test_id("pool-list").locator("tr", has_text="邓文")).to_contain_text("暂停")
    assert Expert.objects.get(person=first).status == Expert.Status.PAUSED
    shot("02-office-pool-imported-one-paused")

    page.locator("aside").get_by_role("link", name="专家抽取", exact=True).click()
    form = page.get_by_test_id("draw-form")
    form.get_by_label("评审计划").select_option(label=org.plan.name)
    form.get_by_label("学科组").fill(GROUP)
    form.get_by_label("评审组人数").fill("3")
    form.get_by_label("候补人数").fill("0")
    form.get_by_label("评审会日期").fill((today + datetime.timedelta(days=10)).isoformat())
    form.get_by_role("button", name="随机抽取").click()
    expect(page.get_by_test_id("draw-seed")).to_be_visible()
    expect(page.get_by_test_id("draw-late")).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_role("link", name="下载抽取记录（JSON）").click()
    record = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert record["seed"] == int(page.get_by_test_id("draw-seed").inner_text())
    assert first.pk not in [e["id"] for e in record["snapshot"]]  # 暂停: out of the draw
    members, _ = services.draws.repeat(seed=record["seed"], snapshot=record["snapshot"], size=3, reserves=0)
    assert len(members) == 3
    shot("03-office-draw-record")
    log_out()

    log_in(org.application.applicant.username, PASSWORD)
    page.locator("aside").get_by_role("link", name="利害关系声明", exact=True).click()
    form = page.get_by_test_id("relation-form")
    form.get_by_label("对方身份证号").fill(second.id_number)
    form.get_by_label("对方姓名").fill("韩美")
    form.get_by_label("关系").select_option("师生")
    form.get_by_role("button", name="登记").click()
    expect(page.get_by_test_id("relation-form")).to_contain_text("没有找到身份证号和姓名都相符的注册人员。")
    form = page.get_by_test_id("relation-form")
    form.get_by_label("对方姓名").fill("韩梅")
    form.get_by_label("说明").fill("研究生导师")
    form.get_by_role("button", name="登记").click()
    relations = page.get_by_test_id("relations")
    expect(relations.locator("tr", has_text="韩梅")).to_contain_text("师生")
    expect(relations).not_to_contain_text(second.id_number)
    shot("04-applicant-relation-declared")


def test_an_expert_reads_the_record_of_service(page, log_in, shot, org):  # noqa: F811
    draw = services.draw_make(actor=org.committee, plan_id=org.plan.pk, group=GROUP, size=3, reserves=0,
                              meeting_on=datetime.date.today() + datetime.timedelta(days=8))
    services.ballot_close(actor=org.committee, draw_id=draw.pk)
    expert = draw.assignments.order_by("position").first().expert.person
    log_in(expert.username, PASSWORD)
    page.locator("aside").get_by_role("link", name="评审服务记录", exact=True).click()
    service = page.get_by_test_id("service")
    expect(service).to_contain_text(org.plan.committee.name)
    expect(service).to_contain_text(GROUP)
    with page.expect_download() as download:
        page.get_by_test_id("service-certificate").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert download.value.path().read_bytes().startswith(b"%PDF")
    shot("01-expert-record-of-service")
