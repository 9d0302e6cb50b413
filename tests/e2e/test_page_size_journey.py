"""Twenty-five doctors' papers wait for review. The hospital's admin searches them, shows 20 a page with the
footer's 每页条数, goes to 下一页 and back, switches tab, and the size stays chosen throughout; then the
applicant's own list takes 50 a page the same way."""

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD, PersonFactory
from tests.review.support import make_record


def test_the_admin_chooses_twenty_a_page_and_keeps_it(page, shot, log_in, hospital):
    doctor = PersonFactory(unit=hospital.unit, name="林医生")
    for i in range(1, 26):
        make_record(doctor, "paper", title=f"基层医院护理质量研究（第{i:02d}篇）",
                    data={"journal": "中华护理杂志", "journal_level": "核心期刊", "published_on": "2025-06-01"})

    log_in(hospital.admin.id_number, PASSWORD)
    page.locator("aside").get_by_role("link", name="业绩档案").click()
    rows = page.locator("tbody tr[data-record]")
    expect(rows).to_have_count(10)
    page.get_by_placeholder(re.compile("请输入申报人")).fill("护理质量")
    page.get_by_role("button", name="查询").click()
    expect(rows).to_have_count(10)

    # 20条/页: the list reloads with twenty rows, the search kept.
    page.get_by_label("每页条数").select_option("20")
    expect(rows).to_have_count(20)
    expect(page).to_have_url(re.compile(r"per_page=20"))
    expect(page).to_have_url(re.compile(r"q=%E6%8A%A4"))
    expect(page.get_by_placeholder(re.compile("请输入申报人"))).to_have_value("护理质量")
    shot("01-twenty-a-page")

    page.get_by_role("link", name="下一页").click()
    expect(rows).to_have_count(5)
    expect(rows.first.locator("td").nth(1)).to_have_text("21")  # 序号 runs on
    expect(page.get_by_label("每页条数")).to_have_value("20")
    shot("02-second-page")
    page.get_by_role("link", name="上一页").click()
    expect(rows).to_have_count(20)

    page.locator("[data-tab=pending]").click()
    expect(rows).to_have_count(20)
    expect(page.get_by_label("每页条数")).to_have_value("20")

    # A size typed into the address bar that the list does not offer gives its own ten.
    page.goto(page.url.replace("per_page=20", "per_page=5000"))
    expect(rows).to_have_count(10)
    expect(page.get_by_label("每页条数")).to_have_value("10")


def test_the_applicant_chooses_fifty_a_page(page, shot, log_in, hospital):
    doctor = PersonFactory(unit=hospital.unit, name="林医生")
    for i in range(1, 26):
        make_record(doctor, "paper", title=f"基层医院护理质量研究（第{i:02d}篇）",
                    data={"journal": "中华护理杂志", "journal_level": "核心期刊", "published_on": "2025-06-01"})

    log_in(doctor.id_number, PASSWORD)
    page.goto("/dossier/k/paper/")
    rows = page.locator("tbody tr[data-record]")
    expect(rows).to_have_count(10)
    expect(page.get_by_text("1 / 3")).to_be_visible()
    page.get_by_label("每页条数").select_option("50")
    expect(rows).to_have_count(25)
    expect(page.get_by_text("1 / 3")).to_have_count(0)
    expect(page.get_by_label("每页条数")).to_have_value("50")
    shot("01-fifty-a-page")
