"""Background work about accounts: the notices a user gets about their own account."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail

from accounts.searches import searches_purge
from notices import services as notices


@shared_task
@notices.job
def notify_second_factor_enrolled(user_id: int) -> bool:
    """Tell a user that an authenticator app was enrolled for their account (if it was not
    them, someone has their password and their second factor: they call the IT admin)."""
    user = get_user_model().objects.get(pk=user_id)
    if not user.email:
        return False
    body = "\n".join(
        [
            f"برای حساب «{user.username}» ورود دومرحله‌ای با یک برنامه احراز هویت فعال شد.",
            "اگر این کار را خودتان نکرده‌اید، گذرواژه شما در دست دیگری است: همین حالا به "
            "مدیر فناوری اطلاعات خبر دهید تا آن دستگاه را حذف کند.",
            f"نشانی سامانه: {settings.SITE_URL}",
        ]
    )
    send_mail(
        "ورود دومرحله‌ای حساب شما فعال شد",
        body,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )
    return True


@shared_task
def purge_searches() -> int:
    """The saved searches past their lifetime, deleted (accounts.searches)."""
    return searches_purge()
