"""Issue 19, point 6: small modules. No application module over 500 lines and no function (or
method) over 80 lines, so a module can be read in one sitting and a function on one screen.

Read with ``ast`` rather than imported: the check covers every module, including ones no test
imports. Tests, migrations and third-party code are not application code and are left out.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80
# Not application code: tests, migrations, installed packages, front-end tooling.
SKIPPED_DIRS = {"tests", "migrations", ".venv", "node_modules", ".git", "__pycache__"}


def application_modules() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts)
    )


def long_functions(path: Path) -> Iterator[tuple[str, int, int]]:
    """(qualified name, first line, length) of every function longer than the limit; the
    length runs from the first decorator to the last line of the body."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

    def visit(node: ast.AST, prefix: str) -> Iterator[tuple[str, int, int]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    first = min([d.lineno for d in child.decorator_list] + [child.lineno])
                    length = (child.end_lineno or child.lineno) - first + 1
                    if length > MAX_FUNCTION_LINES:
                        yield name, first, length
                yield from visit(child, f"{name}.")
            else:
                yield from visit(child, prefix)

    yield from visit(tree, "")


def test_the_scan_sees_the_application() -> None:
    """Guards the test against passing by finding nothing: the apps' modules are scanned, the
    tests and migrations are not."""
    found = {path.relative_to(ROOT).as_posix() for path in application_modules()}
    assert "klimatfardplan/settings.py" in found
    assert "manage.py" in found
    assert not any("/migrations/" in name or name.startswith("tests/") for name in found)


def test_no_module_is_over_500_lines() -> None:
    too_long = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for path in application_modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert too_long == [], "split these modules by concern (house style §2.2):\n" + "\n".join(
        too_long
    )


def test_no_function_is_over_80_lines() -> None:
    too_long = [
        f"{path.relative_to(ROOT)}:{first} {name}: {length} lines"
        for path in application_modules()
        for name, first, length in long_functions(path)
    ]
    assert too_long == [], "split these functions:\n" + "\n".join(too_long)


def test_long_functions_are_measured_from_decorator_to_last_line(tmp_path: Path) -> None:
    """The limit counts what a reader scrolls through: decorators and nested functions
    included; a nested function over the limit is reported by its qualified name."""
    body = "\n".join(f"    x{i} = {i}" for i in range(80))
    module = tmp_path / "example.py"
    module.write_text(
        f"@decorator\ndef long():\n{body}\n\n"
        f"def short():\n    return 1\n\n"
        f"class C:\n    def method(self):\n        def inner():\n"
        + "\n".join(f"            y{i} = {i}" for i in range(80))
        + "\n",
        encoding="utf-8",
    )
    assert list(long_functions(module)) == [
        ("long", 1, 82),
        ("C.method", 88, 82),
        ("C.method.inner", 89, 81),
    ]
