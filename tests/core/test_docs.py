"""The README stays short and the documentation site leaves no page out (issue 46). Cheap checks on the
files: the strict build itself (`make docs`, every link and anchor resolved) runs in CI."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
README_MAX_LINES = 250


class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml names Python objects (`!!python/name:...`, the Mermaid fence); the nav needs none of them."""


_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def _nav_pages(entries) -> set[str]:
    pages: set[str] = set()
    for entry in entries:
        if isinstance(entry, str):
            pages.add(entry)
        elif isinstance(entry, dict):
            for value in entry.values():
                pages |= _nav_pages([value]) if isinstance(value, str) else _nav_pages(value)
    return pages


def test_readme_is_at_most_250_lines():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, (
        f"README.md has {len(lines)} lines: keep it to {README_MAX_LINES} and move the rest to docs/"
    )


def test_every_docs_page_is_in_the_nav():
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_ConfigLoader)
    listed = _nav_pages(config["nav"])
    docs = ROOT / config.get("docs_dir", "docs")
    pages = {path.relative_to(docs).as_posix() for path in docs.rglob("*.md")}
    assert pages - listed == set(), "pages under docs/ missing from mkdocs.yml's nav"
    assert listed - pages == set(), "mkdocs.yml's nav lists pages that do not exist"


def test_the_readme_links_to_existing_docs_pages():
    """GitHub readers follow the README's relative links into docs/."""
    links = re.findall(r"\]\((docs/[^)#]+)(?:#[^)]*)?\)", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert links, "the README should say where to read next"
    assert [link for link in links if not (ROOT / link).is_file()] == []
