"""What the bench scripts share: Django set up against ``DATABASE_URL``, and timing helpers.

The scripts are run as ``python bench/<name>.py`` from the repository root (or anywhere): they put
the repository on the path and use the project's settings, with DEBUG off as in production.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    """Configure Django from the environment; refuse to run on anything but PostgreSQL."""
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit(
            "bench: set DATABASE_URL to a PostgreSQL database kept for benchmarks, e.g.\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/revocation_bench"
        )
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revocation.settings")
    os.environ["DJANGO_DEBUG"] = "false"
    # Django's test client calls itself "testserver"; gunicorn is reached on 127.0.0.1.
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    # Notices are not what is measured: no mail leaves a benchmark.
    os.environ.setdefault("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
    import django

    django.setup()


def collect_static() -> None:
    """As a deployment does: with DEBUG off, pages name their static files from the manifest."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation, as numpy's default does."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def timed(fn, repeat: int) -> tuple[float, float, object]:
    """(median ms, p95 ms, last result) of ``repeat`` calls of ``fn``, after one warm-up call."""
    result = fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), percentile(times, 95), result


def timed_pair(first, second, repeat: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """((median, p95) of ``first``, (median, p95) of ``second``) in ms, the two called in turn
    ``repeat`` times after a warm-up of each: on a shared machine whose speed drifts within
    seconds, a ratio of the two is then measured over the same moments."""
    first(), second()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, out in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            fn()
            out.append((time.perf_counter() - start) * 1000)
    return tuple((statistics.median(t), percentile(t, 95)) for t in times)


def fmt_ms(value: float) -> str:
    return f"{value:,.1f} ms" if value < 100 else f"{value:,.0f} ms"


def signed_in_client(user):
    """A test client signed in as ``user``, past the second factor for the roles that need one
    (accounts.permissions.needs_second_factor), as a person is after typing their code."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.permissions import needs_second_factor

    client = Client()
    client.force_login(user)
    if needs_second_factor(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
