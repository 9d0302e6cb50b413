"""The electronic certificate of a confirmed result: its public token, what verification answers, the A4 PDF
(ReportLab, the embedded CJK font of the prints, a QR code to the verification page) signed by the issuing body's
key (PAdES, pyHanko; key and certificate from settings), and 撤销职称 by the HR bureau."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import segno
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from accounts.models import Role
from applications.models import Application
from core.flow import flow_write
from core.masking import mask_id_number
from core.pdf import break_lines, register_font

from .models import Revocation

SALT = "certificates.verify"


class CertificateError(Exception):
    """A refused step, with a Chinese message for the page."""


class SigningUnavailable(CertificateError):
    """The issuing body's key or certificate is not configured or cannot be read."""


def token_for(number: str) -> str:
    """The signed token of the QR code: the certificate number, signed with SECRET_KEY (django.core.signing)."""
    return signing.Signer(salt=SALT).sign_object(number, compress=True)


def number_from(token: str) -> str | None:
    try:
        number = signing.Signer(salt=SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    return number if isinstance(number, str) else None


@dataclass(frozen=True)
class Holder:
    """What the certificate and its verification show: the ID number masked, nothing else of the person."""

    number: str
    name: str
    id_masked: str
    series: str
    level: str
    title_name: str
    committee: str
    issuer: str
    passed_on: object
    confirmed_on: object
    revoked: bool
    revoked_reason: str
    revoked_on: object


def _title_name(application: Application) -> str:
    return application.filed_title_name or f"{application.series}{application.level}职称"


def _holder(application: Application) -> Holder:
    revocation = getattr(application, "certificate_revocation", None)
    committee = application.plan.committee
    return Holder(
        number=application.certificate_no, name=application.applicant.name,
        id_masked=mask_id_number(application.applicant.id_number), series=application.series,
        level=application.level, title_name=_title_name(application), committee=committee.name,
        issuer=committee.bureau.name, passed_on=timezone.localdate(application.result_at)
        if application.result_at else None,
        confirmed_on=timezone.localdate(application.confirmed_at) if application.confirmed_at else None,
        revoked=revocation is not None, revoked_reason=revocation.reason if revocation else "",
        revoked_on=timezone.localdate(revocation.revoked_at) if revocation else None)


def _issued():
    return (Application.objects.filter(status=Application.Status.CONFIRMED).exclude(certificate_no="")
            .select_related("applicant", "plan__committee__bureau", "certificate_revocation"))


def holder_by_number(number: str, name: str | None = None) -> Holder | None:
    """The certificate numbered `number` (and held by `name` when given); None when there is none: a wrong name
    reveals nothing about the number."""
    application = _issued().filter(certificate_no=(number or "").strip()).first()
    if application is None or (name is not None and application.applicant.name != (name or "").strip()):
        return None
    return _holder(application)


def holder_by_token(token: str) -> Holder | None:
    number = number_from(token)
    return holder_by_number(number) if number else None


def holder_of(application: Application) -> Holder:
    """The certificate of an application its caller has already scoped (the applicant's own, confirmed)."""
    return _holder(_issued().get(pk=application.pk))


def verify_permit(ip: str) -> bool:
    """Count one verification from `ip`; False once CERTIFICATE_VERIFY_HOURLY_LIMIT is passed (or the cache is
    down: fail closed)."""
    key = f"certificate-verify:{ip}"
    try:
        cache.add(key, 0, timeout=3600)
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=3600)
            count = 1
    except Exception:  # noqa: BLE001 — the cache server is down: refuse
        return False
    return count <= settings.CERTIFICATE_VERIFY_HOURLY_LIMIT


# ---------------------------------------------------------------- the PDF


def _qr(pdf: canvas.Canvas, url: str, x: float, y: float, size: float) -> None:
    """The QR code of `url` drawn as vector squares, `size` wide, its lower left corner at (x, y)."""
    qr = segno.make(url, error="m")
    rows = list(qr.matrix_iter(border=2))
    module = size / len(rows)
    pdf.setFillColor(colors.white)
    pdf.rect(x, y, size, size, stroke=0, fill=1)
    pdf.setFillColor(colors.black)
    for r, row in enumerate(rows):
        for c, dark in enumerate(row):
            if dark:
                pdf.rect(x + c * module, y + size - (r + 1) * module, module, module, stroke=0, fill=1)


def _date(value) -> str:
    return f"{value:%Y年%m月%d日}" if value else ""


def certificate_pdf(holder: Holder, verify_url: str) -> bytes:
    """The unsigned A4 certificate."""
    font = register_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"专业技术资格证书 {holder.number}")
    pdf.setAuthor(holder.issuer)
    width, height = A4
    blue = colors.HexColor("#1f3f6e")
    pdf.setStrokeColor(blue)
    pdf.setLineWidth(3)
    pdf.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)
    pdf.setLineWidth(0.8)
    pdf.rect(19 * mm, 19 * mm, width - 38 * mm, height - 38 * mm)
    pdf.setFillColor(blue)
    pdf.setFont(font, 28)
    pdf.drawCentredString(width / 2, height - 55 * mm, "专业技术资格证书")
    pdf.setFont(font, 13)
    pdf.drawCentredString(width / 2, height - 66 * mm, "（电子证书）")
    pdf.setFillColor(colors.black)
    rows = [("姓　　名", holder.name), ("身份证号", holder.id_masked), ("评审系列", holder.series),
            ("资格级别", holder.level), ("资格名称", holder.title_name), ("评审委员会", holder.committee),
            ("评审通过日期", _date(holder.passed_on)), ("确认发证日期", _date(holder.confirmed_on)),
            ("证书编号", holder.number), ("发证机构", holder.issuer)]
    y = height - 90 * mm
    for label, value in rows:
        pdf.setFont(font, 12)
        pdf.setFillColor(colors.HexColor("#555555"))
        pdf.drawString(35 * mm, y, label)
        pdf.setFillColor(colors.black)
        pdf.setFont(font, 14)
        for line in break_lines(str(value), 26):
            pdf.drawString(75 * mm, y, line)
            y -= 8 * mm
        y -= 3 * mm
    pdf.setFont(font, 11)
    statement = (f"经{holder.committee}评审通过，{holder.name}具备{holder.title_name}资格。电子证书与纸质证书"
                 "具有同等效力，本证书经发证机构数字签名，可扫描二维码或登录平台“证书查验”页面核验真伪。")
    y -= 4 * mm
    for line in break_lines(statement, 40):
        pdf.drawString(35 * mm, y, line)
        y -= 6.5 * mm
    _qr(pdf, verify_url, width - 75 * mm, 30 * mm, 40 * mm)
    pdf.linkURL(verify_url, (width - 75 * mm, 30 * mm, width - 35 * mm, 70 * mm), relative=0)
    pdf.setFont(font, 9)
    pdf.drawCentredString(width - 55 * mm, 25 * mm, "扫码查验")
    pdf.setFont(font, 13)
    pdf.drawString(35 * mm, 55 * mm, holder.issuer)
    pdf.drawString(35 * mm, 46 * mm, _date(holder.confirmed_on))
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _signer() -> signers.SimpleSigner:
    key, cert = Path(settings.CERTIFICATE_SIGNING_KEY), Path(settings.CERTIFICATE_SIGNING_CERT)
    if not key.is_file() or not cert.is_file():
        raise SigningUnavailable("电子证书签名密钥未配置，请联系发证机构。")
    passphrase = settings.CERTIFICATE_SIGNING_PASSPHRASE.encode() or None
    signer = signers.SimpleSigner.load(str(key), str(cert), key_passphrase=passphrase)
    if signer is None:
        raise SigningUnavailable("电子证书签名密钥无法读取，请联系发证机构。")
    return signer


def sign(pdf: bytes, issuer: str) -> bytes:
    """The PDF with a PAdES signature of the issuing body (an approval signature over the whole document)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name="发证机构签章", reason="专业技术资格电子证书",
                                        location=issuer, subfilter=fields.SigSeedSubFilter.PADES)
    out = signers.sign_pdf(writer, meta, signer=_signer())
    return out.getvalue()


def signed_certificate(holder: Holder, verify_url: str) -> bytes:
    if holder.revoked:
        raise CertificateError("该证书已被撤销，不能下载。")
    return sign(certificate_pdf(holder, verify_url), holder.issuer)


# ---------------------------------------------------------------- 撤销职称


def revoke(*, actor, application_id: int, reason: str, reachable) -> Revocation:
    """撤销职称 of a confirmed result the HR bureau reaches (`reachable`: its applications queryset)."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError("请填写撤销原因。")
    with transaction.atomic():
        application = (reachable.select_for_update(of=("self",)).filter(pk=application_id,
                                                                        status=Application.Status.CONFIRMED)
                       .exclude(certificate_no="").first())
        if application is None:
            raise Application.DoesNotExist
        if Revocation.objects.filter(application=application).exists():
            raise CertificateError("该证书已撤销。")
        made = Revocation.objects.create(application=application, reason=reason, revoked_by=actor)
        flow_write(subject_type="application", subject_id=application.pk, actor=actor,
                   role=Role.BUREAU_STAFF.label, action="certificate_revoke", label="撤销职称", opinion=reason)
    return made
