"""Background work is asked for one way (core.enqueue, docs/background-work.md): a service calls its app's
`<app>/enqueue.py`, which enqueues a task by its registered name once the transaction commits. So no
module imports its app's tasks but the tasks' own registrations, and the code's modules import each
other in no circle (function-level imports count: they are circles all the same at run time)."""

import ast
import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from core import enqueue

ROOT = Path(__file__).resolve().parents[2]
NOT_CODE = {".venv", "tests", "node_modules", "site", "docs", "static", "templates", "locale"}


def _code_files() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] in NOT_CODE or parts[0].startswith(".") or "migrations" in parts:
            continue
        yield path


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_names(path: Path, module: str) -> Iterator[str]:
    """Every module name an import statement of `path` may load, module-level or in a function, relative
    imports resolved (`from . import tasks` names both the package and `package.tasks`)."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package[: len(package) - node.level + 1], *([base] if base else [])])
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _import_graph() -> dict[str, set[str]]:
    """{module: the project's modules it imports} over the code (tests and migrations aside)."""
    files = {_module_name(path): path for path in _code_files()}
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        targets = set()
        for name in _imported_names(path, module):
            parts = name.split(".")
            while parts and ".".join(parts) not in files:
                parts.pop()  # `from x import function`: the module is x
            if parts and ".".join(parts) != module:
                targets.add(".".join(parts))
        graph[module] = targets
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def test_the_code_imports_in_no_circle():
    circles = _circles(_import_graph())
    assert circles == [], "import circles (a function-level import counts):\n" + "\n".join(
        " ↔ ".join(circle) for circle in circles
    )


def test_the_circle_finder_finds_a_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _circles(graph) == [["a", "b", "c"]]


# Modules that may import their app's tasks: apps.py registers them with the sweep of pending work
# (core.jobs, which calls them outside any transaction); the account adapter, already in the worker
# that runs a password reset, runs the mail task's body there instead of enqueuing it.
MAY_IMPORT_TASKS = {"accounts.adapter"}


def test_only_an_apps_registrations_import_its_tasks():
    """Services, views and the rest enqueue through `<app>/enqueue.py`, never importing the tasks."""
    graph = _import_graph()
    importers = sorted(
        f"{module} → {target}"
        for module, targets in graph.items()
        for target in targets
        if target.endswith(".tasks")
        and target.partition(".")[0] == module.partition(".")[0]
        and not module.endswith(".apps")
        and module not in MAY_IMPORT_TASKS
        and module.partition(".")[0] != "bench"  # benchmarks patch the tasks they measure
    )
    assert importers == []


def _enqueued_names() -> Iterator[tuple[str, str]]:
    """(module, task name) for each core.enqueue call in the apps' enqueue modules."""
    for path in sorted(ROOT.glob("*/enqueue.py")):
        if path.parent.name == "core":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "enqueue"
            ):
                first = node.args[0] if node.args else None
                assert isinstance(first, ast.Constant) and isinstance(first.value, str), (
                    f"{path.parent.name}/enqueue.py: a task is named by a string literal"
                )
                yield path.parent.name, first.value


def test_every_enqueued_name_is_a_registered_task():
    names = list(_enqueued_names())
    assert len(names) >= 15
    assert [(app, name) for app, name in names if enqueue.task(name).name != name] == []
    assert all(name.startswith(f"{app}.") for app, name in names)  # an app enqueues its own tasks


@pytest.fixture
def ran(monkeypatch):
    """The arguments core.ping was enqueued with, instead of running it."""
    calls: list[tuple] = []
    ping = enqueue.task("core.ping")
    monkeypatch.setattr(ping, "delay", lambda *args, **kwargs: calls.append((args, kwargs)))
    monkeypatch.setattr(ping, "apply_async", lambda **options: calls.append(("eta", options["eta"])))
    return calls


@pytest.mark.django_db
def test_a_task_is_enqueued_when_the_transaction_commits(ran, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue.on_commit("core.ping", 7, kind="a")
        assert ran == []  # not before the commit
    assert ran == [((7,), {"kind": "a"})]


@pytest.mark.django_db(transaction=True)
def test_nothing_is_enqueued_for_a_rolled_back_transaction(ran):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue.on_commit("core.ping", 1)
        raise RuntimeError
    assert ran == []
    enqueue.on_commit("core.ping", 2)  # outside a transaction: at once
    assert ran == [((2,), {})]


@pytest.mark.django_db
def test_a_task_that_cannot_be_enqueued_is_logged_not_raised(monkeypatch, caplog, django_capture_on_commit_callbacks):
    def broker_gone(*args, **kwargs):
        raise ConnectionError("broker gone")

    monkeypatch.setattr(enqueue.task("core.ping"), "delay", broker_gone)
    with caplog.at_level(logging.WARNING, logger="tienda.jobs"), django_capture_on_commit_callbacks(execute=True):
        enqueue.on_commit("core.ping")
        enqueue.on_commit("nobody.tasks.no_such_task")
    assert [record.getMessage() for record in caplog.records if record.name == "tienda.jobs"] == [
        "Task core.ping not enqueued (or it failed, run inline)",
        "Task nobody.tasks.no_such_task not enqueued (or it failed, run inline)",
    ]


@pytest.mark.django_db
def test_a_far_boundary_is_left_to_beat_and_a_near_one_is_enqueued(ran, django_capture_on_commit_callbacks):
    near, far = timezone.now() + timedelta(minutes=30), timezone.now() + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        enqueue.at("core.ping", near)
        enqueue.at("core.ping", far)  # would outlive the broker's visibility timeout
    assert ran == [("eta", near)]
