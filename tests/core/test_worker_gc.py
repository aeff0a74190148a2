"""gunicorn.conf.py's worker hooks freeze what a worker loads and warms, so the garbage collector's full
passes no longer walk it."""

import gc
import runpy
from pathlib import Path

import pytest

CONFIG = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


@pytest.fixture
def hooks():
    yield runpy.run_path(str(CONFIG))
    gc.unfreeze()


def test_a_worker_freezes_what_it_loaded_and_again_once_warm(hooks):
    hooks["post_worker_init"](None)
    loaded = gc.get_freeze_count()
    assert loaded > 0

    warmed = [object() for _ in range(10)]  # what a worker's first requests leave in its caches
    for _ in range(hooks["WARM_AFTER_REQUESTS"] - 1):
        hooks["post_request"](None, None, {}, None)
    assert gc.get_freeze_count() == loaded
    hooks["post_request"](None, None, {}, None)
    assert gc.get_freeze_count() > loaded
    assert not any(tracked is warmed for tracked in gc.get_objects())  # no full pass walks it now
    after = gc.get_freeze_count()
    for _ in range(hooks["WARM_AFTER_REQUESTS"]):
        hooks["post_request"](None, None, {}, None)
    assert gc.get_freeze_count() == after  # once: later objects are the collector's as before
    assert len(warmed) == 10


def test_a_full_pass_walks_only_what_came_after_the_freeze(hooks):
    tracked = len(gc.get_objects())
    hooks["post_worker_init"](None)
    assert len(gc.get_objects()) < tracked / 10  # the frozen objects are in no generation a pass walks
    garbage = []
    garbage.append(garbage)  # a cycle made after the freeze is still collected
    del garbage
    assert gc.collect() >= 1
