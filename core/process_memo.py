"""Values kept in this process, a bounded number, the least recently used dropped first: for what
is built from shared data under a key that names everything it depends on (a version, a
language), so an entry is never wrong, at most unused. A threaded server's requests share it."""

import threading
from collections import OrderedDict
from collections.abc import Hashable


class ProcessMemo:
    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, default=None):
        return self._entries.get(key, default)

    def put(self, key: Hashable, value) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
