"""The IT administrator's half of a role grant: proposing it (accounts.grants.propose). The other
half, the approval, is in the app, by a holder of the approving role (accounts.views). Proposals
are never changed or deleted here: the list shows each one and what became of it."""

from django import forms
from django.contrib import admin

from accounts import grants, permissions
from accounts.models import RoleGrant, User


class ProposalForm(forms.ModelForm):
    class Meta:
        model = RoleGrant
        fields = ("user", "role", "province", "reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "user" in self.fields:
            # An account that was ever staff holds no case role: not offered at all.
            self.fields["user"].queryset = User.objects.filter(
                permissions.MAY_HOLD_CASE_ROLES
            ).order_by("username")

    def clean(self):
        cleaned = super().clean()
        user, role = cleaned.get("user"), cleaned.get("role")
        if user is not None and role:
            grants.check_proposal(user=user, role=role, province=cleaned.get("province"))
        return cleaned


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    form = ProposalForm
    list_display = ("user", "role", "province", "outcome", "proposed_by", "proposed_at")
    list_filter = ("outcome", "role", "province")
    fields = ("user", "role", "province", "reason")
    readonly_fields = ()

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (
            "user",
            "role",
            "province",
            "reason",
            "proposed_by",
            "proposed_at",
            "outcome",
            "decided_by",
            "decided_at",
            "decision_note",
        )

    def get_fields(self, request, obj=None):
        return self.fields if obj is None else self.get_readonly_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The form checked the proposal; the service checks it again under a lock and records it.
        saved = grants.propose(
            by=request.user, user=obj.user, role=obj.role, province=obj.province, reason=obj.reason
        )
        obj.pk = saved.pk
