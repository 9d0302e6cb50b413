"""Files in the storage: stored without leaving anything behind when the storage fails, and served with a clear
404 page when one has gone missing.

A service that stores files opens a FileStore inside its transaction and stores each file through it:

    with transaction.atomic(), FileStore() as store:
        evidence = Evidence(...)
        store.save(evidence.file, checked.name, checked.upload)
        evidence.save()

When the storage refuses a write (a full disk, a storage service down) the part written of that file is deleted
and StorageError is raised, with a message in Chinese for the page; the files the block stored before are deleted
as it leaves, and the transaction drops their rows: no row without its file, no file without its row. Stored
names are random (the models' upload_to), so the name a file is about to take is the one to clean up.
"""

import errno
import logging
import mimetypes
from urllib.parse import quote

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

logger = logging.getLogger(__name__)

STORAGE_FULL = "服务器存储空间不足，文件未能保存。请稍后再试，或联系系统管理员。"
STORAGE_DOWN = "文件存储暂时不可用，文件未能保存。请稍后再试。"
FILE_MISSING = "文件“{name}”已不在服务器上，无法查看或下载。请联系上传者重新上传。"
# Errors of a disk (or quota) that has no room left, as opposed to a storage that is down or misconfigured.
NO_SPACE = {errno.ENOSPC, errno.EDQUOT}


# An object storage (S3, through django-storages' boto3) that cannot be reached or refuses raises these, not OSError.
REMOTE_STORAGE_ERRORS = (BotoCoreError, ClientError)


def storage_message(error: Exception) -> str:
    """What to tell the person whose file the storage refused (`error`)."""
    return STORAGE_FULL if getattr(error, "errno", None) in NO_SPACE else STORAGE_DOWN


class StorageError(Exception):
    """The storage refused to keep a file; str() is the message for the person who sent it."""

    def __init__(self, error: Exception):
        super().__init__(storage_message(error))


class FileMissing(Http404):
    """A stored file that the storage no longer has: the 404 page says so (core.views.page_not_found)."""

    def __init__(self, name: str):
        super().__init__(FILE_MISSING.format(name=name))


def _delete_quietly(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except (OSError, *REMOTE_STORAGE_ERRORS):
        logger.exception("could not delete %s from the storage after a failed write", name)


class FileStore:
    """The files stored during one service call, deleted again if the call fails (see the module's docstring)."""

    def __init__(self):
        self.stored: list[tuple[Storage, str]] = []

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if error is not None:
            for storage, name in self.stored:
                _delete_quietly(storage, name)
        return False

    def save(self, field_file: FieldFile, name: str, content) -> None:
        """Store `content` for the file field (as FieldFile.save(save=False)), or raise StorageError."""
        field, storage = field_file.field, field_file.storage
        target = storage.get_available_name(field.generate_filename(field_file.instance, name),
                                            max_length=field.max_length)
        try:
            stored = storage.save(target, content, max_length=field.max_length)
        except (OSError, *REMOTE_STORAGE_ERRORS) as error:
            logger.error("the storage refused %s (%s): %s", target, name, error)
            _delete_quietly(storage, target)
            raise StorageError(error) from error
        self.stored.append((storage, stored))
        field_file.name = stored


def open_stored(field_file: FieldFile, name: str):
    """The stored file opened for reading, or FileMissing (a 404 page naming `name`) when it is gone."""
    try:
        return field_file.open("rb")
    except FileNotFoundError:
        logger.error("stored file %s (%s) is missing", field_file.name, name)
        raise FileMissing(name) from None


# A stored file is the uploader's bytes: the browser runs nothing in it (sandbox, no script source) and only this
# site's pages may frame it (the previews); the PDF viewer needs its inline styles.
STORED_FILE_POLICY = ("default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; "
                      "sandbox")


def accel_redirect_response(field_file: FieldFile, *, name: str, content_type: str | None,
                            as_attachment: bool) -> HttpResponse | None:
    """The answer that lets the reverse proxy send the file (X-Accel-Redirect to FILE_ACCEL_PREFIX plus the stored
    name: nginx's internal location aliased to MEDIA_ROOT), when FILE_SERVING is "x-accel-redirect" and the file is
    on the local file system; None otherwise (the process streams it). The caller has checked access; FileMissing
    when the storage lost the file."""
    prefix = settings.FILE_ACCEL_PREFIX
    if settings.FILE_SERVING != "x-accel-redirect" or not isinstance(field_file.storage, FileSystemStorage):
        return None
    if not field_file.storage.exists(field_file.name):
        logger.error("stored file %s (%s) is missing", field_file.name, name)
        raise FileMissing(name)
    content_type = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = HttpResponse(content_type=content_type)
    response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(field_file.name)
    response["Content-Disposition"] = content_disposition_header(as_attachment, name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = STORED_FILE_POLICY
    return response


def stored_file_response(field_file: FieldFile, *, name: str, content_type: str | None = None,
                         as_attachment: bool = False) -> HttpResponse:
    """A stored file served under its uploaded name (its content type guessed from the name unless given), with
    nosniff; FileMissing when the storage lost it. With FILE_SERVING = x-accel-redirect the reverse proxy sends
    the bytes (accel_redirect_response)."""
    accelerated = accel_redirect_response(field_file, name=name, content_type=content_type,
                                          as_attachment=as_attachment)
    if accelerated is not None:
        return accelerated
    response = FileResponse(open_stored(field_file, name), content_type=content_type, as_attachment=as_attachment,
                            filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = STORED_FILE_POLICY
    return response
