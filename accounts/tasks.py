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


# What a user is told when an administrator reset their sign-in (accounts.resets): {by} is the
# administrator's name.
RESET_NOTICES = {
    "password_reset": (
        "گذرواژه حساب شما از صفحه مدیریت تعیین شد",
        "مدیر فنی «{by}» گذرواژه حساب «{username}» را از صفحه مدیریت تعیین کرد. برای فعال کردن "
        "دوباره ورود دومرحله‌ای، کد فعال‌سازی را مدیر فنی دیگری حضوری به شما می‌دهد.",
    ),
    "totp_removed": (
        "دستگاه ورود دومرحله‌ای حساب شما حذف شد",
        "مدیر فنی «{by}» دستگاه ورود دومرحله‌ای حساب «{username}» را حذف کرد. برای فعال کردن "
        "دستگاه تازه، کد فعال‌سازی را مدیر فنی دیگری حضوری به شما می‌دهد.",
    ),
    "enrolment_code_issued": (
        "برای حساب شما کد فعال‌سازی ورود دومرحله‌ای صادر شد",
        "مدیر فنی «{by}» برای حساب «{username}» کد فعال‌سازی ورود دومرحله‌ای صادر کرد؛ این کد "
        "فقط حضوری به خود شما داده می‌شود.",
    ),
}


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_account_reset(user_id: int, what: str, details: dict) -> bool:
    """Tell a user that an administrator reset their sign-in (``what``: a key of RESET_NOTICES).
    If they did not ask for it, their account is being taken: they call the IT admin's head."""
    user = get_user_model().objects.get(pk=user_id)
    if not user.email:
        return False
    subject, text = RESET_NOTICES[what]
    body = "\n".join(
        [
            text.format(username=user.username, **details),
            "اگر خودتان چنین چیزی نخواسته‌اید، همین حالا به مسئول امنیت سامانه خبر دهید.",
            f"نشانی سامانه: {settings.SITE_URL}",
        ]
    )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return True


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_email_changed(user_id: int, old_address: str) -> bool:
    """Tell the address a user's account had that it was replaced: the notices of a reset would
    go elsewhere from now on."""
    user = get_user_model().objects.get(pk=user_id)
    body = "\n".join(
        [
            f"نشانی رایانامه حساب «{user.username}» در سامانه تغییر کرد و آگاهی‌های حساب از این پس "
            "به نشانی دیگری فرستاده می‌شود.",
            "اگر خودتان چنین چیزی نخواسته‌اید، همین حالا به مسئول امنیت سامانه خبر دهید.",
            f"نشانی سامانه: {settings.SITE_URL}",
        ]
    )
    send_mail("نشانی رایانامه حساب شما تغییر کرد", body, settings.DEFAULT_FROM_EMAIL, [old_address])
    return True


@shared_task
def purge_searches() -> int:
    """The saved searches past their lifetime, deleted (accounts.searches)."""
    return searches_purge()
