"""Checking uploaded files against an upload field's rules: real type sniffing, image verification, limits.

Every upload in the platform (a record's evidence, an application's attachments, a unit's post-quota file) is
checked here before a service stores it; the catalogue's attachment slots (dossier.catalogue.EvidenceSpec) are
FileRules with a label and a key."""

import re
import zipfile
import zlib
from dataclasses import dataclass

import magic
from django.core.exceptions import ValidationError
from PIL import Image

# What each allowed extension must really contain (python-magic's answer).
EXPECTED_MIME = {
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "png": {"image/png"},
    "pdf": {"application/pdf"},
    "doc": {"application/msword", "application/CDFV2", "application/x-ole-storage"},
    "docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/zip"},
}
_HEAD = 8192
# An image larger than this many pixels is refused, whatever its size in bytes: a few kilobytes of PNG can declare
# a picture that takes gigabytes to decode (Pillow only warns below twice its own limit).
MAX_IMAGE_PIXELS = 40_000_000
# Markup a browser would run if it ever read the file as a page (an image that is also an HTML document). Each is
# long enough that compressed picture data does not hold it by chance.
_MARKUP = re.compile(rb"<script|<html[\s>]|<!doctype|<iframe|<object|<embed|<meta[\s/]|javascript:", re.I)
# PDF names that make a reader run code, open another program, or send the form: /OpenAction and /AA (additional
# actions) are harmless unless they point at one of these actions, which are therefore what is refused.
_PDF_ACTIVE = {b"JS", b"JavaScript", b"Launch", b"SubmitForm", b"ImportData", b"RichMedia", b"XFA"}
_PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_PDF_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_PDF_STREAM_SCAN = 4 * 1024 * 1024  # the decompressed bytes of each stream looked at (object streams are small)


@dataclass(frozen=True)
class FileRules:
    """What an upload field accepts: file extensions, the size of each file, how many files."""

    types: tuple[str, ...]
    max_mb: float
    max_count: int

    @property
    def max_bytes(self) -> int:
        return int(self.max_mb * 1024 * 1024)

    @property
    def accept(self) -> str:
        """The file input's accept attribute."""
        return ",".join(f".{t}" for t in self.types)


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed check_upload, with its cleaned name and its sniffed content type."""

    upload: object
    name: str
    size: int
    content_type: str


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _pdf_names(data: bytes) -> set[bytes]:
    """The names in a PDF's bytes and in its deflated streams (where object streams hide dictionaries), with #xx
    escapes decoded (/J#53 is /JS)."""
    chunks, view = [data], memoryview(data)
    for match in _PDF_STREAM.finditer(data):
        end = data.find(b"endstream", match.end())
        try:
            chunks.append(zlib.decompressobj().decompress(view[match.end():end if end > 0 else len(data)],
                                                          _PDF_STREAM_SCAN))
        except zlib.error:
            continue  # not deflated (a JPEG, a raw stream): its bytes were read with the file's
    return {re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), name)
            for chunk in chunks for name in _PDF_NAME.findall(chunk)}


def _refuse_active_content(upload, name: str, mime: str) -> None:
    """Refuse an image that also holds web-page markup, and a PDF that would run code in the reader."""
    if not (mime.startswith("image/") or mime == "application/pdf"):
        return
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if mime.startswith("image/") and _MARKUP.search(data):
        raise ValidationError(f"文件“{name}”中夹带网页代码，已拒绝上传。请重新导出图片后再上传。")
    if mime == "application/pdf" and _pdf_names(data) & _PDF_ACTIVE:
        raise ValidationError(f"文件“{name}”含有脚本或自动执行的动作，已拒绝上传。请用“打印为PDF”重新生成后再上传。")


def _refuse_path(raw: str) -> None:
    """A name that tries to leave the folder (../, an absolute path, a Windows path) is refused, not shortened."""
    parts = re.split(r"[\\/]", raw)
    if ".." in parts or raw.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", raw):
        shown = parts[-1][:200] or raw[:200]
        raise ValidationError(f"文件名“{shown}”含有路径，已拒绝上传。请重命名文件（只保留文件名）后再上传。")


def check_upload(upload, rules: FileRules) -> CheckedFile:
    """Raise ValidationError (Chinese) unless the file is of an allowed type, really, and within size."""
    _refuse_path(upload.name or "")
    name = (upload.name or "").rsplit("/", 1)[-1][:200]
    ext = _extension(name)
    allowed = "、".join(rules.types)
    if ext not in rules.types:
        raise ValidationError(f"文件“{name}”的类型不允许，只能上传 {allowed} 文件。")
    if upload.size > rules.max_bytes:
        raise ValidationError(f"文件“{name}”超过{rules.max_mb:g}MB，请压缩后再上传。")
    if upload.size == 0:
        raise ValidationError(f"文件“{name}”是空文件。")
    upload.seek(0)
    head = upload.read(_HEAD)
    upload.seek(0)
    mime = magic.from_buffer(head, mime=True)
    if mime not in EXPECTED_MIME.get(ext, set()):
        raise ValidationError(f"文件“{name}”的内容与扩展名 .{ext} 不符，已拒绝上传。")
    if mime.startswith("image/"):
        too_large = f"图片“{name}”的尺寸过大，请缩小到{MAX_IMAGE_PIXELS // 10_000}万像素以内再上传。"
        try:
            with Image.open(upload) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise ValidationError(too_large)
                image.verify()
        except ValidationError:
            raise
        except Image.DecompressionBombError:  # Pillow's own limit, met when opening: far above ours
            raise ValidationError(too_large) from None
        except Exception:
            raise ValidationError(f"文件“{name}”不是有效的图片。") from None
        finally:
            upload.seek(0)
    _refuse_active_content(upload, name, mime)
    if ext == "docx":
        try:
            with zipfile.ZipFile(upload) as archive:
                if "word/document.xml" not in archive.namelist():
                    raise ValidationError(f"文件“{name}”不是有效的Word文档。")
        except zipfile.BadZipFile:
            raise ValidationError(f"文件“{name}”不是有效的Word文档。") from None
        finally:
            upload.seek(0)
    if ext == "docx":
        mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return CheckedFile(upload=upload, name=name, size=upload.size, content_type=mime)


def check_uploads(uploads: list, rules: FileRules, *, existing: int) -> tuple[list[CheckedFile], list[str]]:
    """Check a batch; returns (accepted files, error messages). The count limit includes files already kept."""
    accepted, errors = [], []
    for upload in uploads:
        try:
            accepted.append(check_upload(upload, rules))
        except ValidationError as error:
            errors.extend(error.messages)
    if existing + len(accepted) > rules.max_count:
        errors.append(f"最多上传{rules.max_count}个文件，当前已有{existing}个。")
        accepted = []
    return accepted, errors
