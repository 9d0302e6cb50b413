"""A nurse about to register reads the 职称网上申报协议 in its dialog, agrees there, and is refused while the box is
unticked (seed 004 §1.1.1.2)."""

from playwright.sync_api import expect


def test_she_reads_the_agreement_in_its_dialog_and_agrees(page, shot):
    page.goto("/accounts/register/")
    box = page.get_by_label("我已阅读并同意《职称网上申报协议》")
    expect(box).not_to_be_checked()

    # 注册 with the box unticked: the error stands under the checkbox.
    page.get_by_role("button", name="注册", exact=True).click()
    check = page.locator(".form-check", has=box)
    expect(check.locator(".invalid-feedback")).to_have_text("请阅读并同意网上申报协议。")
    shot("01-refused-without-agreement")

    # The link opens the agreement in a dialog over the form, not a new page.
    page.get_by_role("link", name="《职称网上申报协议》").click()
    dialog = page.get_by_role("dialog", name="职称网上申报协议")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("身份证号属于敏感个人信息")
    expect(dialog).to_contain_text("保存期限")
    assert page.url.endswith("/accounts/register/")
    shot("02-agreement-dialog")

    # 关闭 leaves the box as it was; 我已阅读并同意 ticks it.
    dialog.locator(".modal-footer").get_by_role("button", name="关闭", exact=True).click()
    expect(dialog).to_be_hidden()
    expect(box).not_to_be_checked()
    page.get_by_role("link", name="《职称网上申报协议》").click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="我已阅读并同意").click()
    expect(dialog).to_be_hidden()
    expect(box).to_be_checked()
    assert len(page.context.pages) == 1
    shot("03-agreed")


def test_the_agreement_page_stands_alone(page, shot):
    page.goto("/accounts/register/agreement/")
    expect(page.get_by_role("heading", name="职称网上申报协议")).to_be_visible()
    expect(page.get_by_text("您的权利：")).to_be_visible()
    shot("01-page")
    page.get_by_role("link", name="返回个人注册").click()
    expect(page.get_by_role("heading", name="个人注册")).to_be_visible()
