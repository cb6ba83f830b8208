"""The upper apps' parts of the case page and the work queue come from the registry (cases.panels),
in the declared order, and the start-up check refuses a panel whose app or template is not real."""

from cases import panels


def test_the_upper_apps_register_their_parts_in_the_order_of_the_work():
    assert [p.app for p in panels.CASE_PAGE] == ["committees", "najva", "enforcement", "letters"]
    assert [p.app for p in panels.WORK_QUEUE] == ["committees", "najva", "enforcement", "letters"]


def test_the_registered_panels_pass_the_start_up_check():
    assert panels.check_panels() == []


def test_the_start_up_check_refuses_an_unknown_app_a_missing_template_and_a_shared_order(
    monkeypatch,
):
    registry = list(panels.CASE_PAGE)
    monkeypatch.setattr(panels, "CASE_PAGE", registry)
    panels.register_case_panel(
        app="nowhere", template="nowhere/_part.html", context=lambda r, c: {}, order=10
    )
    ids = sorted({error.id for error in panels.check_panels()})
    assert ids == ["cases.E101", "cases.E102", "cases.E103"]


def test_the_cases_templates_load_no_upper_apps_tags():
    from pathlib import Path

    from django.conf import settings

    upper = {"committees", "najva", "enforcement", "letters"}
    for page in (Path(settings.BASE_DIR) / "templates" / "cases").glob("*.html"):
        for line in page.read_text().splitlines():
            if "{% load" in line:
                assert not upper & set(line.split()), f"{page.name}: {line}"


def test_no_page_compares_a_case_state_string():
    """A page asks the rule book (a boolean from its view or a panel), never compares a state."""
    import re
    from pathlib import Path

    from django.conf import settings

    from cases.choices import CaseState

    names = "|".join(state.value for state in CaseState)
    compared = re.compile(rf"state\s*(==|!=|in)\s*['\"]({names})['\"]")
    for page in (Path(settings.BASE_DIR) / "templates").rglob("*.html"):
        assert not compared.search(page.read_text()), page
