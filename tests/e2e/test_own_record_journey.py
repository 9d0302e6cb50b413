"""回避: 林芳 administers the hospital she works at. Her own 科研(基金)项目 is in the unit's queue, but only to look at:
no checkbox, no 审核; its page offers no decision and says that 黄主任 or the unit account must review it. Her
own title application at the unit node likewise offers no 领取. 黄主任 then approves her record as usual."""

import re

from playwright.sync_api import expect

from tests.applications.support import plan_for
from tests.chain.support import filed
from tests.factories import PASSWORD, unit_account, unit_admin
from tests.review.support import make_record

PROJECT = "福建省卫生健康科研项目：护理质量评价"
NOTE = "本人的业绩不能由本人审核，请由本单位其他管理员（黄主任）或单位账号（福州市第一医院）审核。"


def test_an_admin_cannot_review_her_own_record_and_her_colleague_can(page, shot, log_in, log_out, hospital):
    unit_account(hospital.unit)
    lin = unit_admin(hospital.unit, name="林芳")
    make_record(lin, "research_project", title=PROJECT)
    application = filed(type("Org", (), {"unit": hospital.unit, "plan": plan_for("工程技术")}), person=lin)

    # 林芳 opens 业绩档案 › 科研(基金)项目: her record is listed, to look at only.
    log_in(lin.id_number, PASSWORD)
    page.locator("aside").get_by_role("link", name="业绩档案").click()
    page.locator(".zc-dossier-menu").get_by_role("link", name=re.compile(r"^\s*科研\(基金\)项目")).click()
    row = page.locator("tr", has_text=PROJECT)
    expect(row).to_contain_text("本人业绩")
    expect(row.get_by_role("checkbox")).to_have_count(0)
    expect(row.get_by_role("link", name="审核")).to_have_count(0)
    shot("01-own-record-in-the-list")
    row.get_by_role("link", name="查看").click()

    # Its page says who else reviews it, and offers no decision.
    expect(page.get_by_test_id("recusal-note")).to_have_text(NOTE)
    expect(page.get_by_role("button", name="通过")).to_have_count(0)
    expect(page.get_by_role("button", name="退回")).to_have_count(0)
    shot("02-own-record-page")

    # Her own application at the unit node: no 领取, the same kind of note.
    page.goto(f"/chain/unit/{application.pk}/")
    expect(page.get_by_test_id("recusal-note")).to_contain_text("本人的职称申报不能由本人审核，请由本单位其他管理员（黄主任）")
    expect(page.get_by_role("button", name="领取")).to_have_count(0)
    shot("03-own-application-page")
    log_out()

    # 黄主任 reviews and approves it.
    log_in(hospital.admin.id_number, PASSWORD)
    page.goto("/unit/records/k/research_project/")
    page.locator("tr", has_text=PROJECT).get_by_role("link", name="审核").click()
    page.get_by_role("button", name="通过").click()
    expect(page.get_by_role("alert")).to_contain_text(f"已通过“{PROJECT}”")
    expect(page.locator("tr", has_text=PROJECT)).to_contain_text("审核通过")
    shot("04-colleague-approved")
