"""The 卫生技术 section as the manual has it (seed 004 §15), in the browser: 陈静 has filled her 副高 application. On the
卫生技术 page 行政职务 shows what 个人基本信息 holds and cannot be typed; choosing 公共卫生机构 locks 级别, choosing 医院
unlocks it; 一级及以下 asks for the four grassroots uploads, each its own slot; 申报专业 其他 asks for its text;
转岗聘任 是 offers its attachment. She saves and everything is kept."""

import re

from django.test import Client
from playwright.sync_api import expect

from applications import services
from applications.models import Application, ApplicationFile
from tests.applications.support import dossier, fill_everything, image_bytes, login, plan_for, scan_image
from tests.factories import PASSWORD, PersonFactory, UnitFactory, unit_admin

GRASSROOTS = ["基层医疗机构执业许可证副本", "基层卫生专业高级资格考试合格证书", "开展“健康讲座”情况",
              "开展“本专业专题讲座”情况"]


def nurse_with_an_application():
    hospital = UnitFactory(name="福州市鼓楼区洪山镇卫生院")
    person = PersonFactory(unit=hospital, name="陈静", series="卫生技术")
    records = dossier(person, unit_admin(hospital, name="院办"), series="卫生技术")
    application = services.application_start(actor=person, plan=plan_for("卫生技术"), series="卫生技术", level="副高")
    client = Client()
    login(client, person)
    fill_everything(client, application, records, series="卫生技术")
    return person, Application.objects.get(pk=application.pk)


def test_nurse_fills_the_health_section_with_its_drop_downs_locks_and_slots(page, shot, log_in, tmp_media, tmp_path):
    person, application = nurse_with_an_application()
    proof = tmp_path / "转岗聘任文件.jpg"
    proof.write_bytes(image_bytes(scan_image("转岗聘任")))
    log_in(person.username, PASSWORD)
    page.get_by_role("link", name="职称申报", exact=True).click()
    page.get_by_role("link", name="继续填报").first.click()

    # 行政职务 typed once, in 个人基本信息.
    page.get_by_role("link", name="个人基本信息").first.click()
    page.locator("#section-form").get_by_label("行政职务", exact=True).fill("护理部副主任")
    page.locator("#section-form").get_by_role("button", name="保存").click()
    expect(page.get_by_text("个人基本信息已保存。")).to_be_visible()

    page.locator("aside").get_by_role("link", name=re.compile(r"^\d+\. 卫生技术$")).click()
    expect(page.get_by_role("heading", name="卫生技术", exact=True)).to_be_visible()
    form = page.locator("#section-form")
    admin_post = form.get_by_label("行政职务", exact=True)
    expect(admin_post).to_have_value("护理部副主任")
    expect(admin_post).to_be_disabled()

    # 公共卫生机构 locks 级别; 医院 unlocks it.
    institution, level = form.get_by_label("所在医疗卫生机构情况"), form.get_by_label("级别", exact=True)
    institution.select_option("公共卫生机构")
    expect(level).to_be_disabled()
    shot("1-level-locked")
    institution.select_option("医院")
    expect(level).to_be_enabled()

    # 一级及以下: four grassroots slots, each with its own input.
    for label in GRASSROOTS:
        expect(page.get_by_text(label, exact=True)).to_be_hidden()
    level.select_option("一级及以下")
    for label in GRASSROOTS:
        expect(page.get_by_text(label, exact=True)).to_be_visible()
    shot("2-grassroots-slots")

    # 申报专业 其他 asks for its text; 转岗聘任 是 offers its attachment.
    form.get_by_label("申报专业", exact=True).select_option("其他")
    form.get_by_label("其他申报专业").fill("老年护理")
    expect(page.get_by_text("转岗聘任材料", exact=True)).to_be_hidden()
    form.get_by_label("转岗聘任", exact=True).select_option("是")
    expect(page.get_by_text("转岗聘任材料", exact=True)).to_be_visible()
    page.locator("#id_slot_transfer_proof").set_input_files(str(proof))
    form.get_by_label("外语能力水平", exact=True).select_option("职称外语B级合格")
    shot("3-filled")
    form.get_by_role("button", name="保存").click()
    expect(page.get_by_text("卫生技术已保存。")).to_be_visible()
    expect(page.get_by_role("link", name="转岗聘任文件.jpg")).to_be_visible()
    shot("4-saved")

    application.refresh_from_db()
    values = application.data["health"]["values"]
    assert (values["institution"], values["institution_level"]) == ("医院", "一级及以下")
    assert (values["specialty"], values["specialty_other"]) == ("其他", "老年护理")
    assert values["admin_post"] == "护理部副主任" and values["transfer"] == "是"
    assert ApplicationFile.objects.get(application=application, slot="transfer_proof").name == "转岗聘任文件.jpg"
