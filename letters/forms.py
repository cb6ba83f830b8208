"""Input of the letters' pages (validation only: the rules, dates included, are in
letters.services, which says each refusal in Persian on the field it is about)."""

from django import forms

from reference.models import Province
from shared.forms import BootstrapMixin, IdentifierField, JalaliDateField


class DispatchForm(BootstrapMixin, forms.Form):
    tracking_number = IdentifierField(
        label="شماره پیگیری پستی (بارکد مرسوله)",
        max_length=40,
        error_messages={"required": "شماره پیگیری پستی را وارد کنید."},
    )
    sent_on = JalaliDateField(
        label="تاریخ ارسال", error_messages={"required": "تاریخ ارسال را وارد کنید."}
    )


class DeliveryForm(BootstrapMixin, forms.Form):
    delivered_on = JalaliDateField(
        label="تاریخ تحویل", error_messages={"required": "تاریخ تحویل را وارد کنید."}
    )
    received_by = forms.CharField(
        label="تحویل‌گیرنده (نام و نسبت، چنان‌که در رسید پست آمده)",
        max_length=200,
        error_messages={"required": "نام تحویل‌گیرنده را بنویسید."},
    )


class ReturnForm(BootstrapMixin, forms.Form):
    returned_on = JalaliDateField(
        label="تاریخ برگشت", error_messages={"required": "تاریخ برگشت را وارد کنید."}
    )
    reason = forms.CharField(
        label="علت برگشت (چنان‌که پست نوشته است)",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "علت برگشت را بنویسید."},
    )


class RegisterDayForm(BootstrapMixin, forms.Form):
    """Which day of the dispatch register (and, for the national roles, which province)."""

    on = JalaliDateField(label="تاریخ ارسال", required=False)
    province = forms.ModelChoiceField(
        label="استان",
        queryset=Province.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label="همه استان‌ها",
    )

    def __init__(self, *args, national: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not national:
            del self.fields["province"]
