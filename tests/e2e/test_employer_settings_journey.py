"""The hospital's admin completes the unit's information (完善单位信息), is stopped by a licence that expires
before it was issued, corrects it, then records this year's approved post vacancies (岗位核准信息) with the
approval form and confirms them, after which they can no longer be changed (SPEC §5 管理设置)."""

from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.review.support import pdf_bytes


def test_the_admin_completes_the_unit_information_and_confirms_the_post_quota(page, shot, log_in, hospital,
                                                                              accept_dialogs):
    log_in(hospital.admin.id_number, PASSWORD)
    page.locator("aside").get_by_role("link", name="单位信息").click()
    expect(page.get_by_role("heading", name="单位信息")).to_be_visible()
    shot("01-unit-information")

    page.get_by_role("link", name="完善单位信息").click()
    page.get_by_label("法定代表人电话", exact=True).fill("0591-87654321")
    page.get_by_label("单位通讯地址", exact=True).fill("福州市鼓楼区杨桥东路18号")
    page.get_by_label("行业代码", exact=True).fill("Q8411")
    page.get_by_label("经济类型", exact=True).fill("国有经济")
    page.get_by_label("工商登记执照种类", exact=True).fill("事业单位法人证书")
    page.get_by_label("工商登记执照号码", exact=True).fill("事证第135010000123号")
    page.get_by_label("发照日期", exact=True).fill("2020-01-10")
    page.get_by_label("有效期限", exact=True).fill("2019-12-31")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("main")).to_contain_text("有效期限不能早于发照日期。")
    expect(page.get_by_label("工商登记执照号码", exact=True)).to_have_value("事证第135010000123号")
    shot("02-licence-dates-refused")
    page.get_by_label("有效期限", exact=True).fill("2030-01-09")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert")).to_contain_text("单位信息已保存。")
    expect(page.locator("main")).to_contain_text("事证第135010000123号")
    expect(page.locator("main")).to_contain_text("2030-01-09")
    shot("03-unit-information-completed")

    page.locator("aside").get_by_role("link", name="岗位核准信息").click()
    page.get_by_role("link", name="新增").click()
    page.get_by_label("年度", exact=True).fill("2026")
    page.get_by_label("正高空缺数", exact=True).fill("2")
    page.get_by_label("副高空缺数", exact=True).fill("5")
    page.get_by_label("中级空缺数", exact=True).fill("")
    page.get_by_label("岗位核准文件", exact=True).set_input_files(
        {"name": "2026年度岗位核准表.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    shot("04-quota-form")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert")).to_contain_text("岗位核准信息已保存。确认后不能再修改。")
    row = page.locator("tr", has_text="2026")
    expect(row).to_contain_text("不限")
    expect(row).to_contain_text("未确认")
    shot("05-quota-saved")
    row.get_by_role("button", name="确认").click()
    expect(page.get_by_role("alert")).to_contain_text("2026年度岗位核准信息已确认。")
    expect(row).to_contain_text("已确认")
    expect(row.get_by_role("link", name="修改")).to_have_count(0)
    shot("06-quota-confirmed")
