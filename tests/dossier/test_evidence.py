"""佐证材料: only real files of the allowed types, within size and count, are kept; a refused upload saves
nothing and keeps what was typed. Files are stored under random names outside static files and served with
their content type."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from dossier.catalogue import catalogue
from dossier.models import Evidence, Record, Status

from .support import input_value, login, make_record, png_bytes, png_upload, valid_data

pytestmark = pytest.mark.django_db

ELF = Path("/bin/true").read_bytes()
MZ = (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8" + b"\x00" * 200
      + b"This program cannot be run in DOS mode")
HTML = b"<!DOCTYPE html><html><head><title>x</title></head><body><script>alert(document.cookie)</script></body></html>"


def _truncated_png() -> bytes:
    whole = png_bytes((64, 64), noisy=True)
    return whole[: len(whole) * 2 // 3]


def _corrupt_png() -> bytes:
    whole = bytearray(png_bytes((64, 64), noisy=True))
    middle = len(whole) // 2
    whole[middle: middle + 16] = bytes(16)  # the IDAT chunk's CRC no longer matches
    return bytes(whole)


BAD_FILES = [
    pytest.param("毕业证书.pdf", ELF, "的内容与扩展名 .pdf 不符，已拒绝上传。", id="elf-named-pdf"),
    pytest.param("毕业证书.jpg", MZ, "的内容与扩展名 .jpg 不符，已拒绝上传。", id="mz-named-jpg"),
    pytest.param("毕业证书.png", HTML, "的内容与扩展名 .png 不符，已拒绝上传。", id="html-named-png"),
    pytest.param("setup.exe", MZ, "的类型不允许，只能上传 jpg、jpeg、png、pdf 文件。", id="exe"),
    pytest.param("毕业证书.png", _truncated_png(), "不是有效的图片。", id="truncated-png"),
    pytest.param("毕业证书.png", _corrupt_png(), "不是有效的图片。", id="corrupt-png"),
    pytest.param("毕业证书.png", b"", "是空文件。", id="empty"),
]


def _assert_refused_and_kept(response, kind, post, message):
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "本次选择的文件未保存，请更正后重新选择。" in html
    assert not Record.objects.exists() and not Evidence.objects.exists()
    for key in (kind.title, "grantor"):
        assert input_value(html, key) == post[key], key


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES)
def test_a_bad_upload_is_refused_with_a_message_and_nothing_is_saved(client, owner, name, content, message):
    kind = catalogue().kind("honour")
    login(client, owner)
    post = valid_data(kind, seed="留")
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    response = client.post("/dossier/k/honour/new/", {**post, "action": "submit", "evidence": [png_upload(), upload]})
    _assert_refused_and_kept(response, kind, post, f"文件“{name}”{message}")
    assert not any(p.is_file() for p in Path(settings.MEDIA_ROOT).rglob("*"))


def test_a_file_one_byte_over_the_limit_is_refused_and_one_at_the_limit_kept(client, owner, catalogue_override):
    kind = catalogue_override("""
        [kinds.honour]
        evidence = { max_mb = 0.01 }
    """).kind("honour")
    limit = kind.evidence.max_bytes
    at_limit = png_bytes()
    at_limit += b"\x00" * (limit - len(at_limit))  # bytes after IEND: still a valid PNG
    login(client, owner)
    form = client.get("/dossier/k/honour/new/").content.decode()
    assert "单个文件不超过0.01MB" in form

    post = valid_data(kind, seed="大")
    response = client.post("/dossier/k/honour/new/",
                           {**post, "action": "save", "evidence": png_upload("大图.png", at_limit + b"\x00")})
    _assert_refused_and_kept(response, kind, post, "文件“大图.png”超过0.01MB，请压缩后再上传。")

    response = client.post("/dossier/k/honour/new/",
                           {**post, "action": "save", "evidence": png_upload("大图.png", at_limit)})
    assert response.status_code == 302
    assert Evidence.objects.get().size == limit


def test_more_files_than_the_kind_allows_are_refused(client, owner, catalogue_override):
    kind = catalogue_override("""
        [kinds.honour]
        evidence = { max_count = 2 }
    """).kind("honour")
    login(client, owner)
    post = valid_data(kind, seed="多")
    files = [png_upload(f"{i}.png") for i in range(3)]
    response = client.post("/dossier/k/honour/new/", {**post, "action": "save", "evidence": files})
    _assert_refused_and_kept(response, kind, post, "最多上传2个文件，当前已有0个。")

    # Files already kept count too.
    response = client.post("/dossier/k/honour/new/",
                           {**post, "action": "save", "evidence": [png_upload("1.png"), png_upload("2.png")]})
    record = Record.objects.get()
    response = client.post(f"/dossier/r/{record.pk}/edit/", {**post, "action": "save", "evidence": png_upload("3.png")})
    assert "最多上传2个文件，当前已有2个。" in response.content.decode()
    assert record.evidence.count() == 2


def test_the_evidence_is_stored_under_a_random_name_outside_static_files(owner):
    record = make_record(owner, "honour")
    evidence = record.evidence.get()
    assert evidence.name == "scan.png" and evidence.content_type == "image/png"
    path = Path(evidence.file.path).resolve()
    assert "scan" not in evidence.file.name
    assert path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    for static in [settings.STATIC_ROOT, *settings.STATICFILES_DIRS]:
        assert not path.is_relative_to(Path(static).resolve())
    assert path.read_bytes() == png_bytes()
    other = make_record(owner, "honour").evidence.get()
    assert other.file.name != evidence.file.name


def test_the_evidence_is_served_with_its_content_type_and_nosniff(client, owner):
    record = make_record(owner, "honour")
    evidence = record.evidence.get()
    login(client, owner)
    response = client.get(f"/dossier/evidence/{evidence.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == png_bytes()  # reading to the end closes the file
    download = client.get(f"/dossier/evidence/{evidence.pk}/?download=1")
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == png_bytes()


def test_the_owner_removes_evidence_only_while_the_record_is_editable(client, owner, admin,
                                                                    django_capture_on_commit_callbacks):
    draft = make_record(owner, "honour")
    pending = make_record(owner, "honour", status=Status.PENDING)
    login(client, owner)
    stored = Path(draft.evidence.get().file.path)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/dossier/evidence/{draft.evidence.get().pk}/delete/")
    assert not draft.evidence.exists() and not stored.exists()
    client.post(f"/dossier/evidence/{pending.evidence.get().pk}/delete/")
    assert pending.evidence.count() == 1


def test_the_upload_input_states_the_kinds_rules(client, owner):
    login(client, owner)
    block = client.get("/dossier/k/education/new/").content.decode()
    assert 'accept=".jpg,.jpeg,.png,.pdf"' in block
    assert "请上传毕业证书封面及内页；支持 jpg、jpeg、png、pdf，单个文件不超过10MB，最多10个。" in block


def test_deleting_a_record_removes_its_files(client, owner, django_capture_on_commit_callbacks):
    record = make_record(owner, "honour")
    stored = Path(record.evidence.get().file.path)
    assert stored.exists()
    login(client, owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/dossier/r/{record.pk}/delete/")
    assert not Record.objects.filter(pk=record.pk).exists() and not Evidence.objects.exists()
    assert not stored.exists()
