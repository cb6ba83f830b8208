"""The intake form: the case's source and the household members it names."""

from django import forms
from django.db import models

from cases.choices import SourceType
from cases.selectors.intake import subjects_unavailable
from shared.forms import BootstrapMixin, JalaliDateField, not_in_future


class IntakeForm(BootstrapMixin, forms.Form):
    source_type = forms.ChoiceField(
        label="منشأ پرونده",
        choices=[("", "منشأ را انتخاب کنید")] + SourceType.choices,
        error_messages={"required": "منشأ پرونده را انتخاب کنید."},
    )
    source_reference = forms.CharField(label="شماره مرجع (نامه، حکم یا گزارش)", max_length=64)
    source_date = JalaliDateField(label="تاریخ مرجع", validators=[not_in_future("تاریخ مرجع منشأ")])
    summary = forms.CharField(
        label="خلاصه موضوع", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    subjects = forms.ModelMultipleChoiceField(
        label="اشخاص موضوع پرونده",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "دست‌کم یک شخص موضوع پرونده را انتخاب کنید."},
    )

    def __init__(self, *args, household, only=None, **kwargs):
        """``only``: the one person of another province's household the expert may name (the
        one whose document number they typed); the other members are not shown."""
        super().__init__(*args, **kwargs)
        if "confirm_open_cases" in self.data:
            self.ask_confirmation()
        members = list(household.members.order_by("pk"))
        if only is not None:
            members = [p for p in members if p.pk == only.pk]
        unavailable = subjects_unavailable(members)
        # Head first, then the others as registered.
        self.fields["subjects"].queryset = (
            household.members.filter(pk__in=[p.pk for p in members])
            .exclude(pk__in=unavailable)
            .order_by(models.Case(models.When(pk=household.head_id, then=0), default=1), "pk")
        )
        self.fields["subjects"].label_from_instance = lambda p: (
            # Another province's person: their name only, nothing of their household.
            p.full_name
            if only is not None
            else f"{p.full_name} فرزند {p.father_name} ({p.relation_label})"
        )
        if unavailable:
            names = {p.pk: p.full_name for p in members}
            self.fields["subjects"].help_text = "قابل انتخاب نیست: " + "؛ ".join(
                f"{names[pk]} ({reason})" for pk, reason in unavailable.items()
            )

    def ask_confirmation(self) -> None:
        """The second step when a subject is named on an open case: a box the expert ticks to
        open the case all the same (cases.services.OpenCasesElsewhere)."""
        if "confirm_open_cases" not in self.fields:
            self.fields["confirm_open_cases"] = forms.BooleanField(
                label="پرونده باز را دیدم؛ این پرونده هم ثبت شود "
                "(سرپرستان هر دو استان با رایانامه آگاه می‌شوند).",
                required=False,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
