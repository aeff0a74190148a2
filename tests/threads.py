"""Real threads against the real database, for concurrency tests (each thread its own connection)."""

import threading

from django.db import connections


def run_in_threads(target, count: int) -> tuple[list, list]:
    """Start `count` threads together, each running target(index); return (results, errors)."""
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
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors
