"""The floors: what the same server, middleware and URLconf cost to return a measured page's bytes.

For each measured page the driver saves one typical response to BENCH_FLOOR_DIR/<name>.html before the load
starts; each worker reads it once and then answers from memory. The load process requests it without cookies,
so it costs what any request costs (server, middleware, URL routing) and nothing else; the ratio page/floor is
the share of the time that the page's own work (session and user, queries, templates) leaves to the framework
and the server.
"""

import os
from pathlib import Path

from django.http import Http404, HttpResponse

_bodies: dict[str, bytes] = {}


def floor(request, name: str):
    body = _bodies.get(name)
    if body is None:
        path = Path(os.environ["BENCH_FLOOR_DIR"]) / f"{name}.html"
        if not path.is_file():
            raise Http404
        body = _bodies[name] = path.read_bytes()
    return HttpResponse(body, content_type="text/html; charset=utf-8")
