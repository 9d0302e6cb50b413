"""Issue 24 item 7: a corpus of hostile uploads, each refused by the upload checks (core.uploads, core.excel) with
a Chinese message next to the field and nothing saved: a PNG that is also an HTML page, an SVG with a script, an
HTML page named .pdf, PDFs that run JavaScript (as /OpenAction, with an escaped name, inside an object stream), a
zip bomb named .xlsx, images too large by their pixels, and file names that try to leave the folder. Ordinary
files of the same kinds still pass."""

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from core.excel import Column, ExcelError, read_rows
from core.uploads import MAX_IMAGE_PIXELS, FileRules, check_upload
from dossier.catalogue import catalogue
from dossier.models import Evidence, Record
from tests.factories import PASSWORD
from tests.helpers import log_in

from .support import input_value, png_bytes, png_upload, valid_data

pytestmark = pytest.mark.django_db

RULES = FileRules(types=("jpg", "jpeg", "png", "pdf"), max_mb=10, max_count=9)
SCRIPT = b"<html><body><script>fetch('/api/me').then(r => r.text()).then(alert)</script></body></html>"


class RawUpload(io.BytesIO):
    """An upload whose name is taken as given (Django's own upload classes already drop a path)."""

    def __init__(self, name: str, content: bytes):
        super().__init__(content)
        self.name, self.size = name, len(content)


def png_with_text_chunk() -> bytes:
    info = PngInfo()
    info.add_text("Comment", SCRIPT.decode())
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (10, 120, 200)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares width × height pixels (its checksum fixed, as a crafted file would be)."""
    data = bytearray(png_bytes((1, 1)))
    ihdr = bytes(data[12:16]) + struct.pack(">II", width, height) + bytes(data[24:29])
    data[12:33] = ihdr + struct.pack(">I", zlib.crc32(ihdr))
    return bytes(data)


def pdf(*objects: bytes) -> bytes:
    body = b"%PDF-1.7\n" + b"".join(b"%d 0 obj\n%s\nendobj\n" % (n, o) for n, o in enumerate(objects, start=1))
    return body + b"trailer\n<< /Root 1 0 R /Size %d >>\n%%%%EOF\n" % (len(objects) + 1)


def flate_stream(content: bytes, extra: bytes = b"") -> bytes:
    packed = zlib.compress(content)
    return b"<< /Length %d /Filter /FlateDecode %s >>\nstream\n%s\nendstream" % (len(packed), extra, packed)


PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
JS_OPEN_ACTION = pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>", PAGES, PAGE,
                     b"<< /S /JavaScript /JS (app.alert\\('x'\\)) >>")
JS_ESCAPED_NAME = pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /J#61vaScript /J#53 (x) >> >>", PAGES, PAGE)
JS_IN_OBJECT_STREAM = pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>", PAGES, PAGE,
                          flate_stream(b"5 0 << /S /JavaScript /JS (app.launchURL\\('http://x'\\)) >>",
                                       b"/Type /ObjStm /N 1 /First 4"))
LAUNCH = pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Launch /F (cmd.exe) >> >>", PAGES, PAGE)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>'

HOSTILE = [
    pytest.param("照片.png", png_bytes() + SCRIPT, "中夹带网页代码，已拒绝上传。", id="png-html-polyglot-trailer"),
    pytest.param("照片.png", png_with_text_chunk(), "中夹带网页代码，已拒绝上传。", id="png-html-polyglot-text-chunk"),
    pytest.param("图标.svg", SVG, "的类型不允许，只能上传 jpg、jpeg、png、pdf 文件。", id="svg"),
    pytest.param("图标.png", SVG, "的内容与扩展名 .png 不符，已拒绝上传。", id="svg-named-png"),
    pytest.param("证书.pdf", SCRIPT, "的内容与扩展名 .pdf 不符，已拒绝上传。", id="html-named-pdf"),
    pytest.param("证书.pdf", JS_OPEN_ACTION, "含有脚本或自动执行的动作，已拒绝上传。", id="pdf-openaction-js"),
    pytest.param("证书.pdf", JS_ESCAPED_NAME, "含有脚本或自动执行的动作，已拒绝上传。", id="pdf-escaped-js-name"),
    pytest.param("证书.pdf", JS_IN_OBJECT_STREAM, "含有脚本或自动执行的动作，已拒绝上传。", id="pdf-js-in-objstm"),
    pytest.param("证书.pdf", LAUNCH, "含有脚本或自动执行的动作，已拒绝上传。", id="pdf-launch"),
]


def too_large(name):
    return f"图片“{name}”的尺寸过大，请缩小到{MAX_IMAGE_PIXELS // 10_000}万像素以内再上传。"


@pytest.mark.parametrize(("name", "content", "message"), HOSTILE)
def test_each_hostile_file_is_refused_by_the_check(name, content, message):
    with pytest.raises(ValidationError) as refused:
        check_upload(RawUpload(name, content), RULES)
    assert len(refused.value.messages) == 1 and refused.value.messages[0].startswith(f"文件“{name}”{message}")


@pytest.mark.parametrize(("width", "height"), [(8000, 6000), (30000, 30000)], ids=["above-ours", "pillow-bomb"])
def test_an_image_too_large_by_its_pixels_is_refused(width, height):
    with pytest.raises(ValidationError) as refused:
        check_upload(RawUpload("扫描件.png", png_declaring(width, height)), RULES)
    assert refused.value.messages == [too_large("扫描件.png")]


@pytest.mark.parametrize("name", ["../../etc/passwd.png", "..\\..\\Windows\\win.ini.png", "/etc/cron.d/x.png",
                                  "C:\\Users\\a.png", "a/../../b.png"])
def test_a_name_that_leaves_the_folder_is_refused(name):
    with pytest.raises(ValidationError) as refused:
        check_upload(RawUpload(name, png_bytes()), RULES)
    assert len(refused.value.messages) == 1 and "含有路径，已拒绝上传。" in refused.value.messages[0]


def ordinary_pdf() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 280), (250, 250, 250)).save(buffer, "PDF")
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "content"), [
    ("证书.png", png_bytes((64, 64), noisy=True)),
    ("证书.pdf", ordinary_pdf()),
    ("证书.pdf", pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>", PAGES, PAGE,
                     flate_stream(b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET"))),
    ("扫描件.png", png_bytes((2000, 1500))),
], ids=["png", "pdf-from-pillow", "pdf-with-view-open-action", "large-but-allowed-png"])
def test_ordinary_files_of_the_same_kinds_pass(name, content):
    assert check_upload(RawUpload(name, content), RULES).name == name


def test_a_zip_bomb_named_xlsx_is_refused_before_it_is_read():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (40 * 1024 * 1024))
    with pytest.raises(ExcelError) as refused:
        read_rows(RawUpload("导入.xlsx", buffer.getvalue()), [Column(key="name", label="姓名")])
    assert str(refused.value) == "文件解压后过大，疑似异常文件，已拒绝。"


@pytest.mark.parametrize(("name", "content", "message"), [HOSTILE[0], HOSTILE[5]])
def test_through_the_page_the_message_is_by_the_field_and_nothing_is_saved(client, owner, captcha_off, name,
                                                                           content, message):
    kind = catalogue().kind("honour")
    assert log_in(client, owner.username, PASSWORD).status_code == 302
    post = valid_data(kind, seed="毒")
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    response = client.post("/dossier/k/honour/new/", {**post, "action": "submit", "evidence": [png_upload(), upload]})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"文件“{name}”{message}" in html and "本次选择的文件未保存，请更正后重新选择。" in html
    assert input_value(html, kind.title) == post[kind.title]
    assert not Record.objects.exists() and not Evidence.objects.exists()


def test_through_the_page_a_path_in_the_name_never_reaches_the_storage(client, owner, captcha_off):
    # Django's upload parser keeps only the last part of a sent name; the file is stored under a random name.
    kind = catalogue().kind("honour")
    assert log_in(client, owner.username, PASSWORD).status_code == 302
    post = valid_data(kind, seed="径")
    upload = png_upload("../../../../etc/cron.d/毕业证书.png")
    assert client.post("/dossier/k/honour/new/", {**post, "action": "save", "evidence": upload}).status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.name == "毕业证书.png"
    stored = Path(evidence.file.path).resolve()
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve()) and ".." not in evidence.file.name
