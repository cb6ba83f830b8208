from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from revocation.forms import BootstrapMixin


class LoginForm(BootstrapMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "نام کاربری یا گذرواژه نادرست است.",
        "inactive": "این حساب غیرفعال است.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "نام کاربری"
        self.fields["password"].label = "گذرواژه"
        self.fields["username"].widget.attrs["dir"] = "ltr"
        self.fields["password"].widget.attrs["dir"] = "ltr"


class PersianPasswordChangeForm(BootstrapMixin, PasswordChangeForm):
    pass
