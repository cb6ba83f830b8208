from django.urls import path, register_converter

from cases import views
from cases.choices import Agency
from shared.converters import CaseNumberConverter, SlugWordConverter

register_converter(CaseNumberConverter, "case_number")
register_converter(SlugWordConverter, "word")


class AgencyConverter(SlugWordConverter):
    regex = "|".join(Agency.values)


register_converter(AgencyConverter, "agency")

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.intake, name="intake"),
    path("<case_number:number>/", views.case_detail, name="detail"),
    path("<case_number:number>/actions/<word:name>/", views.case_action, name="action"),
    path("<case_number:number>/evidence/", views.evidence_upload, name="evidence_upload"),
    path(
        "<case_number:number>/evidence/<int:evidence_id>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path(
        "<case_number:number>/evidence/<int:evidence_id>/withdraw/",
        views.evidence_withdraw,
        name="evidence_withdraw",
    ),
    path(
        "<case_number:number>/inquiries/<agency:agency>/send/",
        views.inquiry_send,
        name="inquiry_send",
    ),
    path(
        "<case_number:number>/inquiries/<agency:agency>/reply/",
        views.inquiry_reply,
        name="inquiry_reply",
    ),
    path(
        "<case_number:number>/inquiries/<agency:agency>/reply/document/",
        views.inquiry_reply_download,
        name="inquiry_reply_download",
    ),
    path(
        "<case_number:number>/inquiries/<agency:agency>/reply/earlier/<int:version_id>/",
        views.inquiry_reply_version_download,
        name="inquiry_reply_version_download",
    ),
    path(
        "<case_number:number>/subjects/<int:person_id>/add/",
        views.subject_add,
        name="subject_add",
    ),
    path(
        "<case_number:number>/subjects/<int:person_id>/decision/",
        views.subject_decision,
        name="subject_decision",
    ),
    path(
        "<case_number:number>/households/<int:household_id>/head/",
        views.household_head,
        name="household_head",
    ),
]
