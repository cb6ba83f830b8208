from django.contrib import admin

from audit.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-only for the IT administrator: account events only (case events belong to the cases,
    which an IT administrator does not see)."""

    list_display = ("at", "label", "actor_name", "actor_roles", "account")
    fields = (
        "at",
        "kind",
        "label",
        "account",
        "actor_name",
        "actor_roles",
        "reason",
        "changes",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).filter(case__isnull=True)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
