"""Admin: each province's working group, its members and its quorum (no session or case data:
the IT administrator sees none; sessions are recorded on their own pages). Each edit is an event of
the audit trail (audit.admin_changes)."""

from django.contrib import admin

from audit.admin_changes import RecordedAdmin
from committees.models import Member, WorkingGroup


class MemberInline(admin.TabularInline):
    model = Member
    extra = 1
    fields = ["order", "full_name", "position", "agency", "role", "active"]


@admin.register(WorkingGroup)
class WorkingGroupAdmin(RecordedAdmin):
    # Quorum and members decide resolutions: each change, and each member added, renamed or
    # deactivated, is an audit event with the old and the new value.
    list_display = ["__str__", "quorum", "member_count"]
    list_select_related = ["province"]
    fields = ["kind", "province", "quorum"]
    readonly_fields = ["kind", "province"]
    inlines = [MemberInline]

    @admin.display(description="شمار اعضای فعلی")
    def member_count(self, group):
        return group.members.filter(active=True).count()

    def has_add_permission(self, request):
        return False  # one per province, made by the migration and on first use

    def has_delete_permission(self, request, obj=None):
        return False
