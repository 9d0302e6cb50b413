"""Measurements in the driver's own process, through Django's test client (the same handler, middleware and
URLconf as the server, without the network):

- `cpu_ms`: CPU time per request, which other programs on the machine disturb less than requests per second;
- `python -m bench --profile N`: N page requests under cProfile, with the functions that take the most time.
"""

import cProfile
import pstats
import time
from http.cookies import SimpleCookie

from django.test import Client


class Browser:
    """One test client (one middleware chain, as in a server worker) that sends each person's cookies."""

    def __init__(self):
        self.client = Client(HTTP_HOST="127.0.0.1")

    def get(self, path: str, cookie: str = ""):
        self.client.cookies = SimpleCookie(cookie)
        return self.client.get(path)


def cpu_ms(targets: list[list[str]], n: int) -> float:
    """Mean CPU milliseconds of one request over up to n targets, each requested once as the server sees them
    (after one request that compiles the templates and opens the connection)."""
    browser, targets = Browser(), targets[:n]
    browser.get(*targets[0])
    started = time.process_time()
    for path, cookie in targets:
        browser.get(path, cookie)
    return (time.process_time() - started) / len(targets) * 1000


def profile(targets: list[list[str]], n: int) -> None:
    browser, targets = Browser(), targets[:n]
    browser.get(*targets[0])
    profiler = cProfile.Profile()
    started = time.process_time()
    profiler.enable()
    for path, cookie in targets:
        browser.get(path, cookie)
    profiler.disable()
    elapsed = time.process_time() - started
    print(f"{len(targets)} page requests: {elapsed / len(targets) * 1000:.2f} ms of CPU each under the profiler")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(30)
