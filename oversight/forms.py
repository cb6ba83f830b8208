"""The auditor's search of the read log."""

from django import forms

from audit.reads import number_tokens
from shared import daterules
from shared.forms import JalaliDateField
from shared.persian import digits_to_ascii


class ReadSearchForm(forms.Form):
    user = forms.CharField(
        label="کاربر", required=False, max_length=150, help_text="نام کاربری یا بخشی از نام"
    )
    case = forms.CharField(label="شماره پرونده", required=False, max_length=32)
    since = JalaliDateField(label="از تاریخ", required=False)
    until = JalaliDateField(label="تا تاریخ", required=False)
    number = forms.CharField(
        label="شماره هویتی یا مدرک",
        required=False,
        max_length=40,
        help_text="جست‌وجوهایی که این شماره را داشته‌اند (شماره در سوابق چکیده‌شده است)",
    )

    def clean_case(self):
        return digits_to_ascii(self.cleaned_data["case"]).strip()

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        if number and not number_tokens(number):
            raise forms.ValidationError("شماره باید دست‌کم شش رقم پشت سر هم داشته باشد.")
        return number

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        refusal = daterules.not_before(until, since, "«تا تاریخ»", "«از تاریخ»")
        if refusal:
            self.add_error("until", refusal)
        return data
