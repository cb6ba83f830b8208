from django.urls import path, register_converter

from cases.choices import Agency
from cases.views import case, lists, records
from shared.converters import CaseNumberConverter, SlugWordConverter

register_converter(CaseNumberConverter, "case_number")
register_converter(SlugWordConverter, "word")


class AgencyConverter(SlugWordConverter):
    regex = "|".join(Agency.values)


register_converter(AgencyConverter, "agency")

app_name = "cases"

urlpatterns = [
    path("", lists.case_list, name="list"),
    path("<case_number:number>/", case.case_detail, name="detail"),
    path("<case_number:number>/actions/<word:name>/", case.case_action, name="action"),
    path("<case_number:number>/evidence/", records.evidence_upload, name="evidence_upload"),
    path(
        "<case_number:number>/evidence/<int:evidence_id>/",
        records.evidence_download,
        name="evidence_download",
    ),
    path(
        "<case_number:number>/evidence/<int:evidence_id>/withdraw/",
        records.evidence_withdraw,
        name="evidence_withdraw",
    ),
    path(
        "<case_number:number>/inquiries/<agency:agency>/send/",
        records.inquiry_send,
        name="inquiry_send",
    ),
    path(
        "<case_number:number>/inquiries/<agency:agency>/reply/",
        records.inquiry_reply,
        name="inquiry_reply",
    ),
    path(
        "<case_number:number>/inquiries/<agency:agency>/reply/document/",
        records.inquiry_reply_download,
        name="inquiry_reply_download",
    ),
    path(
        "<case_number:number>/inquiries/<agency:agency>/reply/earlier/<int:version_id>/",
        records.inquiry_reply_version_download,
        name="inquiry_reply_version_download",
    ),
    path(
        "<case_number:number>/subjects/<int:person_id>/add/",
        records.subject_add,
        name="subject_add",
    ),
    path(
        "<case_number:number>/subjects/<int:person_id>/decision/",
        records.subject_decision,
        name="subject_decision",
    ),
    path(
        "<case_number:number>/households/<int:household_id>/head/",
        records.household_head,
        name="household_head",
    ),
]
