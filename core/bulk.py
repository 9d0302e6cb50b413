"""For the few operations that turn a whole file into rows at once (Excel imports: read, validate, insert)."""

import contextlib
import gc


@contextlib.contextmanager
def collector_paused():
    """Python's cycle collector off for one bulk step (also a decorator). Such a step makes tens of thousands of
    lists, dicts and tuples, none in a cycle; while they live, their allocation sets off collections that walk
    every object of the process, over and over (a quarter of a 10,000-row import in a busy process). Freed by
    reference counting when the step's data is dropped, they never need the collector. Back on afterwards,
    unless it was off already."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
