"""The floor: what the same server, middleware and URLconf cost to return the measured page's bytes.

The driver saves one response of the measured page to BENCH_FLOOR_FILE before the load starts; each worker
reads it once and then answers from memory. The load process requests it without cookies, so it costs what any
request costs (server, middleware, URL routing) and nothing else; the ratio page/floor is the share of the
time that the page's own work (session and user, queries, templates) leaves to the framework and the server.
"""

import os
from pathlib import Path

from django.http import HttpResponse

_body: bytes | None = None


def floor(request):
    global _body
    if _body is None:
        _body = Path(os.environ["BENCH_FLOOR_FILE"]).read_bytes()
    return HttpResponse(_body, content_type="text/html; charset=utf-8")
