from django.contrib import admin
from django.utils.html import format_html_join

from audit.models import Event
from audit.presentation import changes_of


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-only for the IT administrator: account events only. Case and register events name
    foreign nationals; the IT administrator sees none of them."""

    list_display = ("at", "label", "actor_name", "actor_roles", "account")
    fields = (
        "at",
        "kind_label",
        "label",
        "account",
        "actor_name",
        "actor_roles",
        "reason",
        "what_changed",
    )
    readonly_fields = fields

    @admin.display(description="نوع")
    def kind_label(self, event):
        return event.kind_label

    @admin.display(description="تغییرات")
    def what_changed(self, event):
        return format_html_join(
            "",
            "<div>{}: {} ← {}</div>",
            ((c["label"], c["old"], c["new"]) for c in changes_of(event)),
        )

    def get_queryset(self, request):
        return super().get_queryset(request).filter(case_id__isnull=True, household_id__isnull=True)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
