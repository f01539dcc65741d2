"""Bulk work that keeps a large, growing heap of long-lived objects (an import's outcomes per
distinct cell value, the keys it has seen) without Python's garbage collector rescanning it.

CPython collects its oldest generation whenever the objects that survived the younger ones
have grown by a quarter, and each such collection visits every tracked object; a heap growing
by hundreds of thousands of tuples is visited again and again — a fifth of the CPU of a
100,000-row registry import (decision 0017). Inside ``gc_kept_still()`` the work calls
``keep_still()`` at points it chooses, e.g. after each batch: what exists then is moved out of
the collector's sight (``gc.freeze``). Younger objects are collected as before, so
reference cycles made meanwhile are still freed. When the last such block running in the
process ends, everything is handed back to the collector (``gc.unfreeze``).
"""

import contextlib
import gc
import threading

_lock = threading.Lock()
_open = 0  # blocks running in this process (imports in two threads share the frozen set)


@contextlib.contextmanager
def gc_kept_still():
    """A block of bulk work; when the last one running in the process ends, ``gc.unfreeze()``."""
    global _open
    with _lock:
        _open += 1
    try:
        yield
    finally:
        with _lock:
            _open -= 1
            if not _open:
                gc.unfreeze()


def keep_still() -> None:
    """Move every object that exists now out of the collector's sight, inside ``gc_kept_still()``
    (outside one, nothing: what is frozen would never be handed back)."""
    if _open:
        gc.freeze()
