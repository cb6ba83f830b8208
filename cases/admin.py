"""Admin: reference data is edited here; case data is read-only (only services change it)."""

from django.contrib import admin

from cases import models


@admin.register(models.Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "slug")
    search_fields = ("name", "slug")


@admin.register(models.DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "is_active")


@admin.register(models.BorderPoint)
class BorderPointAdmin(admin.ModelAdmin):
    list_display = ("name", "province", "is_active")
    list_filter = ("province",)


@admin.register(models.OffenceType)
class OffenceTypeAdmin(admin.ModelAdmin):
    list_display = ("title", "code", "version_year")
    list_filter = ("version_year",)

    def get_readonly_fields(self, request, obj=None):
        # An entry a case was decided under is history: a new catalogue version replaces it.
        if obj is not None and models.Case.objects.filter(offence_type=obj).exists():
            return ("version_year", "code", "title")
        return ()

    def has_delete_permission(self, request, obj=None):
        if obj is not None and models.Case.objects.filter(offence_type=obj).exists():
            return False
        return super().has_delete_permission(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedCaseDataAdmin(ReadOnlyAdmin):
    """Case data, read-only, limited to the cases the staff user may see like anywhere else."""

    case_path = "case"

    def get_queryset(self, request):
        visible = models.Case.objects.for_user(request.user)
        queryset = super().get_queryset(request)
        if self.model is models.Case:
            return queryset.filter(pk__in=visible.values("pk"))
        return queryset.filter(**{f"{self.case_path}__in": visible})


class CaseEventInline(admin.TabularInline):
    model = models.CaseEvent
    fields = ("at", "actor", "action", "from_state", "to_state", "reason", "changes")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.Case)
class CaseAdmin(ScopedCaseDataAdmin):
    list_display = ("number", "province", "state", "source_type", "opened_at", "closed_at")
    list_filter = ("state", "province", "source_type")
    search_fields = ("number",)
    inlines = [CaseEventInline]


@admin.register(models.CaseEvent)
class CaseEventAdmin(ScopedCaseDataAdmin):
    list_display = ("case", "at", "actor", "action", "from_state", "to_state")
    list_filter = ("action",)


@admin.register(models.CaseSubject)
class CaseSubjectAdmin(ScopedCaseDataAdmin):
    list_display = ("case", "person", "decision")


@admin.register(models.Evidence)
class EvidenceAdmin(ScopedCaseDataAdmin):
    list_display = ("case", "evidence_type", "size", "uploaded_by", "uploaded_at")
    exclude = ("file",)  # files are served only through the case's permission-checked view


@admin.register(models.Inquiry)
class InquiryAdmin(ScopedCaseDataAdmin):
    list_display = ("case", "agency", "letter_number", "sent_on", "replied_on", "outcome")
    exclude = ("reply_document",)


@admin.register(models.Person)
class PersonAdmin(ScopedCaseDataAdmin):
    case_path = "case_subjects__case"
    list_display = ("first_name", "last_name", "father_name", "nationality", "household")
    exclude = ("search_key",)

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()


@admin.register(models.Household)
class HouseholdAdmin(ScopedCaseDataAdmin):
    case_path = "members__case_subjects__case"
    list_display = ("number", "head")

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()


@admin.register(models.IdentityDocument)
class IdentityDocumentAdmin(ScopedCaseDataAdmin):
    case_path = "person__case_subjects__case"
    list_display = ("document_type", "number", "person", "status", "expires_on")
    list_filter = ("document_type", "status")

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()
