"""The Python widget rendering writes what Django's templates write, for the project's forms."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.forms.renderers import DjangoTemplates

from cases.forms import CaseSearchForm
from shared.renderers import FastRenderer


def same_html(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


def rendered(form_class, renderer, *args, **kwargs):
    form = form_class(*args, renderer=renderer, **kwargs)
    if form.is_bound:
        form.is_valid()  # marks the invalid fields, as a page with errors shows them
    return {name: same_html(str(form[name])) for name in form.fields}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        None,
        {"q": 'علی "کریمی" <b>', "state": "received", "opened_from": "۱۴۰۵/۰۹/۰۴"},
        {"q": "x" * 200, "state": "nonsense", "opened_from": "1405/13/40"},
    ],
)
def test_the_fast_renderer_writes_what_django_writes(data):
    get_user_model().objects.create(username="expert", first_name="مریم", last_name="<احمدی>")
    experts = get_user_model().objects.all()
    args = (data,) if data is not None else ()
    fast = rendered(CaseSearchForm, FastRenderer(), *args, experts=experts)
    django = rendered(CaseSearchForm, DjangoTemplates(), *args, experts=experts)
    assert fast == django
    assert fast["q"].startswith("<input") and fast["state"].startswith("<select")
    if data and data["q"].startswith("علی"):
        assert "&quot;کریمی&quot; &lt;b&gt;" in fast["q"]  # escaped, as Django escapes it
        assert '<option value="received" selected>' in fast["state"]
        assert "&lt;احمدی&gt;" in fast["assigned_expert"]


@pytest.mark.django_db
def test_switched_off_every_widget_goes_through_djangos_templates(settings, monkeypatch):
    """FAST_RENDERER off (bench/pages.py --compare renderer): nothing is written in Python."""
    import shared.renderers as renderers

    def refused(widget):
        raise AssertionError("written in Python with FAST_RENDERER off")

    monkeypatch.setattr(renderers, "_input", refused)
    monkeypatch.setattr(renderers, "_select", refused)
    settings.FAST_RENDERER = False
    experts = get_user_model().objects.all()
    off = rendered(CaseSearchForm, FastRenderer(), experts=experts)
    assert off == rendered(CaseSearchForm, DjangoTemplates(), experts=experts)
