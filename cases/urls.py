from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.intake, name="intake"),
    path("households/new/", views.household_new, name="household_new"),
    path(
        "households/<int:household_id>/members/new/",
        views.household_member_new,
        name="household_member_new",
    ),
    path("<str:number>/", views.case_detail, name="detail"),
    path("<str:number>/actions/<str:name>/", views.case_action, name="action"),
    path("<str:number>/evidence/", views.evidence_upload, name="evidence_upload"),
    path(
        "<str:number>/evidence/<int:evidence_id>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path("<str:number>/inquiries/<str:agency>/send/", views.inquiry_send, name="inquiry_send"),
    path("<str:number>/inquiries/<str:agency>/reply/", views.inquiry_reply, name="inquiry_reply"),
    path(
        "<str:number>/inquiries/<str:agency>/reply/document/",
        views.inquiry_reply_download,
        name="inquiry_reply_download",
    ),
    path(
        "<str:number>/subjects/<int:person_id>/decision/",
        views.subject_decision,
        name="subject_decision",
    ),
    path(
        "<str:number>/households/<int:household_id>/head/",
        views.household_head,
        name="household_head",
    ),
]
