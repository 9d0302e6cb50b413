"""Backends that fail as real ones do when a disk fills up or a service goes down, for tests that configure them
through settings (FILE_UPLOAD_HANDLERS, STORAGES) as a deployment would."""

import errno
import os

from botocore.exceptions import EndpointConnectionError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadhandler import TemporaryFileUploadHandler

from accounts.sms import OutboxBackend


def _no_space() -> OSError:
    return OSError(errno.ENOSPC, "No space left on device")


class FullDiskUploadHandler(TemporaryFileUploadHandler):
    """Receives uploads into temporary files, like Django's handler for large files, on a disk that fills up
    after the first chunk: the temporary file is left half-written when the error comes."""

    def receive_data_chunk(self, raw_data, start):
        if start > 0:
            raise _no_space()
        return super().receive_data_chunk(raw_data, start)


class FullDiskStorage(FileSystemStorage):
    """The filesystem storage on a disk with room for `files_that_fit` files: the next file is written in part,
    then the write fails with ENOSPC, as a full disk does."""

    def __init__(self, *args, files_that_fit: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.room = files_that_fit

    def _save(self, name, content):
        if self.room > 0:
            self.room -= 1
            return super()._save(name, content)
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as partial:
            partial.write(next(iter(content.chunks()))[:100])
        raise _no_space()


class DownStorage(FileSystemStorage):
    """A storage whose service does not answer (an unmounted volume, an S3 endpoint down)."""

    def listdir(self, path):
        raise OSError(errno.EIO, "Input/output error")



class FlakyGateway:
    """An SMS gateway that times out on its first `FlakyGateway.failures` sends (a test sets it), then delivers
    into the outbox as accounts.sms.OutboxBackend does."""

    failures = 0

    def send(self, phone: str, text: str) -> None:
        if FlakyGateway.failures > 0:
            FlakyGateway.failures -= 1
            raise TimeoutError("SMS gateway timed out")
        OutboxBackend().send(phone, text)


class UnreachableS3Storage(FileSystemStorage):
    """An S3 endpoint that does not answer: every write fails as boto3's does (not an OSError)."""

    def _save(self, name, content):
        raise EndpointConnectionError(endpoint_url="http://127.0.0.1:9/zc-drill")
