"""The end of the process in the demo (used by `manage.py seed_demo`): a nurse whose result passed the committee,
stood on a finished publicity list and was confirmed (her electronic certificate is signed when she downloads
it, with the key `manage.py certificate_demo_key` writes), and a live publicity list with another nurse on it and
an objection the committee office did not accept. Each step goes through the service its page uses, with two
exceptions said where they happen: the finished list's period is moved into the past (the demo cannot wait five
working days), and the objection is recorded without the SMS code its filer would read on a handset."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from applications import chain, services
from applications.chain_forms import PROOF
from applications.models import Application
from certificates.services import token_for
from core.models import FlowEntry
from core.uploads import check_upload
from publicity import services as publicity
from publicity.models import Entry, Objection, Publicity

from .applications import nurse_application

CONTACT = "福建省卫生技术高级职称评审委员会办公室，电话0591-87000000"
OBJECTOR = ("张明", "13700000001")
OBJECTION_TEXT = "反映该申报人的论文可能存在署名问题，请予核查。"
REJECT_REASON = "异议未提供具体事实和相关证据，不予受理。"


def _proof():
    buffer = io.BytesIO()
    Image.new("RGB", (640, 440), (253, 250, 240)).save(buffer, "JPEG")
    return check_upload(SimpleUploadedFile("单位公示证明.jpg", buffer.getvalue(), "image/jpeg"), PROOF)


def _passed(nurse, plan, staff: dict, paper_title: str) -> Application:
    """The nurse files her application and every stage of the demo plan passes it, the committee last."""
    application = services.application_submit(
        actor=nurse, application=nurse_application(nurse, plan, paper_title=paper_title))
    today = timezone.localdate()
    chain.claim(actor=staff["unit"], stage="unit", pk=application.pk)
    chain.decide(actor=staff["unit"], stage="unit", pk=application.pk, decision="approve",
                 recommendation=chain.Recommendation(
                     publicity_from=today - datetime.timedelta(days=14),
                     publicity_to=today - datetime.timedelta(days=1), opinion="经单位公示无异议，同意推荐。",
                     takes_vacancy=True),
                 proofs=[_proof()])
    for stage in ("department", "bureau"):
        chain.claim(actor=staff[stage], stage=stage, pk=application.pk)
        chain.decide(actor=staff[stage], stage=stage, pk=application.pk, decision="approve", opinion="同意")
    chain.committee_accept(actor=staff["committee"], pk=application.pk, accepted_on=today)
    return chain.committee_result(actor=staff["committee"], pk=application.pk, passed=True,
                                  opinion="应到9人，实到9人，同意8票，评审通过")


def _publish(plan, staff: dict) -> Publicity:
    return publicity.publicity_publish(actor=staff["committee"], plan=plan, starts_on=timezone.localdate(), days=5,
                                       contact=CONTACT)


def _backdate(listing: Publicity) -> None:
    """The demo cannot wait out a period: the list just published is moved to three weeks ago (the same number
    of working days), and the publicity step of each application on it says so, as if it had run then."""
    starts = timezone.localdate() - datetime.timedelta(days=21)
    ends = publicity.period_end(starts, listing.working_days)
    Publicity.objects.filter(pk=listing.pk).update(starts_on=starts, ends_on=ends,
                                                   published_at=timezone.now() - datetime.timedelta(days=21))
    FlowEntry.objects.filter(subject_type="application", action="publicity",
                             subject_id__in=listing.entries.values("application_id")).update(
        opinion=f"公示期：{starts:%Y-%m-%d}至{ends:%Y-%m-%d}（{listing.working_days}个工作日）")


def seed_certified(nurse, plan, staff: dict) -> Application | None:
    """Once: the nurse's result passed, publicised on a finished list and confirmed (the certificate number
    issued). Returns her application when it was made."""
    if Application.objects.filter(applicant=nurse, plan=plan).exists():
        return None
    _passed(nurse, plan, staff, "重症监护病房护理质量敏感指标的构建与应用")
    listing = _publish(plan, staff)
    _backdate(listing)
    return chain.confirm(actor=staff["bureau"], pk=Entry.objects.get(publicity=listing).application_id,
                         opinion="公示期满无异议，确认通过。")


def seed_listed(nurse, plan, staff: dict) -> Objection | None:
    """Once: the nurse's result passed and on a list running now, an objection to her filed and not accepted
    (不予受理, with the reason). Returns the objection when it was made."""
    if Application.objects.filter(applicant=nurse, plan=plan).exists():
        return None
    application = _passed(nurse, plan, staff, "老年患者跌倒风险评估与预防护理研究")
    listing = _publish(plan, staff)
    name, phone = OBJECTOR
    objection = publicity.objection_record(entry=listing.entries.get(application=application), name=name,
                                           phone=phone, text=OBJECTION_TEXT)
    return publicity.objection_decide(actor=staff["committee"], objection_id=objection.pk, decision="reject",
                                      text=REJECT_REASON)


SITE = "http://127.0.0.1:8000"  # where `make run` serves


def public_urls(certified_nurse, plan) -> list[tuple[str, str]]:
    """The pages anyone opens without signing in: the live publicity list and the certificate's verification."""
    urls = []
    live = Publicity.objects.filter(plan=plan, ends_on__gte=timezone.localdate()).order_by("-published_at").first()
    if live is not None:
        urls.append(("结果公示（公示中，无需登录）", reverse("gs:public", args=[live.slug])))
    confirmed = Application.objects.filter(applicant=certified_nurse, status=Application.Status.CONFIRMED).first()
    if confirmed is not None:
        urls.append((f"电子证书验证（证书编号{confirmed.certificate_no}，无需登录）",
                     reverse("verify:verify_token", args=[token_for(confirmed.certificate_no)])))
    return urls
