"""The rules of the house that no linter knows: checked on the source, so they stay kept.

The import layers and the absence of cycles are import-linter's job (`lint-imports`, run by
`make lint` from the contract in pyproject.toml); this file checks the rest.
"""

import ast
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "scheduler"
ZONES = {"Asia/Seoul", "Asia/Shanghai"}
LANGUAGE_CODES = {"zh", "ko", "en"}
# The home of the sides and languages, and the demo data (it spells out realistic records).
CONCEPT_HOMES = {"sides.py"}
DEMO = ("demo",)


def _modules():
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _is_view_module(path: Path) -> bool:
    return path.stem == "views" or path.stem.endswith("_views") or "views" in path.parts


def _is_view_name(module: str) -> bool:
    parts = module.split(".")
    return parts[-1] == "views" or parts[-1].endswith("_views") or "views" in parts[:-1]


def _is_concept_home_or_demo(path: Path) -> bool:
    name = path.relative_to(PACKAGE).as_posix()
    return name in CONCEPT_HOMES or path.stem.startswith(DEMO)


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _string_constants(node) -> list[str] | None:
    """The strings of a tuple/list/set made only of string constants, else None."""
    if not isinstance(node, ast.Tuple | ast.List | ast.Set) or not node.elts:
        return None
    values = [e.value for e in node.elts if isinstance(e, ast.Constant)]
    if len(values) != len(node.elts) or not all(isinstance(v, str) for v in values):
        return None
    return values


def test_no_view_module_commits():
    """The request boundary commits (scheduler.transaction), never a view."""
    found = []
    for path in filter(_is_view_module, _modules()):
        for node in ast.walk(_tree(path)):
            is_call = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            if is_call and node.func.attr == "commit":
                found.append(f"{_relative(path)}:{node.lineno}")
    assert found == []


def test_zones_are_spelled_only_in_sides():
    found = []
    for path in _modules():
        if _is_concept_home_or_demo(path):
            continue
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Constant) and node.value in ZONES:
                found.append(f"{_relative(path)}:{node.lineno} {node.value}")
    assert found == []


def test_language_lists_and_tags_live_only_in_sides():
    """No second ("zh", "ko", "en") tuple and no second language-tag map."""
    found = []
    for path in _modules():
        if _is_concept_home_or_demo(path):
            continue
        for node in ast.walk(_tree(path)):
            values = _string_constants(node)
            if values and len(set(values)) > 1 and set(values) <= LANGUAGE_CODES:
                found.append(f"{_relative(path)}:{node.lineno} {values}")
            if isinstance(node, ast.Constant) and node.value == "zh-CN":
                found.append(f"{_relative(path)}:{node.lineno} zh-CN")
    assert found == []


def test_the_formatter_wins():
    """At most a handful of justified `fmt: skip` in the application."""
    marks = [
        f"{_relative(path)}:{number}"
        for path in _modules()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "fmt: skip" in line
    ]
    assert len(marks) <= 5, marks


@pytest.mark.parametrize("support", ["tests", "benchmarks"])
def test_benchmarks_and_tests_keep_their_own_helpers(support):
    """Benchmarks import no test module, and tests no benchmark module."""
    other = {"tests": "benchmarks", "benchmarks": "tests"}[support]
    found = []
    for path in sorted((ROOT / support).rglob("*.py")):
        for node in ast.walk(_tree(path)):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            found += [f"{_relative(path)}: {n}" for n in names if n.split(".")[0] == other]
    assert found == []


def test_view_modules_are_imported_only_to_register_them():
    """Only the app factory and the view module's own package import it (its blueprint
    registry): no package imports another package's views, no service imports a view."""
    graph = grimp.build_graph("scheduler")
    found = []
    for module in sorted(filter(_is_view_name, graph.modules)):
        package = module.split(".")[1]
        for importer in sorted(graph.find_modules_that_directly_import(module)):
            own = importer.split(".")[1:2] == [package] and _registers_views(importer)
            if importer != "scheduler.app" and not own:
                found.append(f"{importer} -> {module}")
    assert found == []


def _registers_views(module: str) -> bool:
    """A blueprint registry: a views package's __init__ or a `blueprints` module."""
    return _is_view_name(module) or module.endswith(".blueprints")
