"""The guard every request passes before anything else reads it (first after SecurityMiddleware)."""

import logging

from django.conf import settings
from django.http import HttpResponse, UnreadablePostError
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

from .files import NO_SPACE
from .validators import has_control_characters

logger = logging.getLogger(__name__)


def _page(template: str, status: int, context: dict) -> HttpResponse:
    # Rendered without the request: the guard runs before sessions and users exist, and a refused request's
    # cookies must not be read (a cookie may be what carries the NUL).
    return HttpResponse(render_to_string(template, context), status=status)


def _carries_control_characters(request) -> bool:
    texts = [request.path_info]
    for params in (request.GET, request.POST):
        for name, values in params.lists():
            texts.append(name)
            texts.extend(values)
    texts.extend(request.FILES)  # the fields' names; Django drops unprintable characters from file names
    for name, value in request.COOKIES.items():
        texts.extend((name, value))
    return any(has_control_characters(text) for text in texts)


class RequestGuardMiddleware:
    """Refuses a request before any view or other middleware reads it:

    - 413 when its declared body is larger than MAX_REQUEST_BYTES, before a byte of the body is read or written
      to a temporary file;
    - 507 when its body cannot be kept while it is parsed (the upload's temporary folder is full), after
      removing what was written of it;
    - 400 when the path, a query or form parameter's name or value, an upload field's name or a cookie carries
      a control character (core.validators.CONTROL_CHARACTERS): PostgreSQL refuses NUL in text, so without
      this guard any form or search reaching the database with one would fail with a 500.

    JSON bodies are not form parameters: the JSON API's schemas refuse the same characters (zhicheng/api.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.MAX_REQUEST_BYTES
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # Django reads no body of an unreadable length
        if declared > limit:
            return _page("core/error.html", 413, {
                "title": "提交的内容过大",
                "message": f"一次提交的内容（包括所有上传的文件）不能超过{limit / 1024 / 1024:g}MB，"
                           "请减少或压缩文件后分次上传。",
            })
        try:
            carries = _carries_control_characters(request)
        except UnreadablePostError:
            raise  # the client went away while sending: nothing to answer
        except OSError as error:
            for handler in request.upload_handlers:
                handler.upload_interrupted()  # removes the temporary file of the upload being received
            logger.error("request body could not be stored while parsing %s: %s", request.path, error)
            return _page("core/error.html", 507, {
                "title": "文件未能上传",
                "message": "服务器存储空间不足，本次提交的文件未能保存。请稍后再试，或联系系统管理员。"
                if error.errno in NO_SPACE else "服务器暂时无法接收上传的文件，本次提交未能保存。请稍后再试。",
            })
        if carries:
            return _page("400.html", 400, {
                "message": "提交的内容或网址中含有不允许的控制字符（如 NUL），请删除后重新提交。",
            })
        return self.get_response(request)


class NoStoreMiddleware:
    """Cache-Control: no-store (Django's add_never_cache_headers) on every response a browser or proxy must not
    keep: every response to a signed-in person (their pages, files, prints and exports all show personal data) and
    every file download whoever asks. Static assets are served before Django and stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        kept = "no-store" not in response.get("Cache-Control", "")
        if kept and (signed_in or response.has_header("Content-Disposition")):
            response.headers.pop("Cache-Control", None)  # a view's own max-age gives way
            add_never_cache_headers(response)
        return response
