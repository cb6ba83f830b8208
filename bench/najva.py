"""The Najva outbox through an outage: N cancellations while Najva is down, Najva back after D
seconds, and the time the outbox takes to drain.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/revocation_bench \\
        .venv/bin/python bench/najva.py [--cancellations 1000] [--down 60] [--workers 4]

It works in a database of its own, ``<name of DATABASE_URL>_najva``, dropped and made again each
run (its cases cannot be taken back: the audit trail is append-only). It makes N cases of Tehran,
each a household of one or two persons, walked to national confirmation through the services.
The stub Najva (najva/tests/stub.py, a real HTTP server on 127.0.0.1) is down while the registry
operator cancels them all, through the step service, each delivery task running on commit.
``--workers`` threads then play the Celery workers running the beat's sweep, each with its own
database connection, claiming rows with SKIP LOCKED. After ``--down`` seconds the stub comes up.

Printed: cancellations per second, attempts made during the outage, the time from Najva's return
until the last registration is delivered, and the checks: every cancelled document has exactly one
row (0 lost), the stub registered each document once (0 duplicates), every case reached «کارت
باطل و در نجوا ثبت شد». The last line says ``targets met`` or what was missed; exit status 1 then.

The backoff here is the production rule with a 2 s base and a 15 s cap (30 s and an hour in
production), so that the run stays short; the drain time includes waiting for the due attempts.
"""

import argparse
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cancellations", type=int, default=1000)
    parser.add_argument("--down", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        setup_django()  # says what to set
    own = url.rsplit("/", 1)[0] + "/" + url.rsplit("/", 1)[1].split("?")[0] + "_najva"
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import reset_database

    reset_database(own)
    os.environ["DATABASE_URL"] = own
    os.environ.pop("REDIS_URL", None)  # tasks run in this process: the threads are the workers
    setup_django()
    sys.exit(run(args))


def run(args) -> int:
    import tempfile

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tempfile.mkdtemp(prefix="najva-bench-"), "base_url": None},
        },
    }
    from cases import services as case_services
    from cases.choices import CaseState, Step
    from cases.models import Case
    from najva import services
    from najva.models import Registration
    from najva.tests.stub import StubNajva
    from people.tests import factories
    from revocation.celery import app
    from revocation.demo.walk import STEPS_TO, Actors, attach_required_evidence, walk
    from revocation.management.commands.seed_demo import Command as SeedDemo

    app.conf.task_always_eager = True
    seeder = SeedDemo()
    seeder.users = users = seeder._users()
    seeder._offence_catalogues()
    actors = Actors(
        expert=users["expert_teh"],
        secretary=users["secretary_teh"],
        supervisor=users["supervisor_teh"],
        national=users["national_secretariat"],
        registry=users["najva_operator"],
        enforcement=users["enforcement_teh"],
    )

    started = time.perf_counter()
    cases = []
    for index in range(args.cancellations):
        people = factories.household_with_members(1 + index % 2, province=actors.expert.province)
        case = case_services.case_open(
            by=actors.expert,
            source_type="judicial_ruling",
            source_reference=f"NJB/{index}",
            source_date=factories.days_ago(10),
            subjects=people,
        )
        attach_required_evidence(case, actors.expert)
        cases.append(walk(case, STEPS_TO[CaseState.CONFIRMED_NATIONALLY], actors))
    print(f"{len(cases):,} cases walked to national confirmation in "
          f"{time.perf_counter() - started:,.0f} s")  # fmt: skip

    stub = StubNajva()  # its port is kept; nothing listens on it yet: Najva is down
    settings.NAJVA_BACKEND = "http"
    settings.NAJVA_URL = stub.url
    settings.NAJVA_TOKEN = stub.token
    settings.NAJVA_CONNECT_TIMEOUT = 2
    settings.NAJVA_READ_TIMEOUT = 5
    settings.NAJVA_LEASE_MARGIN_SECONDS = 5
    settings.NAJVA_BACKOFF_SECONDS = 2
    settings.NAJVA_BACKOFF_MAX_SECONDS = 15
    settings.NAJVA_MAX_ATTEMPTS = 1000  # an outage of a minute parks nothing

    down_at = time.perf_counter()
    for case in cases:
        case_services.case_take_step(case=case, by=actors.registry, step=Step.CANCEL_CARD)
    cancelling = time.perf_counter() - down_at
    expected = sum(case.subjects.count() for case in cases)
    print(f"{len(cases):,} cancellations ({expected:,} documents) in {cancelling:,.1f} s: "
          f"{len(cases) / cancelling:,.0f} per second, each delivery tried on commit")  # fmt: skip

    stop = threading.Event()
    tried = [0] * args.workers

    def worker(index: int) -> None:
        try:
            while not stop.is_set():
                count = services.deliver_due(limit=50)
                tried[index] += count
                if not count:
                    time.sleep(0.2)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.workers)]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, args.down - (time.perf_counter() - down_at)))
    during = sum(tried)
    from django.db.models import Max

    from shared import clock

    stub.start()
    up_at = time.perf_counter()
    # When the last attempt falls due (its backoff), seen from Najva's return.
    last_due = Registration.objects.aggregate(at=Max("next_attempt_at"))["at"]
    last_due = max(0.0, (last_due - clock.now()).total_seconds())
    delivered = 0
    first = None
    deadline = up_at + 600
    while time.perf_counter() < deadline:
        delivered = Registration.objects.filter(status="delivered").count()
        if delivered and first is None:
            first = time.perf_counter() - up_at
        if delivered >= expected:
            break
        time.sleep(0.1)
    drained = time.perf_counter() - up_at
    stop.set()
    for thread in threads:
        thread.join()
    stub.stop()

    rows = Registration.objects.count()
    keys = Registration.objects.values("idempotency_key").distinct().count()
    lost = expected - rows
    not_done = rows - delivered
    duplicates = stub.duplicates() + (stub.total_registrations() - keys)
    cancelled = Case.objects.filter(state=CaseState.CARD_CANCELLED).count()
    print(f"Najva down for {args.down:,.0f} s: {during + expected:,} attempts failed meanwhile "
          f"({expected:,} on commit, {during:,} by the {args.workers} workers' sweeps)")  # fmt: skip
    print(f"outbox drained {drained:,.1f} s after Najva came back ({expected:,} registrations): "
          f"the first delivered after {first or 0:,.1f} s; the last attempt fell due after "
          f"{last_due:,.1f} s (backoff, capped at {settings.NAJVA_BACKOFF_MAX_SECONDS:,.0f} s "
          f"here), so {drained - last_due:,.1f} s were spent delivering after it")  # fmt: skip
    print(f"lost: {lost}; not delivered: {not_done}; duplicates at Najva: {duplicates}; "
          f"stub registrations: {stub.total_registrations():,}; calls: {sum(stub.calls.values()):,}; "
          f"cases «{CaseState.CARD_CANCELLED.label}»: {cancelled:,} of {len(cases):,}")  # fmt: skip
    missed = []
    if lost:
        missed.append(f"{lost} registrations lost")
    if not_done:
        missed.append(f"{not_done} not delivered within 600 s")
    if duplicates:
        missed.append(f"{duplicates} duplicates")
    if cancelled != len(cases):
        missed.append(f"{len(cases) - cancelled} cases not cancelled and registered")
    print("targets met" if not missed else "targets missed: " + "; ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    main()
