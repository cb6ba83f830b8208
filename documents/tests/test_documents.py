"""The printed documents' registry and pages: every kind registered once, the QR codes already on
paper still lead to their verification page, and an unknown kind is not found."""

import pytest
from django.apps import apps

from shared import printing


def test_every_printed_model_is_a_registered_kind():
    printed = {model for model in apps.get_models() if issubclass(model, printing.PrintedDocument)}
    kinds = printing.kinds()
    assert {kind.model for kind in kinds.values()} == printed
    assert set(kinds) == {"cancellation-form", "expulsion-order", "letter", "minutes"}
    for slug, kind in kinds.items():
        assert kind.model.printed_kind == slug
        # A kind with a QR code has a page to verify it; the minutes carry none.
        verifiable = issubclass(kind.model, printing.Verifiable)
        assert (kind.visible_to is not None) == verifiable, slug
        assert bool(kind.verify_template) == verifiable, slug


def test_a_kind_registered_twice_is_refused():
    kind = printing.kind_of("letter")
    other = printing.PrintedKind(
        slug="letter", model=kind.model, label="x", document_for=len, download=len
    )
    with pytest.raises(printing.ImproperlyConfigured):
        printing.register(other)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("old", "kind"),
    [
        ("/najva/verify/", "cancellation-form"),
        ("/enforcement/verify/", "expulsion-order"),
        ("/letters/verify/", "letter"),
    ],
)
def test_the_qr_codes_already_printed_still_lead_to_the_verification_page(client, old, kind):
    response = client.get(f"{old}Ab-c_12/?h=00ff")
    assert response.status_code == 302
    assert response["Location"] == f"/documents/{kind}/Ab-c_12/verify/?h=00ff"


@pytest.mark.django_db
def test_an_unknown_kind_and_the_minutes_have_nothing_to_verify(client, users):
    client.force_login(users["supervisor_a"])
    assert client.get("/documents/passport/abc/verify/?h=00").status_code == 404
    assert client.get("/documents/passport/1/download/").status_code == 404
    assert client.get("/documents/minutes/abc/verify/?h=00").status_code == 404
