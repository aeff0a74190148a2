"""The tests mirror the apps: one folder per app (and e2e/ for the browser journeys, cluster/ for
the production layout), builders shared through tests/factories.py and fixtures through conftest.py
files, never by importing another test module or a conftest. Read statically (an AST walk), like the layering test."""

import ast
from collections import defaultdict
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
NOT_APPS = {"e2e", "cluster", "__pycache__"}  # cluster: the production layout's tests (make test-cluster)

# Fixture names still defined with different bodies in different test modules or folders (the
# definition closest to a test wins): a module's own `world`, `superuser`, `order`... A fixture the
# apps share lives once, in tests/conftest.py. This list only shrinks: unify a name and take it off;
# a new fixture gets a name of its own.
LOCAL_MEANINGS = {
    "_no_eager_tasks_in_threads",
    "certificate",
    "guest",
    "guest_order",
    "manual_moderation",
    "order",
    "policies",
    "product",
    "seller",
    "signed_in",
    "staff",
    "staff_client",
    "store",
    "superuser",
    "support",
    "variant",
    "warehouse",
    "world",
}


def _project_apps() -> set[str]:
    return {config.label for config in apps.get_app_configs() if Path(config.path).parent == ROOT}


def _modules() -> list[Path]:
    return sorted(path for path in TESTS.rglob("*.py") if "__pycache__" not in path.parts)


def _imported_modules(path: Path, root: Path = ROOT) -> set[str]:
    """Every module an import statement of `path` names (and each imported name as a possible
    submodule), relative imports resolved."""
    package = path.relative_to(root).parent.parts
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1]) if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


# pytest's, and tests/harness.py's for fixtures whose rows a module's tests share.
FIXTURE_DECORATORS = ("fixture", "shareable", "shared_by_module")


def _fixtures() -> dict[str, dict[str, str]]:
    """fixture name -> {file: its definition (parameters and body, as the AST reads them)}."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for path in _modules():
        if path.name != "conftest.py" and not path.name.startswith("test_"):
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.FunctionDef) and any(
                name in ast.unparse(d) for d in node.decorator_list for name in FIXTURE_DECORATORS
            ):
                body = ast.Module(body=node.body, type_ignores=[])
                found[node.name][path.relative_to(ROOT).as_posix()] = ast.dump(node.args) + ast.dump(body)
    return found


def test_every_folder_is_an_app_and_every_app_has_a_folder():
    folders = {path.name for path in TESTS.iterdir() if path.is_dir() and path.name not in NOT_APPS}
    assert folders == _project_apps()


def test_no_module_imports_a_conftest_or_a_test_module():
    wrong = []
    for path in _modules():
        for module in _imported_modules(path):
            last = module.rpartition(".")[2]
            if module.startswith("tests.") and (last == "conftest" or last.startswith("test_")):
                wrong.append(f"{path.relative_to(ROOT)}: {module}")
    assert wrong == [], "shared builders belong in tests/factories.py, shared fixtures in a conftest.py"


def test_a_fixture_name_means_one_thing():
    differing = {name for name, bodies in _fixtures().items() if len(set(bodies.values())) > 1}
    assert differing - LOCAL_MEANINGS == set(), "give the fixture a name saying what it builds"
    assert LOCAL_MEANINGS - differing == set(), "unified: take it off LOCAL_MEANINGS"


def test_one_shop_fixture():
    assert list(_fixtures()["shop"]) == ["tests/conftest.py"]


def test_the_walk_sees_relative_and_absolute_imports(tmp_path):
    module = tmp_path / "tests" / "orders" / "test_example.py"
    module.parent.mkdir(parents=True)
    module.write_text("from .conftest import x\nfrom tests.checkout import test_checkout\nimport tests.factories\n")
    found = _imported_modules(module, tmp_path)
    assert {"tests.orders.conftest", "tests.checkout.test_checkout", "tests.factories"} <= found


def test_no_test_empties_the_cache_the_workers_share():
    """`cache.clear()` on Redis is a FLUSHDB: run beside them, it empties the other workers' sessions and carts
    (a checkout test of another worker then lost its cart). tests.harness.clear_cache deletes this worker's keys."""
    flushing = []
    for path in TESTS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "clear"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "cache"
                and path.name != "harness.py"
            ):
                flushing.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not flushing
