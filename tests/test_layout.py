"""The layout holds: each app imports only the apps below it, and no two apps import each other."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. An app may import the project package and the apps before it, never after it.
LAYERS = [
    "reference",
    "audit",
    # The printed documents' pages: above audit (they log reads), below every app that prints.
    "documents",
    "accounts",
    "people",
    "cases",
    "committees",
    "najva",
    "enforcement",
    "letters",
    "oversight",
]


def imports_of(app: str) -> dict[str, set[str]]:
    """{module path: project apps it imports}, for every Python file of ``app`` but its tests."""
    found = {}
    for path in (ROOT / app).rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        apps = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            apps |= {name.split(".")[0] for name in names if name.split(".")[0] in LAYERS}
        found[str(path.relative_to(ROOT))] = apps - {app}
    return found


@pytest.mark.parametrize("app", LAYERS)
def test_an_app_imports_only_the_apps_below_it(app):
    below = set(LAYERS[: LAYERS.index(app)])
    wrong = {module: apps - below for module, apps in imports_of(app).items() if apps - below}
    assert wrong == {}


def test_reference_is_a_leaf_and_audit_imports_no_app():
    for app in ("reference", "audit"):
        assert all(not apps for apps in imports_of(app).values()), app


def test_no_two_apps_import_each_other():
    graph = {app: set().union(*imports_of(app).values()) for app in LAYERS}
    cycles = {(a, b) for a in graph for b in graph[a] if a in graph.get(b, set())}
    assert cycles == set()


def test_the_case_model_holds_only_the_case():
    # cases/models.py held reference data, the register of people, the audit trail and the case
    # in 1,041 lines before the split; now the case, its subjects, evidence and inquiries.
    lines = len((ROOT / "cases" / "models.py").read_text().splitlines())
    assert lines < 1041 / 2
