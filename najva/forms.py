"""Input of the Najva pages (validation only: the rules are in najva.services)."""

from django import forms

from shared.forms import BootstrapMixin
from shared.uploads import validate_upload


class ManualRecordForm(BootstrapMixin, forms.Form):
    tracking_number = forms.CharField(
        label="شماره پیگیری نجوا",
        max_length=64,
        error_messages={"required": "شماره پیگیری نجوا را وارد کنید."},
    )
    reason = forms.CharField(
        label="چگونه و چرا به روش دیگر ثبت شد",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": "دلیل ثبت به روش دیگر را بنویسید."},
    )


class SignedFormScan(BootstrapMixin, forms.Form):
    scan = forms.FileField(
        label="تصویر فرم امضاشده (PDF، JPEG یا PNG)",
        error_messages={"required": "فایل فرم امضاشده را انتخاب کنید."},
    )

    def clean_scan(self):
        upload = self.cleaned_data["scan"]
        self.content_type = validate_upload(upload)
        return upload
