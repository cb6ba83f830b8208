"""Form pieces every app uses: Bootstrap styling, no bidi control characters in any text, a length
for every free text, and Solar Hijri date fields."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from shared import daterules, persian
from shared.text import TEXT_MAX_CHARS
from shared.uploads import no_bidi_controls


class BootstrapMixin:
    """Give every widget the Bootstrap class it needs, and mark invalid fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            # Names, reasons, notes and numbers: no character that reorders what others read.
            # Not passwords: never shown to anyone, and a refusal there would answer a sign-in
            # before it is counted as a failure (docs/security.md, Sign-in).
            if (
                isinstance(field, forms.CharField)
                and not isinstance(widget, forms.PasswordInput)
                and no_bidi_controls not in field.validators
            ):
                field.validators.append(no_bidi_controls)
            # Free text with no length of its own (reasons, notes): at most TEXT_MAX_CHARS, as
            # the services check too (shared.text); what is written goes to the trail for good.
            if (
                isinstance(field, forms.CharField)
                and not isinstance(widget, forms.PasswordInput)
                and field.max_length is None
            ):
                field.max_length = TEXT_MAX_CHARS
                field.validators.append(MaxLengthValidator(TEXT_MAX_CHARS))
            # A browser silently cuts pasted text at maxlength; the server says so instead.
            widget.attrs.pop("maxlength", None)
            if getattr(field, "max_length", None):
                field.error_messages["max_length"] = (
                    f"این متن بیش از {persian.digits_to_persian(field.max_length)} نویسه است؛ "
                    "کوتاه‌ترش کنید."
                )

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def refusal_on_form(form, error: ValidationError) -> None:
    """Put a service's refusal on the form: on the field it names where the form has it, else
    above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# A date field's validator: not_in_future("تاریخ جلسه") (the rule and its sentence: daterules).
not_in_future = daterules.past_validator


class JalaliDateInput(forms.TextInput):
    """A text box for a Solar Hijri date; shows a stored date back as ۱۴۰۵/۰۹/۰۴."""

    def __init__(self, attrs=None):
        super().__init__(
            {"placeholder": "سال/ماه/روز، مثلاً ۱۴۰۳/۰۱/۱۵", "inputmode": "numeric", **(attrs or {})}
        )

    def format_value(self, value):
        if hasattr(value, "year"):
            return persian.jalali(value)
        return super().format_value(value)


class JalaliDateField(forms.Field):
    """A Solar Hijri date typed in Persian, Arabic-Indic or Latin digits; cleaned to a date."""

    widget = JalaliDateInput
    default_error_messages = {"required": "تاریخ را وارد کنید."}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if hasattr(value, "year"):
            return value
        try:
            return persian.parse_jalali_date(str(value))
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None


class IdentifierField(forms.CharField):
    """A number people type in any digits (document, household): cleaned to ASCII."""

    def to_python(self, value):
        return persian.normalize_identifier(super().to_python(value))
