"""The official 评审表 (FORMS-AND-RULES §1.1): the filed print in the national template's order, and its re-print
after the committee's result with 答辩情况 and the vote block filled in from the decision, the filing snapshot
untouched. Read back with pdftotext; the pages are rendered with pdftoppm into the screenshots folder to be looked
at."""

import datetime
import json
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from applications import chain
from applications.chain_parts import Tally
from applications.models import Application, Defence, PrintFile
from applications.prints import review_pdf
from tests.applications.support import flat, login, pdf_info, pdf_text, save_section, values_of
from tests.factories import PersonFactory
from tests.helpers import fetch_print

from .support import staff, walk

pytestmark = pytest.mark.django_db

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "test-reports" / "screenshots"
ORDER = ["专业技术职务任职资格评审表", "一、基本情况", "二、学习培训经历", "三、工作经历", "四、任现职前主要专业技术工作业绩登记",
         "五、任现职后主要专业技术工作业绩登记", "六、著作、论文及重要技术报告登记", "七、考试成绩及答辩情况",
         "八、年度及任职期满考核结果", "九、单位推荐意见", "十、评审审批意见"]
BASIC_LABELS = ["姓名（现名）", "曾用名", "出生日期", "出生地", "身份证号码", "参加工作时间", "身体状况", "最高学历",
                "毕（肄、结）业时间", "学制", "现任专业技术职务及任职时间", "现从事何种专业技术工作",
                "专业技术职务任职资格（取得时间及审批机关）", "现（兼）任行政职务及任职时间",
                "何时加入中国共产党（共青团）任何职务", "何时何地参加何种民主党派任何职务",
                "参加何种学术团体、任何种职务、有何社会兼职", "懂何种外语、达到何种程度"]


def pages(content: bytes) -> list[str]:
    """The text of each page (pdftotext separates pages with a form feed)."""
    return pdf_text(content).split("\f")[:-1]


def render(content: bytes, name: str) -> list[Path]:
    """Every page as PNG under var/test-reports/screenshots/ (to be looked at)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-", str(SCREENSHOTS / name)], input=content, check=True)
    made = sorted(SCREENSHOTS.glob(f"{name}-*.png"))
    assert len(made) == int(pdf_info(content)["Pages"]) and all(p.stat().st_size > 5_000 for p in made)
    return made


def own(client, application, kind):
    return fetch_print(client, reverse("applications:print", args=[application.pk, kind]))


@pytest.fixture
def filed(world, client):
    """The world's application with 曾用名 and 出生地, filed, accepted by the committee office and arranged for
    its defence."""
    login(client, world.person)
    basic = values_of(world.application, "basic")
    response = save_section(client, world.application, "basic",
                            {**{k: v for k, v in basic.items() if v is not None}, "former_name": "陈小静",
                             "birthplace": "福建福州"})
    assert response.status_code == 302, response.content.decode()[:2000]
    client.post(reverse("applications:submit", args=[world.application.pk]))
    application = walk(world, world.application, to="accepted")
    Defence.objects.create(application=application, group="土木工程", place="省人才大厦305室", seq=3,
                           starts_at=timezone.make_aware(datetime.datetime(2026, 11, 20, 9, 30)))
    world.application = application
    return world


def test_the_filed_form_follows_the_national_template(filed, client):
    application = filed.application
    content = own(client, application, "review.pdf").content
    assert pdf_info(content)["Page size"].endswith("(A4)")
    fonts = subprocess.run(["pdffonts", "-"], input=content, capture_output=True, check=True).stdout.decode()
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:]), fonts  # every font embedded
    text = pages(content)
    cover = flat(text[0])
    for label in ("专业技术职务任职资格评审表", "姓名", "陈静", "工作单位", "福州市第一医院", "申报系列（专业）",
                  "申报资格", "填表日期", "中华人民共和国人事部制"):
        assert flat(label) in cover, label
    assert "一、基本情况" in flat(text[1])
    basic = flat(text[1])
    positions = [basic.index(flat(label)) for label in BASIC_LABELS]
    assert positions == sorted(positions)  # every field of §1.1, in its order
    assert "陈小静" in basic and "福建福州" in basic and application.applicant.id_number in basic
    whole = flat("".join(text))
    positions = [whole.index(flat(title)) for title in ORDER]
    assert positions == sorted(positions)
    # Nothing of the result before the result: the vote block and 答辩情况 wait for the committee.
    assert "评审结果：通过" not in whole and "省人才大厦305室" not in whole
    assert own(client, application, "result.pdf").status_code == 404


def test_the_reprint_after_the_result_fills_the_defence_and_the_vote_only(filed, client):
    application = filed.application
    before = own(client, application, "review.pdf").content
    snapshot = json.dumps(Application.objects.get(pk=application.pk).snapshot, sort_keys=True).encode()

    chain.committee_result(actor=filed.committee, pk=application.pk, opinion="表决通过",
                           tally=Tally(members=25, attending=21, agree=18, disagree=2, abstain=1))
    application.refresh_from_db()
    assert application.status == Application.Status.PASSED
    assert json.dumps(application.snapshot, sort_keys=True).encode() == snapshot  # the filing never changes

    response = own(client, application, "result.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    result = response.content
    render(result, "review-form-result")
    render(before, "review-form-filed")
    filed_text, result_text = pages(before), pages(result)
    assert len(filed_text) == len(result_text)
    changed = [i for i, (a, b) in enumerate(zip(filed_text, result_text, strict=True)) if a != b]
    defence_page = next(i for i, page in enumerate(result_text) if "七、考试成绩及答辩情况" in page)
    vote_page = next(i for i, page in enumerate(result_text) if "十、评审审批意见" in page)
    assert set(changed) <= {defence_page, vote_page} and vote_page in changed
    vote = flat(result_text[vote_page])
    assert flat("25 21 18 2 1") in vote and "评审结果：通过" in vote and "表决通过" in vote
    assert timezone.localdate().strftime("%Y年%m月%d日") in vote
    defence = flat("".join(result_text[defence_page:defence_page + 2]))
    assert "省人才大厦305室" in defence and "土木工程学科组答辩（答辩序号3）" in defence
    # Outside the filled blocks the pages read the same, line by line.
    for i in changed:
        gone = set(filed_text[i].splitlines()) - set(result_text[i].splitlines())
        assert all(line.strip() in ("评审结果：", "主任签字： （公章） 年 月 日", "负责人： （公章） 年 月 日", "")
                   or "年 月 日" in line for line in gone), gone

    # The filed print is still the one stored for the filing; the re-print is stored under its own hash.
    assert own(client, application, "review.pdf").content == before
    assert PrintFile.objects.filter(application=application, kind="result_pdf").count() == 1


def test_the_reprint_is_for_those_who_see_the_filed_print(filed, client):
    application = filed.application
    chain.committee_result(actor=filed.committee, pk=application.pk, passed=False, opinion="",
                           tally=None)
    url = reverse("chain:print", args=["committee", application.pk, "result.pdf"])
    login(client, filed.committee)
    response = fetch_print(client, url)
    assert response.status_code == 200
    assert "评审结果：不通过" in flat(pdf_text(response.content))
    assert own(client, application, "result.pdf").status_code == 404  # not the office's own application
    other_office = staff(Role.COMMITTEE_STAFF, PersonFactory().unit, name="外地评委会")
    for outsider in (other_office, filed.clerk, PersonFactory(unit=filed.unit)):
        login(client, outsider)
        assert fetch_print(client, url).status_code == 404
        assert own(client, application, "result.pdf").status_code == 404
    login(client, application.applicant)
    assert own(client, application, "result.pdf").status_code == 200


def test_overflowing_cells_continue_on_the_attachment_page(filed, client):
    application = filed.application
    snapshot = application.snapshot
    rows = [{"values": {"organisation": f"福建省第{i}学会", "post": "常务理事", "start": "2015-01-01", "end": ""}}
            for i in range(1, 11)]
    overflowing = {**snapshot, "sections": {**snapshot["sections"], "societies": {"rows": rows}}}
    content = review_pdf(application, snapshot=overflowing)
    render(content, "review-form-overflow")
    text = pages(content)
    basic = flat(text[1])
    assert "（续见附页）" in basic and "福建省第10学会" not in basic
    attachment = flat(text[-1])
    assert "附页（续）" in attachment and "福建省第10学会常务理事" in attachment
    assert flat("参加何种学术团体、任何种职务、有何社会兼职") in attachment
