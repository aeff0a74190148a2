"""The rule that keeps the price history and the facet index true: outside catalog.services,
no code writes a product's or variant's price, category, activity or option values through
the ORM, nor creates them there (a static AST walk of the apps, the demo and the bench)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WATCHED_FIELDS = {"base_price", "price_modifier", "category", "category_id", "is_active", "product", "product_id"}
CREATES = {"create", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
# Bulk-loading new products with no variants yet is the demo loader's; it rebuilds the index after.
ALLOWED = {("demo/catalog/loader.py", "Product", "bulk_create")}


def _root_name(node) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Call)):
        node = node.value if isinstance(node, ast.Attribute) else node.func
    return node.id if isinstance(node, ast.Name) else None


def _offences(path: Path, module: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        method, receiver = node.func.attr, node.func.value
        root = _root_name(receiver)
        where = f"{module}:{node.lineno}"
        if method == "save" and isinstance(receiver, ast.Name) and receiver.id in ("product", "variant"):
            found.append(f"{where} {receiver.id}.save()")
        elif root in ("Product", "Variant") and (module, root, method) not in ALLOWED:
            if method in CREATES:
                found.append(f"{where} {root}…{method}()")
            elif method == "update" and WATCHED_FIELDS & {kw.arg for kw in node.keywords}:
                found.append(f"{where} {root}…update({', '.join(kw.arg for kw in node.keywords)})")
        elif (
            method in ("set", "add", "remove", "clear")
            and isinstance(receiver, ast.Attribute)
            and receiver.attr == "option_values"
        ):
            found.append(f"{where} option_values.{method}()")
    return found


def _modules():
    for top in sorted(p for p in ROOT.iterdir() if p.is_dir() and ((p / "apps.py").exists() or p.name == "bench")):
        for path in sorted(top.rglob("*.py")):
            module = path.relative_to(ROOT).as_posix()
            if "migrations" not in path.parts and not module.startswith("catalog/services/"):
                yield path, module


def test_catalog_writes_go_through_the_services():
    offences = [offence for path, module in _modules() for offence in _offences(path, module)]
    assert offences == [], "write these through catalog.services: " + "; ".join(offences)


@pytest.mark.parametrize(
    "source, caught",
    [
        ("product.save()\n", True),
        ("Variant.objects.filter(pk=1).update(is_active=False)\n", True),
        ("Product.objects.filter(pk=1).update(base_price=1)\n", True),
        ("Product.objects.filter(pk=1).update(is_featured=True)\n", False),
        ("Variant.objects.create(product=p, sku='x')\n", True),
        ("variant.option_values.set([v])\n", True),
        ("order.save()\n", False),
    ],
)
def test_the_walk_sees_each_kind_of_write(tmp_path, source, caught):
    module = tmp_path / "module.py"
    module.write_text(source)
    assert bool(_offences(module, "x.py")) is caught
