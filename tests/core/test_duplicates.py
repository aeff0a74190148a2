"""No rule written twice: across the apps' Python, no run of six statements stands in two
places. Imports, docstrings, comments, blank lines and lone closing brackets are left out, and
white space and line breaks are folded (a statement the formatter spreads over lines is one), so
what is compared is code a reader would have to keep in step by hand.
Where the logic is the same, one function (or one base class) serves both places."""

import ast
import io
import tokenize
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = sorted(path.parent.name for path in ROOT.glob("*/apps.py"))
RUN = 6
CLOSERS = {")", "]", "}", "),", "],", "},", "):", "]:"}
SKIPPED_TOKENS = {tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING}


def _skipped_lines(tree: ast.Module) -> set[int]:
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            skipped.update(range(node.lineno, node.end_lineno + 1))
        body = getattr(node, "body", None)
        if (
            isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            skipped.update(range(body[0].lineno, body[0].end_lineno + 1))
    return skipped


def code_lines(path: Path) -> list[tuple[int, str]]:
    """(first line number, the statement folded) for each logical line of code that counts: a
    statement the formatter spreads over several lines is compared as the one line it is."""
    source = path.read_text()
    skipped = _skipped_lines(ast.parse(source))
    lines, parts, start = [], [], None
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            code = _folded(parts)
            if start is not None and start not in skipped and code and code not in CLOSERS:
                lines.append((start, code))
            parts, start = [], None
        elif token.type not in SKIPPED_TOKENS:
            start = token.start[0] if start is None else start
            parts.append(token.string)
    return lines


def _folded(parts: list[str]) -> str:
    # One space between tokens, none inside brackets or before a comma: what the formatter may change
    # (a trailing comma, where a line breaks) does not tell two statements apart.
    code = " ".join(parts)
    for before, after in (("( ", "("), (" )", ")"), ("[ ", "["), (" ]", "]"), ("{ ", "{"), (" }", "}"), (" ,", ",")):
        code = code.replace(before, after)
    return code.replace(",)", ")").replace(",]", "]").replace(",}", "}")


def repeated_runs(paths, *, root: Path = ROOT) -> list[list[str]]:
    places = defaultdict(list)
    for path in paths:
        lines = code_lines(path)
        for start in range(len(lines) - RUN + 1):
            run = tuple(code for _, code in lines[start : start + RUN])
            places[run].append(f"{path.relative_to(root)}:{lines[start][0]}")
    return [where for where in places.values() if len(where) > 1]


def app_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_no_run_of_code_stands_in_two_places_in_the_apps():
    assert repeated_runs(app_modules()) == []


def test_the_check_finds_a_copied_rule(tmp_path):
    rule = "def price(total):\n" + "".join(f"    total = total * {n} + 1\n" for n in range(6)) + "    return total\n"
    first, second = tmp_path / "a.py", tmp_path / "b.py"
    first.write_text('"""One."""\nimport os\n\n' + rule)
    second.write_text("# Two.\n" + rule.replace("price", "cost").replace("total = total", "total  =  total"))
    assert len(repeated_runs([first, second], root=tmp_path)) == 2  # two runs of six in seven shared lines
