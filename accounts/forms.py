from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.validators import MaxLengthValidator

from shared import persian
from shared.forms import BootstrapMixin


class LoginForm(BootstrapMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "نام کاربری یا گذرواژه نادرست است.",
        "inactive": "این حساب غیرفعال است.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "نام کاربری"
        # AuthenticationForm sets max_length after the field is made, so nothing checks it: a
        # longer name reached authenticate() and axes' table (a 500 past 255 characters on
        # PostgreSQL). No account has such a name: a form error, not a counted failure.
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))
        self.fields["password"].label = "گذرواژه"
        self.fields["username"].widget.attrs["dir"] = "ltr"
        self.fields["password"].widget.attrs["dir"] = "ltr"


NEW_PASSWORD_FIELD = "new_password1"  # noqa: S105 - a field name, not a password


class PersianPasswordChangeForm(BootstrapMixin, PasswordChangeForm):
    error_messages = {
        "password_incorrect": "گذرواژه کنونی را نادرست وارد کرده‌اید.",
        "password_mismatch": "دو گذرواژه جدید یکسان نیستند.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "گذرواژه کنونی"
        self.fields["new_password1"].label = "گذرواژه جدید"
        self.fields["new_password2"].label = "تکرار گذرواژه جدید"
        self.fields["new_password2"].help_text = ""

    def validate_password_for_user(self, user, *args, **kwargs):
        # What is wrong with the new password is shown under it, not under its repetition.
        super().validate_password_for_user(user, NEW_PASSWORD_FIELD)


class CodeForm(BootstrapMixin, forms.Form):
    """The six digits of an authenticator app, typed in any script, with or without spaces."""

    code = forms.CharField(label="کد شش‌رقمی", max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        attrs = self.fields["code"].widget.attrs
        attrs.update(
            {
                "dir": "ltr",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "autofocus": True,
            }
        )

    def clean_code(self):
        code = "".join(persian.digits_to_ascii(self.cleaned_data["code"]).split())
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise forms.ValidationError("کد شش رقم است؛ آن را از برنامه احراز هویت بخوانید.")
        return code


class EnrolmentForm(CodeForm):
    """The enrolment after an administrator's reset: the one-time enrolment code a second
    administrator handed over (accounts.resets), then the app's first code."""

    enrolment_code = forms.CharField(
        label="کد فعال‌سازی (از مدیر فنی، حضوری)", max_length=40, required=False
    )
    field_order = ["enrolment_code", "code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolment_code"].widget.attrs.update({"dir": "ltr", "autocomplete": "off"})


class GrantDecisionForm(BootstrapMixin, forms.Form):
    """The approver's answer to a proposed role grant (accounts.grants)."""

    APPROVE, REFUSE = "approve", "refuse"
    decision = forms.ChoiceField(
        label="تصمیم",
        choices=[(APPROVE, "تأیید و اعطای نقش"), (REFUSE, "رد پیشنهاد")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="توضیح",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="برای رد پیشنهاد، دلیل را بنویسید.",
    )
    confirm = forms.BooleanField(
        label="این کاربر و نقش را می‌شناسم و درستی این دسترسی را تأیید می‌کنم.",
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision == self.REFUSE and not (cleaned.get("note") or "").strip():
            self.add_error("note", "دلیل رد پیشنهاد را بنویسید.")
        if decision == self.APPROVE and not cleaned.get("confirm"):
            self.add_error("confirm", "برای تأیید، این گزینه را علامت بزنید.")
        return cleaned
