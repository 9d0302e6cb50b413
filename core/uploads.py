"""Checking uploaded files against an upload field's rules: real type sniffing, image verification, limits.

Every upload in the platform (a record's evidence, an application's attachments, a unit's post-quota file) is
checked here before a service stores it; the catalogue's attachment slots (dossier.catalogue.EvidenceSpec) are
FileRules with a label and a key."""

import zipfile
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


def check_upload(upload, rules: FileRules) -> CheckedFile:
    """Raise ValidationError (Chinese) unless the file is of an allowed type, really, and within size."""
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
        try:
            with Image.open(upload) as image:
                image.verify()
        except Exception:
            raise ValidationError(f"文件“{name}”不是有效的图片。") from None
        finally:
            upload.seek(0)
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
