"""The case URLs made without reverse() are the ones reverse() makes."""

from django.urls import reverse, set_script_prefix

from cases.links import case_url, step_url


def test_the_links_are_what_reverse_makes():
    for number in ["23-1405-00001", "00-1399-12345"]:
        assert case_url(number) == reverse("cases:detail", args=[number])
        assert case_url(number, "cases:evidence_upload") == reverse(
            "cases:evidence_upload", args=[number]
        )
        assert step_url(number, "start_review") == reverse(
            "cases:action", args=[number, "start_review"]
        )


def test_a_script_prefix_is_kept():
    set_script_prefix("/revocation/")
    try:
        assert case_url("23-1405-00001") == "/revocation/cases/23-1405-00001/"
    finally:
        set_script_prefix("/")


def test_switched_off_the_links_are_reversed(settings, monkeypatch):
    """FAST_LINKS off (bench/pages.py --compare links): reverse() for every link, the same URLs."""
    from shared import links

    monkeypatch.setattr(links, "_pattern", None)  # not reached when off
    settings.FAST_LINKS = False
    assert case_url("23-1405-00001") == reverse("cases:detail", args=["23-1405-00001"])
    assert step_url("23-1405-00001", "start_review") == reverse(
        "cases:action", args=["23-1405-00001", "start_review"]
    )
