"""Reference data is edited here by the IT administrator."""

from django.contrib import admin

from reference.models import BorderPoint, DocumentType, OffenceType, Province, YearlyPolicy


def is_referenced(obj) -> bool:
    """Whether any row of any app points at ``obj`` (found through Django's relation registry, so
    this leaf app needs to import none of the apps that use its data)."""
    return any(
        relation.related_model._default_manager.filter(**{relation.field.name: obj}).exists()
        for relation in obj._meta.related_objects
        # The reverse side of a foreign key is one-to-many (a ForeignKey on the other model).
        if relation.one_to_many or relation.one_to_one
    )


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "slug")
    search_fields = ("name", "slug")


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "max_validity_days", "requires_series", "is_active")


@admin.register(BorderPoint)
class BorderPointAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "province", "neighbour", "nationalities", "is_active")
    list_filter = ("kind", "province", "is_active")


@admin.register(YearlyPolicy)
class YearlyPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "year",
        "reentry_ban_min_years",
        "leave_within_days",
        "objection_within_days",
        "objection_authority",
    )


@admin.register(OffenceType)
class OffenceTypeAdmin(admin.ModelAdmin):
    list_display = ("title", "code", "version_year")
    list_filter = ("version_year",)

    def get_readonly_fields(self, request, obj=None):
        # An entry a case was decided under is history: a new catalogue version replaces it.
        if obj is not None and is_referenced(obj):
            return ("version_year", "code", "title")
        return ()

    def has_delete_permission(self, request, obj=None):
        if obj is not None and is_referenced(obj):
            return False
        return super().has_delete_permission(request, obj)
