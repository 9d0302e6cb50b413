"""管理设置 › 岗位核准信息 (事业单位 only): vacancies per level and year (a number or 不限), the approved quota
form, confirmation that makes it immutable, and orgs.services.post_quota_take for recommendations."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from core.files import STORAGE_FULL
from orgs.models import PostQuota, Unit
from orgs.services import QuotaError, post_quota_save, post_quota_take
from tests.factories import UnitFactory, unit_admin
from tests.helpers import files_under

from .support import login, page_messages, pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db

QUOTAS = reverse("orgs:quotas")
NEW = reverse("orgs:quota_new")


def _quota_post(**changes) -> dict:
    data = {"year": "2026", "senior": "2", "associate": "5", "intermediate": "", "junior": ""}
    data.update(changes)
    return data


@pytest.fixture
def enterprise_admin():
    return unit_admin(UnitFactory(name="福州软件园科技有限公司", nature=Unit.Nature.ENTERPRISE), name="企业管理员")


def test_an_enterprise_is_told_quotas_are_for_public_institutions_and_cannot_create_one(client, enterprise_admin):
    login(client, enterprise_admin)

    html = client.get(QUOTAS).content.decode()
    response = client.post(NEW, _quota_post(attachment=upload("核准表.pdf", pdf_bytes())))

    assert "岗位核准信息只适用于事业单位。福州软件园科技有限公司的单位性质为企业。" in html
    assert f'href="{NEW}"' not in html
    assert response.status_code == 302 and response.url == QUOTAS
    assert page_messages(client.get(QUOTAS))[-1] == "岗位核准信息只适用于事业单位。"
    assert not PostQuota.objects.exists()
    with pytest.raises(QuotaError, match="只有事业单位需要填写岗位核准信息。"):
        post_quota_save(actor=enterprise_admin, unit=enterprise_admin.unit, year=2026, vacancies={})


def test_a_quota_is_created_with_vacancies_and_blank_means_unlimited(client, unit_a, admin_a):
    login(client, admin_a)

    response = client.post(NEW, _quota_post(attachment=upload("2026年岗位核准表.pdf", pdf_bytes())))

    assert response.status_code == 302 and response.url == QUOTAS
    quota = PostQuota.objects.get(unit=unit_a, year=2026)
    assert (quota.senior, quota.associate, quota.intermediate, quota.junior) == (2, 5, None, None)
    assert quota.attachment_name == "2026年岗位核准表.pdf" and not quota.confirmed
    html = client.get(QUOTAS).content.decode()
    row = html[html.index("<td>2026</td>"):]
    row = row[: row.index("</tr>")]
    assert re.findall(r"<td>([^<]*)</td>", row)[:5] == ["2026", "2", "5", "不限", "不限"]
    assert "未确认" in row


def test_a_second_quota_for_the_same_year_is_refused(client, unit_a, admin_a):
    post_quota_save(actor=admin_a, unit=unit_a, year=2026, vacancies={"senior": 1})
    login(client, admin_a)

    response = client.post(NEW, _quota_post())

    assert response.context["form"].errors["year"] == ["2026年度的岗位核准信息已存在。"]
    assert PostQuota.objects.filter(unit=unit_a).count() == 1


@pytest.mark.parametrize("name, content, message", [
    ("核准表.exe", b"MZ\x90\x00\x03" + b"\x00" * 64, "文件“核准表.exe”的类型不允许，只能上传 doc、docx、pdf、jpg、jpeg 文件。"),
    ("核准表.pdf", b"<!doctype html><html><body><script>alert(1)</script></body></html>",
     "文件“核准表.pdf”的内容与扩展名 .pdf 不符，已拒绝上传。"),
    ("核准表.jpg", png_bytes(), "文件“核准表.jpg”的内容与扩展名 .jpg 不符，已拒绝上传。"),
])
def test_the_attachment_must_really_be_of_an_allowed_type(client, unit_a, admin_a, name, content, message):
    login(client, admin_a)

    response = client.post(NEW, _quota_post(attachment=upload(name, content)))

    assert response.status_code == 200
    assert response.context["form"].errors["attachment"] == [message]
    assert message in response.content.decode()
    assert not PostQuota.objects.exists()


def test_a_negative_or_non_numeric_vacancy_is_refused(client, admin_a):
    login(client, admin_a)

    response = client.post(NEW, _quota_post(senior="-1", junior="三"))

    assert response.context["form"].errors["senior"] == ["正高空缺数不能为负数。"]
    assert response.context["form"].errors["junior"] == ["初级空缺数应为整数。"]


def test_confirming_needs_the_attachment(client, unit_a, admin_a):
    quota = post_quota_save(actor=admin_a, unit=unit_a, year=2026, vacancies={"senior": 1})
    login(client, admin_a)

    response = client.post(reverse("orgs:quota_confirm", args=[quota.pk]), follow=True)

    assert page_messages(response)[-1] == "请先上传岗位核准文件再确认。"
    assert not PostQuota.objects.get(pk=quota.pk).confirmed


def test_a_quota_with_its_attachment_is_confirmed_and_then_immutable(client, unit_a, admin_a):
    quota = post_quota_save(actor=admin_a, unit=unit_a, year=2026, vacancies={"senior": 1},
                            attachment=upload("核准表.pdf", pdf_bytes()))
    login(client, admin_a)
    edit = reverse("orgs:quota_edit", args=[quota.pk])

    response = client.post(reverse("orgs:quota_confirm", args=[quota.pk]), follow=True)

    assert page_messages(response)[-1] == "2026年度岗位核准信息已确认。"
    listed = response.content.decode()
    assert "已确认" in listed and edit not in listed
    for attempt in (client.get(edit), client.post(edit, _quota_post(senior="99"))):
        assert attempt.status_code == 302 and attempt.url == QUOTAS
    assert page_messages(client.get(QUOTAS))[-1] == "岗位核准信息确认后不能修改。"
    assert PostQuota.objects.get(pk=quota.pk).senior == 1
    with pytest.raises(QuotaError, match="岗位核准信息确认后不能修改。"):
        post_quota_save(actor=admin_a, unit=unit_a, year=2026, vacancies={"senior": 99}, quota=quota)
    with pytest.raises(QuotaError, match="岗位核准信息已确认。"):
        from orgs.services import post_quota_confirm

        post_quota_confirm(actor=admin_a, quota=quota)


def test_an_unconfirmed_quota_is_edited_year_and_all(client, unit_a, admin_a):
    quota = post_quota_save(actor=admin_a, unit=unit_a, year=2025, vacancies={"senior": 1})
    login(client, admin_a)

    response = client.post(reverse("orgs:quota_edit", args=[quota.pk]),
                           _quota_post(year="2026", senior="3", attachment=upload("核准表.pdf", pdf_bytes())))

    assert response.status_code == 302
    quota.refresh_from_db()
    assert (quota.year, quota.senior, quota.associate, quota.attachment_name) == (2026, 3, 5, "核准表.pdf")


def test_editing_a_quota_into_a_year_already_taken_is_refused(client, unit_a, admin_a):
    post_quota_save(actor=admin_a, unit=unit_a, year=2026, vacancies={"senior": 1})
    quota = post_quota_save(actor=admin_a, unit=unit_a, year=2025, vacancies={"senior": 1})
    login(client, admin_a)

    response = client.post(reverse("orgs:quota_edit", args=[quota.pk]), _quota_post(year="2026"))

    assert response.context["form"].errors["year"] == ["2026年度的岗位核准信息已存在。"]
    assert PostQuota.objects.get(pk=quota.pk).year == 2025


def test_the_list_shows_whether_confirmed_and_how_many_were_recommended(client, unit_a, admin_a):
    quota = post_quota_save(actor=admin_a, unit=unit_a, year=2026, vacancies={"senior": 2, "junior": None},
                            attachment=upload("核准表.pdf", pdf_bytes()))
    PostQuota.objects.filter(pk=quota.pk).update(confirmed_at=timezone.now())
    for level in ("senior", "junior", "junior"):
        post_quota_take(unit=unit_a, year=2026, level=level)
    login(client, admin_a)

    html = client.get(QUOTAS).content.decode()

    assert "<th>是否确认</th>" in html and "<th>已推荐</th>" in html
    row = html[html.index("<td>2026</td>"):]
    row = row[: row.index("</tr>")]
    assert "已确认" in row and "<td>3</td>" in row
    assert reverse("orgs:quota_attachment", args=[quota.pk]) in row


def test_the_quota_attachment_downloads_for_the_units_admins(client, unit_a, admin_a):
    quota = post_quota_save(actor=admin_a, unit=unit_a, year=2026, vacancies={},
                            attachment=upload("核准表.pdf", pdf_bytes()))
    login(client, admin_a)

    response = client.get(reverse("orgs:quota_attachment", args=[quota.pk]))

    assert response.status_code == 200 and b"".join(response.streaming_content) == pdf_bytes()
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]


# ---------------------------------------------------------------- post_quota_take (the recommendation's rule)


@pytest.fixture
def confirmed(unit_a, admin_a):
    quota = post_quota_save(actor=admin_a, unit=unit_a, year=2026,
                            vacancies={"senior": 2, "associate": None, "intermediate": 0},
                            attachment=upload("核准表.pdf", pdf_bytes()))
    PostQuota.objects.filter(pk=quota.pk).update(confirmed_at=timezone.now())
    return quota


def test_recommendations_beyond_the_vacancies_are_refused(unit_a, confirmed):
    post_quota_take(unit=unit_a, year=2026, level="senior")
    post_quota_take(unit=unit_a, year=2026, level="senior")

    with pytest.raises(QuotaError) as refused:
        post_quota_take(unit=unit_a, year=2026, level="senior")

    assert str(refused.value) == "正高岗位空缺已用完（核准2个，已推荐2人），不能再推荐。"
    assert PostQuota.objects.get(pk=confirmed.pk).senior_taken == 2


def test_a_level_with_no_vacancy_refuses_the_first_recommendation(unit_a, confirmed):
    with pytest.raises(QuotaError, match="中级岗位空缺已用完（核准0个，已推荐0人），不能再推荐。"):
        post_quota_take(unit=unit_a, year=2026, level="intermediate")


def test_an_unlimited_level_never_runs_out(unit_a, confirmed):
    for _ in range(60):
        post_quota_take(unit=unit_a, year=2026, level="associate")

    assert PostQuota.objects.get(pk=confirmed.pk).associate_taken == 60


def test_a_level_left_blank_on_the_form_is_unlimited(client, unit_a, admin_a):
    login(client, admin_a)
    client.post(NEW, _quota_post(junior="", attachment=upload("核准表.pdf", pdf_bytes())))
    quota = PostQuota.objects.get(unit=unit_a)
    client.post(reverse("orgs:quota_confirm", args=[quota.pk]))

    for _ in range(20):
        post_quota_take(unit=unit_a, year=2026, level="junior")


def test_no_recommendation_without_a_confirmed_quota(unit_a, admin_a):
    with pytest.raises(QuotaError, match="单位2026年度的岗位核准信息尚未确认，不能推荐。"):
        post_quota_take(unit=unit_a, year=2026, level="senior")
    post_quota_save(actor=admin_a, unit=unit_a, year=2026, vacancies={"senior": 5})
    with pytest.raises(QuotaError, match="单位2026年度的岗位核准信息尚未确认，不能推荐。"):
        post_quota_take(unit=unit_a, year=2026, level="senior")


def test_a_quota_of_another_year_does_not_count(unit_a, confirmed):
    with pytest.raises(QuotaError, match="2027年度"):
        post_quota_take(unit=unit_a, year=2027, level="senior")


def test_an_unknown_level_is_a_programming_error(unit_a, confirmed):
    with pytest.raises(ValueError):
        post_quota_take(unit=unit_a, year=2026, level="chief")


# ---------------------------------------------------------------------------------------------------------------
# A storage that fails: the approved quota form on a full disk, its file gone missing.


def test_a_full_disk_while_the_quota_form_is_stored_saves_nothing_and_says_so_by_the_field(
        client, settings, unit_a, admin_a, full_disk):
    login(client, admin_a)
    full_disk(room=0)

    response = client.post(NEW, _quota_post(attachment=upload("2026年岗位核准表.pdf", pdf_bytes())))

    assert response.status_code == 200
    assert STORAGE_FULL in response.context["form"].errors["attachment"]
    assert STORAGE_FULL in response.content.decode()
    assert not PostQuota.objects.exists()
    assert files_under(settings.MEDIA_ROOT) == []


def test_a_quota_file_that_went_missing_gets_a_404_page_that_says_so(client, unit_a, admin_a):
    login(client, admin_a)
    client.post(NEW, _quota_post(attachment=upload("2026年岗位核准表.pdf", pdf_bytes())))
    quota = PostQuota.objects.get()
    Path(quota.attachment.path).unlink()

    response = client.get(reverse("orgs:quota_attachment", args=[quota.pk]))

    assert response.status_code == 404
    assert "文件“2026年岗位核准表.pdf”已不在服务器上，无法查看或下载。请联系上传者重新上传。" in response.content.decode()
