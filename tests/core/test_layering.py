"""The apps form layers: an app imports only the apps below it (docs/architecture/layers.md). This reads
every module's imports (a static AST walk, nothing is executed) and fails on an import the
table does not allow, so a new import cycle between apps cannot creep back in."""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Each app and the apps it may import, lowest layer first. The same table is in docs/architecture/layers.md.
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "waitingroom": {"core"},
    "legal": {"core"},
    "accounts": {"core", "legal"},
    "credit": {"core"},
    "catalog": {"core", "accounts"},
    "promotions": {"core", "catalog"},
    "inventory": {"core", "accounts", "catalog"},
    "cart": {"core", "catalog", "inventory", "promotions"},
    "shipping": {"core", "accounts", "catalog", "inventory"},
    "orders": {"core", "accounts", "catalog", "credit", "inventory", "promotions", "shipping"},
    "payments": {"core", "credit", "orders"},
    "receipts": {"core", "accounts", "credit", "orders", "payments"},
    "despatch": {"core", "accounts", "catalog", "inventory", "orders", "receipts", "shipping"},
    "returns": {"core", "accounts", "credit", "inventory", "orders", "payments", "promotions", "receipts", "shipping"},
    "sunat": {"core", "accounts", "despatch", "orders", "payments", "receipts", "shipping"},
    "reviews": {"core", "accounts", "catalog", "orders", "shipping"},
    "complaints": {"core", "accounts", "orders", "shipping"},
    "favourites": {"core", "accounts", "catalog", "inventory"},
    "alerts": {"core", "accounts", "cart", "catalog", "inventory", "legal", "orders"},
    "privacy": {
        "core",
        "accounts",
        "alerts",
        "cart",
        "complaints",
        "credit",
        "favourites",
        "legal",
        "orders",
        "payments",
        "shipping",
    },
    "checkout": {
        "core",
        "accounts",
        "cart",
        "catalog",
        "credit",
        "inventory",
        "legal",
        "orders",
        "payments",
        "promotions",
        "shipping",
    },
    "reconciliation": {"core", "accounts", "orders", "payments"},
    "timeline": {"core", "accounts", "credit", "orders", "payments", "promotions", "receipts", "returns", "shipping"},
    "backoffice": {"core", "accounts", "catalog", "inventory", "orders", "payments", "returns", "reviews", "shipping"},
    "storefront": {
        "core",
        "accounts",
        "cart",
        "catalog",
        "complaints",
        "favourites",
        "inventory",
        "legal",
        "orders",
        "privacy",
        "returns",
        "reviews",
        "shipping",
        "waitingroom",
    },
    "monitoring": {"core", "inventory", "orders", "payments", "receipts"},
    "demo": {
        "core",
        "accounts",
        "alerts",
        "backoffice",
        "cart",
        "catalog",
        "checkout",
        "complaints",
        "despatch",
        "credit",
        "favourites",
        "inventory",
        "legal",
        "orders",
        "payments",
        "privacy",
        "promotions",
        "receipts",
        "returns",
        "reviews",
        "shipping",
        "sunat",
        "reconciliation",
        "monitoring",
    },
}


def _imported_apps(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.partition(".")[0]
            if top in ALLOWED:
                yield top


def _imports() -> set[tuple[str, str, str]]:
    """(app, app it imports, module) for every import of another app, migrations aside."""
    found = set()
    for app in ALLOWED:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            module = path.relative_to(ROOT).as_posix()
            found.update((app, imported, module) for imported in _imported_apps(path) if imported != app)
    return found


def test_every_app_is_in_the_table():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps == set(ALLOWED)


def test_the_table_has_no_cycle():
    done: set[str] = set()

    def visit(app: str, path: tuple[str, ...]) -> None:
        assert app not in path, f"cycle: {' → '.join((*path, app))}"
        if app not in done:
            for lower in ALLOWED[app]:
                visit(lower, (*path, app))
            done.add(app)

    for app in ALLOWED:
        visit(app, ())


def test_apps_import_only_the_layers_below():
    imports = _imports()
    wrong = sorted(edge for edge in imports if edge[1] not in ALLOWED[edge[0]])
    assert wrong == [], "imports the layering forbids (app, imported app, module): " + repr(wrong)


def test_the_docs_show_this_table():
    """The docs' table of layers is the one developers read: it must say what this test enforces."""
    rows = {}
    for line in (ROOT / "docs" / "architecture" / "layers.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`") and cells[0].strip("`") in ALLOWED:
            rows[cells[0].strip("`")] = cells[2]
    listed = {app: set(deps.replace("—", "").split(", ")) - {""} for app, deps in rows.items() if app != "demo"}
    assert listed == {app: lower for app, lower in ALLOWED.items() if app != "demo"}
    assert rows["demo"] == "every app"


@pytest.mark.parametrize(
    "source, expected",
    [
        ("from orders.services import order_cancel\n", {"orders"}),
        ("import payments.models\n", {"payments"}),
        ("def f():\n    from cart.selectors import cart_view\n", {"cart"}),
        ("from . import services\nfrom .models import Order\nimport django.db\n", set()),
    ],
)
def test_the_walk_sees_every_kind_of_import(tmp_path, source, expected):
    module = tmp_path / "module.py"
    module.write_text(source)
    assert set(_imported_apps(module)) == expected
