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


def test_a_worker_freezes_what_it_loaded_and_again_once_warm(hooks, monkeypatch):
    # Counted, not read from gc.get_freeze_count(): a frozen object freed by reference counting lowers it.
    calls = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "collect", lambda generation=2: calls.append(f"collect {generation}") or 0)
    hooks["post_worker_init"](None)
    assert calls == ["collect 2", "freeze"]  # a full collection, before any request
    for _ in range(hooks["WARM_AFTER_REQUESTS"] - 1):
        hooks["post_request"](None, None, {}, None)
    assert calls == ["collect 2", "freeze"]
    hooks["post_request"](None, None, {}, None)
    assert calls == ["collect 2", "freeze", "collect 1", "freeze"]  # warm: the young generations only
    for _ in range(hooks["WARM_AFTER_REQUESTS"]):
        hooks["post_request"](None, None, {}, None)
    assert len(calls) == 4  # once: later objects are the collector's as before


def test_a_full_pass_walks_only_what_came_after_the_freeze(hooks):
    tracked = len(gc.get_objects())
    hooks["post_worker_init"](None)
    assert len(gc.get_objects()) < tracked / 10  # the frozen objects are in no generation a pass walks
    garbage = []
    garbage.append(garbage)  # a cycle made after the freeze is still collected
    del garbage
    assert gc.collect() >= 1
