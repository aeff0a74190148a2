"""Real threads against the real database, for concurrency tests (each thread its own connection)."""

import contextlib
import fcntl
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from django.db import DatabaseError, connections, transaction

# PostgreSQL allows 100 connections. Each test process (pytest-xdist worker) has its own database but
# the same server: two races of 50 threads on two workers at once were refused ("too many clients").
RACES_LOCK = Path(tempfile.gettempdir()) / "tienda-test-thread-races.lock"


@contextlib.contextmanager
def one_race_at_a_time() -> Iterator[None]:
    """Hold the machine-wide lock on thread races while the block's threads hold their connections."""
    with RACES_LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def run_in_threads(target, count: int) -> tuple[list, list]:
    """Start `count` threads together, each running target(index); return (results, errors).

    A race ends in a result or in the service's own refusal: a database error (a deadlock, locks
    taken in opposite orders; a serialisation failure) fails the test here, so no test counts it
    among the refusals it expects."""
    results, errors = [], []
    barrier = threading.Barrier(count)

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results.append(target(index))
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    with one_race_at_a_time():
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert not [error for error in errors if isinstance(error, DatabaseError)], errors
    return results, errors


@contextlib.contextmanager
def transaction_held_open(first: Callable[[], object], then: Callable[[], object] = lambda: None) -> Iterator[list]:
    """Another transaction, in a thread of its own: it runs first(), then stays open while the block
    runs; when the block ends it runs then() and commits. Yields the list its exception goes to
    (complete once the block has ended). For what another request holds while the code under test
    runs: a payment being completed, an approval holding an order."""
    errors: list[Exception] = []
    started, block_done = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                first()
                started.set()
                block_done.wait(30)
                then()
        except Exception as error:
            errors.append(error)
        finally:
            started.set()
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    started.wait(30)
    try:
        yield errors
    finally:
        block_done.set()
        holder.join(30)
