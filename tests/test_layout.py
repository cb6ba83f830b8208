"""The layout holds: each app reaches only the apps below it, by every way one app reaches another.

An app reaches another by importing it, by a relation of one of its models (a foreign key, a
one-to-one, a many-to-many, or a model named as "app.Model" in its code), by loading its template
tags, by including or extending its templates, and by naming its URLs ("ns:name" in a template's
``{% url %}`` or in ``reverse``/``redirect``). Each is checked here, for every app.

Below every app is the helpers package (``HELPERS``: Persian text, downloads, uploads, forms,
printing...), which reaches no app at all. Above every app is the project package (``PROJECT``:
settings, URLs, Celery, wsgi, and the composition: demo, backup, restore), which no app imports:
an app reads the settings through ``django.conf.settings``.

Tests and migrations are left out: a test may drive the whole project, and a migration's
dependencies are its history.
"""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.template import engines
from django.urls import get_resolver

ROOT = Path(__file__).resolve().parent.parent

HELPERS = "shared"
PROJECT = "revocation"

# Lowest first. An app may reach the helpers package and the apps before it, never after it.
LAYERS = [
    # The trail imports and references no app: the ground, so that every app records through it
    # (reference's admin pages too).
    "audit",
    "reference",
    # The notices' outbox (e-mails kept until sent): under every app that tells someone.
    "notices",
    # The printed documents' pages: above audit (they log reads), below every app that prints.
    "documents",
    "accounts",
    "people",
    "cases",
    # The front desk: finds a household across provinces, then has the kernel open the case.
    # Above cases and people (it imports them); only the project names its URL (base.html, and
    # settings.HOUSEHOLD_RETURN_URL, where people returns after registering a household).
    "intake",
    "committees",
    "najva",
    "enforcement",
    "letters",
    "oversight",
]
# The helpers package is the ground floor: it is checked as a layer under every app.
FLOORS = [HELPERS, *LAYERS]


def below(app: str) -> set[str]:
    """What ``app`` may reach besides itself."""
    return set(FLOORS[: FLOORS.index(app)])


def above(app: str) -> set[str]:
    return set(FLOORS[FLOORS.index(app) + 1 :])


def sources(app: str):
    """The Python files of ``app`` but its tests and migrations, each with its parsed tree."""
    for path in sorted((ROOT / app).rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts or path.name.startswith("test_"):
            continue
        yield str(path.relative_to(ROOT)), ast.parse(path.read_text(), filename=str(path))


def imported_modules(tree) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def imports_of(app: str) -> dict[str, set[str]]:
    """{module path: the project's packages it imports (apps, helpers, project)}, for ``app``."""
    ours = {*FLOORS, PROJECT}
    return {
        module: {name.split(".")[0] for name in imported_modules(tree)} & ours - {app}
        for module, tree in sources(app)
    }


def strings_of(tree) -> list[str]:
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


# --------------------------------------------------------------------------------------------------
# Imports


@pytest.mark.parametrize("app", FLOORS)
def test_an_app_imports_only_the_apps_below_it(app):
    wrong = {module: packages - below(app) for module, packages in imports_of(app).items()}
    assert {module: packages for module, packages in wrong.items() if packages} == {}


def _apps_imported(app: str) -> dict[str, set[str]]:
    return {
        module: packages - {HELPERS}
        for module, packages in imports_of(app).items()
        if packages - {HELPERS}
    }


def test_audit_and_the_helpers_import_no_app_and_reference_only_audit_for_its_admin():
    for app in ("audit", HELPERS):
        assert _apps_imported(app) == {}, app
    # Reference data's models know no app; its admin pages record through the audit trail.
    assert _apps_imported("reference") == {"reference/admin.py": {"audit"}}


def test_no_app_imports_the_project_package():
    # The settings too are read through django.conf, not imported from the project.
    wrong = {
        module: PROJECT
        for app in FLOORS
        for module, packages in imports_of(app).items()
        if PROJECT in packages
    }
    assert wrong == {}


def test_the_project_package_holds_only_the_roof():
    # Settings, URLs, Celery, wsgi and the composition above every app; a helper belongs below.
    roof = {"__init__", "settings", "urls", "celery", "wsgi", "asgi", "backups", "demo"}
    modules = {
        path.stem if path.parent.name == PROJECT else path.relative_to(ROOT / PROJECT).parts[0]
        for path in (ROOT / PROJECT).rglob("*.py")
        if not path.name.startswith("test_")
    }
    assert modules - roof - {"management"} == set()


def test_no_two_apps_import_each_other():
    graph = {app: set().union(*imports_of(app).values()) for app in FLOORS}
    cycles = {(a, b) for a in graph for b in graph[a] if a in graph.get(b, set())}
    assert cycles == set()


# --------------------------------------------------------------------------------------------------
# Model references


def is_the_user_model(model) -> bool:
    # The user model is Django's (settings.AUTH_USER_MODEL, a swappable setting like
    # contrib.auth's own): every app may name who acted, whichever app defines the model.
    return model._meta.label == settings.AUTH_USER_MODEL


# The layers that are Django apps (documents/ is a package of views with no models of its own).
APPS = [layer for layer in LAYERS if layer in settings.INSTALLED_APPS]


@pytest.mark.parametrize("app", APPS)
def test_a_model_relates_only_to_models_of_its_app_or_below(app):
    wrong = set()
    for model in apps.get_app_config(app).get_models():
        for field in model._meta.get_fields():
            # Forward relations only: the reverse side of a relation is the other model's.
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue
            target = field.related_model._meta.app_label
            if target in above(app) and not is_the_user_model(field.related_model):
                wrong.add(f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}")
    assert wrong == set()


@pytest.mark.parametrize("app", FLOORS)
def test_no_code_names_a_model_of_an_app_above_it(app):
    # "cases.Case" in apps.get_model(), a lazy relation or a permission check reaches the app as
    # surely as an import does.
    labels = {model._meta.label for model in apps.get_models()}
    wrong = {
        (module, value)
        for module, tree in sources(app)
        for value in strings_of(tree)
        if value in labels and value.split(".")[0] in above(app)
    }
    assert wrong == set()


# --------------------------------------------------------------------------------------------------
# Templates: tag libraries, includes, URLs


def template_libraries() -> dict[str, str]:
    """{tag library name: the package of the project (or library) it lives in}."""
    libraries = engines["django"].engine.libraries
    return {name: module.split(".")[0] for name, module in libraries.items()}


def templates_of(app: str):
    for folder in (ROOT / "templates" / app, ROOT / app / "templates" / app):
        for path in sorted(folder.rglob("*.html")) if folder.is_dir() else []:
            yield str(path.relative_to(ROOT)), path.read_text()


LOAD = re.compile(r"{%\s*load\s+(.*?)\s*%}")
INCLUDE = re.compile(r"""{%\s*(?:include|extends)\s+["']([\w.-]+)/""")
URL_TAG = re.compile(r"""{%\s*url\s+["']([\w-]+):""")


def test_every_tag_library_is_known():
    libraries = template_libraries()
    for app in FLOORS:
        for _path, text in templates_of(app):
            for loaded in LOAD.findall(text):
                names = loaded.split(" from ")[-1].split() if " from " in loaded else loaded.split()
                assert set(names) <= set(libraries), (app, loaded)


@pytest.mark.parametrize("app", LAYERS)
def test_a_template_loads_only_tags_of_its_app_or_below(app):
    libraries = template_libraries()
    wrong = set()
    for path, text in templates_of(app):
        for loaded in LOAD.findall(text):
            names = loaded.split(" from ")[-1].split() if " from " in loaded else loaded.split()
            wrong |= {(path, name) for name in names if libraries.get(name) in above(app)}
    assert wrong == set()


@pytest.mark.parametrize("app", LAYERS)
def test_a_template_includes_only_templates_of_its_app_or_below(app):
    wrong = {
        (path, folder)
        for path, text in templates_of(app)
        for folder in INCLUDE.findall(text)
        if folder in above(app)
    }
    assert wrong == set()


def namespaces() -> dict[str, str]:
    """{URL namespace: the app whose URLconf it is}."""
    found = {}
    for namespace, (_prefix, resolver) in get_resolver().namespace_dict.items():
        module = resolver.urlconf_name
        found[namespace] = getattr(module, "__name__", str(module)).split(".")[0]
    return found


def test_every_app_namespace_is_its_own():
    # A namespace named after another app would make the checks below lie.
    assert {ns: app for ns, app in namespaces().items() if app in FLOORS and ns != app} == {}


@pytest.mark.parametrize("app", LAYERS)
def test_a_template_links_only_to_urls_of_its_app_or_below(app):
    owner = namespaces()
    wrong = {
        (path, namespace)
        for path, text in templates_of(app)
        for namespace in URL_TAG.findall(text)
        if owner.get(namespace) in above(app)
    }
    assert wrong == set()


@pytest.mark.parametrize("app", FLOORS)
def test_code_reverses_only_urls_of_its_app_or_below(app):
    # reverse("ns:name"), redirect("ns:name"), reverse_lazy, or a name kept for later: every
    # "ns:name" string of the app's code whose namespace is a project app's.
    owner = namespaces()
    named = re.compile(r"^([\w-]+):[\w-]+$")
    wrong = {
        (module, value)
        for module, tree in sources(app)
        for value in strings_of(tree)
        if (match := named.match(value)) and owner.get(match.group(1)) in above(app)
    }
    assert wrong == set()


def test_the_checks_see_what_they_check():
    # A check that finds nothing to look at passes for nothing.
    assert {"case_rows", "permissions", "letters"} <= set(template_libraries())
    assert template_libraries()["letters"] == "letters"
    assert namespaces()["cases"] == "cases"
    assert any(True for _ in templates_of("cases")) and any(True for _ in sources(HELPERS))
    audit_relations = {
        field.related_model._meta.label
        for field in apps.get_model("audit", "Event")._meta.get_fields()
        if field.is_relation and not field.auto_created
    }
    assert audit_relations == {settings.AUTH_USER_MODEL}


def test_the_case_model_holds_only_the_case():
    # cases/models.py held reference data, the register of people, the audit trail and the case
    # in 1,041 lines before the split; now the case, its subjects, evidence and inquiries.
    lines = len((ROOT / "cases" / "models.py").read_text().splitlines())
    assert lines < 1041 / 2
