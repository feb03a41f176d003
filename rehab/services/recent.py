"""Recently prepared views, reused only while the data behind them are unchanged.

Each entry is kept with the data stamp it was prepared under (``rehab.store.stamps``); a reader passes the
stamp it has just read from the database, and an entry made under any other stamp is a miss. So a view is
never older than the last committed write, whichever replica made it. One small least-recently-used store
per database and kind of view, shared by the threads of one process.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any, Generic, TypeVar

from rehab.store import Database

V = TypeVar("V")

MAX_ENTRIES = 64  # dashboards are a few hundred kB each: at most some tens of MB per process


class Recent(Generic[V]):
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[Hashable, tuple[Hashable, V]] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries

    def get(self, key: Hashable, stamp: Hashable) -> V | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None or found[0] != stamp:
                return None
            self._entries.move_to_end(key)
            return found[1]

    def put(self, key: Hashable, stamp: Hashable, value: V) -> None:
        with self._lock:
            self._entries[key] = (stamp, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_stores: weakref.WeakKeyDictionary[Database, dict[str, Recent[Any]]] = weakref.WeakKeyDictionary()
_stores_lock = threading.Lock()


def store_for(db: Database, kind: str, *, max_entries: int = MAX_ENTRIES) -> Recent[Any]:
    """The store of ``kind`` views for this database (created on first use)."""
    with _stores_lock:
        kinds = _stores.setdefault(db, {})
        return kinds.setdefault(kind, Recent(max_entries))


def forget_all() -> None:
    """Drop every prepared view in this process (the benchmark measures a first view this way)."""
    with _stores_lock:
        kinds = [store for stores in _stores.values() for store in stores.values()]
    for store in kinds:
        store.clear()
