"""The parts of the case page and of the work queue that the apps above cases own.

The cases app knows nothing of working groups, Najva, expulsions or letters, yet its two pages show
each of them. Each of those apps registers here, in its ``AppConfig.ready()``, a function that
computes its part (the queries it needs, run by the view) and the template that shows it; the view
asks ``case_panels``/``queue_panels`` and the page includes each part in the declared ``order``
(``{% panel %}`` of ``cases.templatetags.panels``), so the cases templates load no upper app's tags.
A start-up check (``check_panels``) refuses a panel whose app or template does not exist.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.core import checks
from django.template import TemplateDoesNotExist
from django.template.loader import get_template


@dataclass(frozen=True)
class Panel:
    # The registering app's label: the registry's key, checked at start-up.
    app: str
    template: str
    # (request, case) on the case page, (request) on the work queue: the template's context, or
    # None when the part has nothing to show this user.
    context: Callable[..., dict | None]
    # Parts are shown by this number, lowest first (the working group, Najva, enforcement and
    # the letters follow the order of the work: 10, 20, 30, 40).
    order: int


@dataclass(frozen=True)
class Shown:
    """A part to include: its template and the context computed for it."""

    template: str
    context: dict


CASE_PAGE: list[Panel] = []
WORK_QUEUE: list[Panel] = []


def _register(registry: list[Panel], panel: Panel) -> None:
    # ready() may run twice in a test process (an app registry reset): the same app's panel once.
    registry[:] = [p for p in registry if (p.app, p.template) != (panel.app, panel.template)]
    registry.append(panel)
    registry.sort(key=lambda p: p.order)


def register_case_panel(*, app: str, template: str, context, order: int) -> None:
    """Add ``app``'s part of the case page: ``context(request, case)`` gives its context."""
    _register(CASE_PAGE, Panel(app, template, context, order))


def register_queue_panel(*, app: str, template: str, context, order: int) -> None:
    """Add ``app``'s part of the work queue: ``context(request)`` gives its context."""
    _register(WORK_QUEUE, Panel(app, template, context, order))


def _shown(registry, *args) -> list[Shown]:
    shown = []
    for panel in registry:
        context = panel.context(*args)
        if context is not None:
            shown.append(Shown(panel.template, context))
    return shown


def case_panels(request, case) -> list[Shown]:
    """The upper apps' parts of ``case``'s page for ``request.user``, in order (their queries run
    here, in the view)."""
    return _shown(CASE_PAGE, request, case)


def queue_panels(request) -> list[Shown]:
    """The upper apps' parts of ``request.user``'s work queue, in order."""
    return _shown(WORK_QUEUE, request)


def check_panels(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Each panel's key is an installed app and its template exists; no two share an order."""
    errors = []
    for where, registry in (("case page", CASE_PAGE), ("work queue", WORK_QUEUE)):
        orders = [panel.order for panel in registry]
        for panel in registry:
            if panel.app not in _labels():
                errors.append(
                    checks.Error(
                        f"A panel of the {where} names app {panel.app!r}, which is not installed.",
                        id="cases.E101",
                    )
                )
            try:
                get_template(panel.template)
            except TemplateDoesNotExist:
                errors.append(
                    checks.Error(
                        f"A panel of the {where} ({panel.app}) names template "
                        f"{panel.template!r}, which does not exist.",
                        id="cases.E102",
                    )
                )
            if orders.count(panel.order) > 1:
                errors.append(
                    checks.Error(
                        f"Two panels of the {where} share the order {panel.order}.",
                        id="cases.E103",
                    )
                )
    return errors


def _labels() -> set[str]:
    return {config.label for config in apps.get_app_configs()}
