"""Issue 21: the hostile upload corpus (tests/files.HOSTILE) refused by every upload field of the
project, not only the evidence form's: each with the Persian words saying why."""

import importlib
import inspect

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.files import HOSTILE, PDF_WITH_WEB_LINK

# (form module, form class, file field, keyword arguments of the form)
UPLOAD_FIELDS = [
    ("cases.forms", "EvidenceForm", "file", {}),
    ("cases.forms", "InquiryReplyForm", "reply_document", {}),
    ("najva.forms", "SignedFormScan", "scan", {}),
    ("committees.forms", "SignedScanForm", "scan", {}),
    ("enforcement.forms", "OutcomeForm", "proof", {}),
]


def form_with(module, name, field, extra, upload):
    form_class = getattr(importlib.import_module(module), name)
    return form_class(data={}, files={field: upload}, **extra)


def test_the_list_names_every_upload_field_of_the_project():
    found = set()
    for app in ("cases", "najva", "committees", "enforcement", "documents", "letters", "people"):
        try:
            module = importlib.import_module(f"{app}.forms")
        except ModuleNotFoundError:
            continue
        for name, form_class in inspect.getmembers(module, inspect.isclass):
            if issubclass(form_class, forms.BaseForm) and form_class.__module__ == module.__name__:
                for field_name, field in form_class.base_fields.items():
                    if isinstance(field, forms.FileField):
                        found.add((module.__name__, name, field_name))
    assert found == {(m, c, f) for m, c, f, _ in UPLOAD_FIELDS}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("module", "name", "field", "extra"),
    [pytest.param(*row, id=f"{row[1]}.{row[2]}") for row in UPLOAD_FIELDS],
)
@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [pytest.param(file, content, message, id=what) for what, file, content, message in HOSTILE],
)
def test_every_upload_field_refuses_the_hostile_corpus(
    module, name, field, extra, filename, content, message
):
    form = form_with(module, name, field, extra, SimpleUploadedFile(filename, content))
    assert not form.is_valid()
    assert message in " ".join(form.errors.get(field, [])), form.errors.get(field)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("module", "name", "field", "extra"),
    [pytest.param(*row, id=f"{row[1]}.{row[2]}") for row in UPLOAD_FIELDS],
)
def test_every_upload_field_takes_a_pdf_with_a_web_link(module, name, field, extra):
    form = form_with(module, name, field, extra, SimpleUploadedFile("a.pdf", PDF_WITH_WEB_LINK))
    form.is_valid()
    assert field not in form.errors
