"""Django's password validators with their messages in Persian, one word for password (گذرواژه).

Django's own Persian catalogue mixes «رمز عبور» and «گذرواژه» and leaves some of these messages in
English; the rules are Django's, only the words are ours.
"""

from django.contrib.auth import password_validation as django_validators
from django.core.exceptions import ValidationError

from shared.persian import digits_to_persian


class MinimumLengthValidator(django_validators.MinimumLengthValidator):
    def validate(self, password, user=None):
        if len(password) < self.min_length:
            least = digits_to_persian(self.min_length)
            raise ValidationError(
                f"این گذرواژه کوتاه است: دست‌کم {least} نویسه لازم است.",
                code="password_too_short",
            )

    def get_help_text(self):
        return f"گذرواژه دست‌کم {digits_to_persian(self.min_length)} نویسه باشد."


class UserAttributeSimilarityValidator(django_validators.UserAttributeSimilarityValidator):
    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError(
                "این گذرواژه به نام کاربری یا مشخصات شما بسیار شبیه است.",
                code="password_too_similar",
            ) from None

    def get_help_text(self):
        return "گذرواژه شبیه نام کاربری یا مشخصات شما نباشد."


class CommonPasswordValidator(django_validators.CommonPasswordValidator):
    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError(
                "این گذرواژه بسیار رایج است.", code="password_too_common"
            ) from None

    def get_help_text(self):
        return "گذرواژه از گذرواژه‌های رایج نباشد."


class NumericPasswordValidator(django_validators.NumericPasswordValidator):
    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError(
                "گذرواژه نمی‌تواند فقط از رقم باشد.", code="password_entirely_numeric"
            ) from None

    def get_help_text(self):
        return "گذرواژه فقط از رقم نباشد."
