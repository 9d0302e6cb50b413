"""The registration agreement (seed 004 §1.1.1.2): its text opens in a dialog from the checkbox's link, stands on
its own page for a browser without JavaScript, and registration is refused until the box is ticked."""

import re

import pytest
from pytest_django.asserts import assertInHTML

pytestmark = pytest.mark.django_db

REGISTER_URL = "/accounts/register/"
AGREEMENT_URL = "/accounts/register/agreement/"
# What a person must be told before her personal information is processed (PIPL art. 17 and 29).
PIPL_HEADINGS = ("收集的信息", "处理目的", "可以查看信息的人员", "保存期限", "您的权利")


def test_the_checkbox_link_opens_the_agreement_dialog_and_falls_back_to_its_page(client):
    html = client.get(REGISTER_URL).content.decode()

    assertInHTML(
        f'<label class="form-check-label" for="id_agreement">我已阅读并同意<a href="{AGREEMENT_URL}" target="_blank"'
        ' rel="noopener" data-bs-toggle="modal" data-bs-target="#agreement-modal">《职称网上申报协议》</a></label>',
        html,
    )
    dialog = html[html.index('id="agreement-modal"'):]
    assert 'class="modal fade"' in html[html.rindex("<div", 0, html.index('id="agreement-modal"')):][:80]
    for heading in PIPL_HEADINGS:
        assert heading in dialog
    assert re.search(r'<button[^>]*data-bs-dismiss="modal"[^>]*data-agree="id_agreement">我已阅读并同意</button>', dialog)


def test_the_agreement_has_its_own_page(client):
    response = client.get(AGREEMENT_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assertInHTML('<h1 class="h4 mb-3">职称网上申报协议</h1>', html)
    for heading in PIPL_HEADINGS:
        assert heading in html
    assert "身份证号属于敏感个人信息" in html
    assertInHTML(f'<a class="btn btn-primary mt-2" href="{REGISTER_URL}">返回个人注册</a>', html)


def test_registration_without_the_box_ticked_shows_the_error_under_the_checkbox(client):
    response = client.post(REGISTER_URL, {"name": "张伟"})

    assert response.context["form"].errors["agreement"] == ["请阅读并同意网上申报协议。"]
    html = response.content.decode()
    check = html[html.index('name="agreement"'):]
    check = check[:check.index("</div>")]
    assert '<div class="invalid-feedback d-block">请阅读并同意网上申报协议。' in check
