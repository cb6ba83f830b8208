"""Reference data is edited here by the IT administrator: each add, change and delete is an event
of the audit trail, field by field (audit.admin_changes.RecordedAdmin); a row in use is not
deleted, and no delete page lists what points at it (identity documents, orders...)."""

from django.contrib import admin

from audit.admin_changes import RecordedAdmin
from reference.models import BorderPoint, DocumentType, OffenceType, Province, YearlyPolicy


@admin.register(Province)
class ProvinceAdmin(RecordedAdmin):
    list_display = ("name", "code", "slug")
    search_fields = ("name", "slug")


@admin.register(DocumentType)
class DocumentTypeAdmin(RecordedAdmin):
    list_display = ("name", "code", "max_validity_days", "requires_series", "is_active")


@admin.register(BorderPoint)
class BorderPointAdmin(RecordedAdmin):
    list_display = ("name", "kind", "province", "neighbour", "nationalities", "is_active")
    list_filter = ("kind", "province", "is_active")


@admin.register(YearlyPolicy)
class YearlyPolicyAdmin(RecordedAdmin):
    list_display = (
        "year",
        "reentry_ban_min_years",
        "leave_within_days",
        "objection_within_days",
        "objection_authority",
    )


@admin.register(OffenceType)
class OffenceTypeAdmin(RecordedAdmin):
    list_display = ("title", "code", "version_year")
    list_filter = ("version_year",)

    def get_readonly_fields(self, request, obj=None):
        # An entry a case was decided under is history: a new catalogue version replaces it.
        if obj is not None and self.in_use(obj):
            return ("version_year", "code", "title")
        return ()
