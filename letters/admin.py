"""The agencies the decision letters go to are edited here by the IT administrator (their names
and postal addresses). Letters and postings are case data: read and written on the case pages."""

from django.contrib import admin

from audit.admin_changes import RecordedAdmin
from letters.models import AgencyOffice


@admin.register(AgencyOffice)
class AgencyOfficeAdmin(RecordedAdmin):
    list_display = ("name", "province", "kind", "postal_code", "has_address")
    list_filter = ("kind", "province")
    search_fields = ("name", "province__name")
    fields = ("province", "kind", "name", "postal_address", "postal_code")

    @admin.display(boolean=True, description="نشانی ثبت شده")
    def has_address(self, obj):
        return bool(obj.postal_address.strip())

    def get_readonly_fields(self, request, obj=None):
        # Which office of which province a row is stays as seeded; its name and address change.
        return ("province", "kind") if obj else ()

    def has_delete_permission(self, request, obj=None):
        return False
