"""The benchmark data set: a national register and its cases, written with COPY.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/revocation_bench \\
        .venv/bin/python bench/generate.py --persons 1000000 --reset

At ``--persons N``: N persons in about N/4 households over the 31 provinces, one identity document
each, and N/10 cases in every state (a tenth of them in Tehran) with their subjects, audit events,
inquiries and evidence rows. One person in five is stored with a spelling people type: Arabic yeh or
kaf, a compound split or joined, a ZWNJ as a space or dropped, a hamza written or not. The generator
records, in the table ``bench_manifest``, names of case subjects typed in another spelling than the
stored one (and with a typo), so that ``bench/pages.py`` can measure the search's recall.

The users are the demo users (``seed_demo``) and one expert, secretary, supervisor and enforcement
liaison per province. ``--reset`` drops and recreates the database first: point DATABASE_URL at a
database kept for benchmarks. Rows are generated in Python from a fixed seed and streamed to COPY in
chunks, so 10,000,000 persons need no more memory than the cases' subjects.
"""

import argparse
import bisect
import datetime
import io
import json
import random
import sys
import time
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import setup_django

ZWNJ = "\u200c"

MALE = [
    "محمد",
    "علی",
    "احمد",
    "حسین",
    "رضا",
    "عبدالله",
    "عبدالرحیم",
    "غلامحسین",
    "نورالله",
    "محمدعلی",
    "علیرضا",
    "اسماعیل",
    "ابراهیم",
    "یوسف",
    "یعقوب",
    "کریم",
    "رحیم",
    "جواد",
    "مصطفی",
    "مرتضی",
    "حمید",
    "سید" + ZWNJ + "محمود",
    "بشیر",
    "نذیر",
    "قدرت" + ZWNJ + "الله",
    "رئوف",
    "مؤمن",
    "عبدالکریم",
    "ذبیح" + ZWNJ + "الله",
    "شیرآقا",
    "گل" + ZWNJ + "محمد",
    "کاظم",
    "باقر",
    "صادق",
    "یاسین",
    "زکریا",
    "ادریس",
    "فرید",
    "نصیر",
    "وکیل",
]
FEMALE = [
    "فاطمه",
    "زهرا",
    "مریم",
    "معصومه",
    "آمنه",
    "فائزه",
    "رؤیا",
    "زینب",
    "کبری",
    "صغری",
    "بی" + ZWNJ + "بی" + ZWNJ + "گل",
    "گل" + ZWNJ + "افروز",
    "لیلا",
    "نرگس",
    "شکیبا",
    "ملیکا",
    "سکینه",
    "خدیجه",
    "رقیه",
    "کلثوم",
    "ملالی",
    "شیرین",
    "پروین",
    "نسرین",
    "عائشه",
    "فریبا",
    "ژیلا",
    "هاجر",
    "کوثر",
]
LAST_COMMON = [
    "احمدی",
    "محمدی",
    "حسینی",
    "رضایی",
    "کریمی",
    "رحیمی",
    "عبدالهی",
    "نوری",
    "جعفری",
    "حیدری",
    "قاسمی",
    "یوسفی",
    "عزیزی",
    "امیری",
    "هاشمی",
    "رسولی",
    "صدیقی",
    "کاظمی",
    "موسوی",
    "رئیسی",
    "کریمی" + ZWNJ + "نژاد",
    "عبدالرحیم" + ZWNJ + "زاده",
    "مؤمنی",
    "آقایی",
    "اسماعیلی",
    "ابراهیمی",
    "یعقوبی",
    "شیرزاد",
    "تاجیک",
    "هزاره" + ZWNJ + "ای",
    "پوپلزی",
    "احمدزی",
    "قربانی",
    "سلطانی",
]
# The long tail: a root and an ending, a few hundred names that few people carry.
ROOTS = [
    "کوه",
    "دشت",
    "باغ",
    "شیر",
    "گل",
    "نور",
    "مهر",
    "ماه",
    "سنگ",
    "آب",
    "کار",
    "یار",
    "دوست",
    "شاه",
    "میر",
    "خان",
    "بهار",
    "پیر",
    "کاوه",
    "بلخ",
    "هرات",
    "غزنی",
    "کابل",
    "پنجشیر",
    "بامیان",
    "قندهار",
    "هلمند",
    "فراه",
    "بدخش",
    "تخار",
    "کندز",
    "لغمان",
    "پکتیا",
    "خوست",
    "وردک",
    "لوگر",
    "زابل",
]
ENDINGS = ["ی", "زاده", ZWNJ + "نژاد", "پور", "یان", "زی", "فر", "نیا", "وند", "ستانی"]

# Ways of typing the same name: (kind, from, to) replacements; each applies where ``from`` occurs.
VARIANTS = [
    ("arabic_yeh", "ی", "ي"),
    ("arabic_kaf", "ک", "ك"),
    ("zwnj_space", ZWNJ, " "),
    ("zwnj_dropped", ZWNJ, ""),
    ("split_compound", "عبدال", "عبد ال"),
    ("split_compound", "غلامحسین", "غلام حسین"),
    ("split_compound", "محمدعلی", "محمد علی"),
    ("split_compound", "نورالله", "نور الله"),
    ("split_compound", "علیرضا", "علی رضا"),
    ("hamza", "ئ", "ی"),
    ("hamza", "ؤ", "و"),
    ("hamza", "آ", "ا"),
    ("hamza_written", "اسماعیل", "إسماعیل"),
]

# The share of cases in each state (sums to 100): most of an office's files are closed.
STATE_SHARES = {
    "received": 6, "expert_review": 9, "returned": 2, "awaiting_inquiries": 9,
    "ready_for_province": 6, "approved_by_province": 4, "rejected_by_province": 5,
    "confirmed_nationally": 4, "awaiting_najva": 1, "refused_nationally": 3, "card_cancelled": 4,
    "expulsion_ordered": 5, "expelled": 28, "closed_departed": 9, "withdrawn": 6,
}  # fmt: skip

TEHRAN_SHARE = 0.10
# Where the decision letters of a case whose cards were cancelled are, one letter in twenty each:
# most delivered, the others spread over the sections of the supervisor's print queue.
LETTER_STATUSES_ORDER = ["waiting", "printed", "signed", "dispatched", "delivered", "returned"]
LETTER_STATUSES = ["waiting", "printed", "signed", "dispatched", "returned"] + ["delivered"] * 15
CHUNK = 50_000


def variant_of(name: str, rng: random.Random) -> tuple[str, str] | None:
    """Another spelling of ``name`` people type, and its kind; None when it has none."""
    options = [(kind, old, new) for kind, old, new in VARIANTS if old in name]
    if not options:
        return None
    # Every kind as often as the others, whatever the number of its replacements.
    kind = rng.choice(sorted({kind for kind, _, _ in options}))
    old, new = rng.choice([(o, n) for k, o, n in options if k == kind])
    return kind, name.replace(old, new)


def typo_of(name: str, rng: random.Random) -> str:
    """One letter of the name's longest word replaced by a neighbour on the Persian keyboard."""
    neighbours = "ضصثقفغعهخحجچشسیبلاتنمکگظطزرذدپو"
    words = name.split(" ")
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) < 5:
        return name
    places = [i for i in range(1, len(word) - 1) if word[i] in neighbours]
    if not places:
        return name
    at = rng.choice(places)
    replacement = neighbours[(neighbours.index(word[at]) + 1) % len(neighbours)]
    words[longest] = word[:at] + replacement + word[at + 1 :]
    return " ".join(words)


class Copier:
    """Rows streamed to ``COPY table (columns) FROM STDIN`` in chunks, each its own transaction."""

    def __init__(self, cursor, table: str, columns: list[str], *, auto: bool = True):
        # ``auto``: flush when a chunk is full. Off for tables whose rows point at rows of another
        # table still being written: the caller flushes them all, in order.
        self.cursor, self.table, self.columns, self.auto = cursor, table, columns, auto
        self.buffer = io.StringIO()
        self.pending = 0
        self.written = 0

    @staticmethod
    def _value(value) -> str:
        if value is None:
            return r"\N"
        if isinstance(value, bool):
            return "t" if value else "f"
        if isinstance(value, datetime.datetime | datetime.date):
            return value.isoformat()
        text = str(value)
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")

    def add(self, *row) -> None:
        self.buffer.write("\t".join(self._value(v) for v in row))
        self.buffer.write("\n")
        self.pending += 1
        if self.auto and self.pending >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        self.buffer.seek(0)
        self.cursor.copy_expert(
            f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN", self.buffer
        )
        self.written += self.pending
        self.buffer = io.StringIO()
        self.pending = 0


def reset_database(url: str) -> None:
    """Drop and recreate the database named by ``url`` (refuses the usual working databases)."""
    import psycopg2
    from dj_database_url import parse

    config = parse(url)
    name = config["NAME"]
    if name in {"postgres", "template0", "template1", "revocation", "test_revocation"}:
        sys.exit(f"generate: refusing to drop the database {name!r}; use one kept for benchmarks")
    admin = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    admin.close()


def state_paths() -> dict[str, list]:
    """The shortest path of steps from «received» to every state, from the rule book."""
    from cases.choices import CaseState
    from cases.steps import STEPS

    paths = {CaseState.RECEIVED.value: []}
    queue = deque([CaseState.RECEIVED.value])
    while queue:
        state = queue.popleft()
        for rule in STEPS.values():
            if state in {s.value for s in rule.source} and rule.target.value not in paths:
                paths[rule.target.value] = [*paths[state], rule]
                queue.append(rule.target.value)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1405)
    parser.add_argument("--reset", action="store_true", help="drop and recreate the database")
    args = parser.parse_args()
    import os

    if args.reset:
        reset_database(os.environ.get("DATABASE_URL", ""))
    setup_django()
    generate(args.persons, args.seed)


def generate(persons: int, seed: int) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection

    from accounts.roles import Role
    from audit.chain import GENESIS, digest, seal_all
    from audit.models import Event, Seal
    from cases.choices import (
        Agency,
        CaseState,
        EvidenceType,
        InquiryOutcome,
        SourceType,
        Step,
        SubjectDecision,
    )
    from cases.models import Case, CaseNumberSequence, CaseSubject, Evidence, Inquiry
    from cases.states import (
        CARDS_CANCELLED,
        CLOSED_STATES,
        DECIDING_STATES,
        FROM_NATIONAL_CONFIRMATION,
    )
    from cases.trail import CaseEvent
    from enforcement.models import ExpulsionOrder, OrderedPerson
    from letters.models import AgencyOffice, Dispatch, Letter, LetterRegister
    from najva.models import Registration
    from people.models import DocumentStatus, Household, IdentityDocument, Person, Relation
    from reference.models import BorderPoint, DocumentType, OffenceType, Province
    from revocation.management.commands.seed_demo import Command as SeedDemo
    from shared import clock
    from shared.persian import jalali_year, name_parts, normalize_name

    started = time.perf_counter()
    rng = random.Random(seed)
    call_command("migrate", verbosity=0)
    if Case.objects.exists() or Person.objects.exists():
        sys.exit("generate: the database already holds data; run with --reset")

    # Users: the demo users, and the provincial roles in every province.
    seeder = SeedDemo()
    seeder.users = seeder._users()
    seeder._offence_catalogues()
    User = get_user_model()
    provinces = list(Province.objects.order_by("code"))
    tehran = next(p for p in provinces if p.slug == "tehran")
    demo = {u.province_id: u for u in seeder.users.values() if u.province_id}
    password = User.objects.get(username="expert_teh").password
    actors: dict[tuple[int | None, str], object] = {}
    for role in (Role.EXPERT, Role.SECRETARY, Role.SUPERVISOR, Role.ENFORCEMENT):
        group = Group.objects.get(name=role.value)
        for province in provinces:
            existing = User.objects.filter(province=province, groups=group).first()
            if existing is None:
                existing = User.objects.create(
                    username=f"{role.value}_{province.slug}",
                    first_name="کاربر",
                    last_name=f"{role.label} {province.name}",
                    province=province,
                    password=password,
                    email=f"{role.value}.{province.slug}@example.invalid",
                )
                existing.groups.add(group)
            actors[(province.pk, role.value)] = existing
    for user in seeder.users.values():
        if user.province_id is None:
            actors[(None, next(iter(user.role_codes)))] = user
    del demo

    amayesh = DocumentType.objects.get(code=DocumentType.AMAYESH)
    permit = DocumentType.objects.exclude(pk=amayesh.pk).first()
    border_points = list(BorderPoint.objects.values_list("pk", flat=True))
    offences = list(OffenceType.objects.values_list("pk", flat=True))
    paths = state_paths()
    labels = dict(CaseState.choices)
    now = clock.now().replace(microsecond=0)

    # --- Households and their members' ids (persons are written later, in one stream) ---
    household_province: list[int] = []
    household_start: list[int] = []
    household_size: list[int] = []
    by_province: dict[int, list[int]] = {p.pk: [] for p in provinces}
    others = [p for p in provinces if p.pk != tehran.pk]
    next_person = 1
    while next_person <= persons:
        size = min(rng.choices([1, 2, 3, 4, 5, 6, 7], weights=[8, 14, 18, 22, 18, 12, 8])[0],
                   persons - next_person + 1)  # fmt: skip
        province = tehran if rng.random() < TEHRAN_SHARE else rng.choice(others)
        index = len(household_start)
        household_province.append(province.pk)
        household_start.append(next_person)
        household_size.append(size)
        by_province[province.pk].append(index)
        next_person += size
    households = len(household_start)

    # --- Cases: state, subjects, dates; the documents' statuses follow from them ---
    case_count = max(persons // 10, 14)
    states = list(STATE_SHARES)
    weights = list(STATE_SHARES.values())
    document_status: dict[int, str] = {}
    cases = []
    sequences: dict[tuple[int, int], int] = {}
    span = datetime.timedelta(days=3 * 365)
    for case_id in range(1, case_count + 1):
        # Every state appears, whatever the scale.
        state = (
            states[(case_id - 1) % len(states)]
            if case_id <= 2 * len(states)
            else rng.choices(states, weights)[0]
        )
        # Tehran has a case in every state too, whatever the scale (bench/pages.py reads them).
        in_tehran = case_id <= 2 * len(states) or rng.random() < TEHRAN_SHARE
        province = tehran if in_tehran else rng.choice(others)
        if not by_province[province.pk]:
            province = tehran
        household = rng.choice(by_province[province.pk])
        size = household_size[household]
        count = min(size, rng.choices([1, 2, 3], weights=[60, 30, 10])[0])
        members = rng.sample(
            range(household_start[household], household_start[household] + size), count
        )
        opened_at = (
            now - span + datetime.timedelta(seconds=rng.randrange(int(span.total_seconds())))
        )
        steps = paths[state]
        if state in {s.value for s in CLOSED_STATES} or state in FROM_NATIONAL_CONFIRMATION:
            # A closed or late case was opened long enough ago to have walked its steps.
            opened_at = min(opened_at, now - datetime.timedelta(days=4 * len(steps) + 30))
        moments = [opened_at]
        for _ in steps:
            pause = datetime.timedelta(days=rng.randint(1, 4), seconds=rng.randrange(36000))
            moments.append(min(moments[-1] + pause, now))
        year = jalali_year(opened_at)
        key = (province.pk, year)
        sequences[key] = sequences.get(key, 0) + 1
        cancelled = state in CARDS_CANCELLED
        for person_id in members:
            if cancelled:
                document_status[person_id] = DocumentStatus.CANCELLED
            elif (
                state in DECIDING_STATES
                and document_status.get(person_id) != DocumentStatus.CANCELLED
            ):
                document_status[person_id] = DocumentStatus.SUSPENDED
        cases.append((case_id, province, year, sequences[key], state, steps, moments, members))

    cursor = connection.cursor()
    connection.set_autocommit(True)
    cursor.execute("SET maintenance_work_mem = '1GB'")
    cursor.execute("SET synchronous_commit = off")
    # The trigram indexes are built once after the rows are in: much faster than row by row.
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'people_person'"
        " AND indexdef LIKE '%%gin%%'"
    )
    deferred_indexes = cursor.fetchall()
    for name, _ in deferred_indexes:
        cursor.execute(f"DROP INDEX {name}")

    def columns(model, *, skip=("id",)):
        return [
            f.column
            for f in model._meta.concrete_fields
            if not f.generated and f.column not in skip
        ]

    # Households (their heads are set once the persons are in).
    copier = Copier(cursor, Household._meta.db_table, ["id", "number", "province_id", "head_id"])
    for index in range(households):
        copier.add(index + 1, str(10_000_000 + index + 1), household_province[index], None)
    copier.flush()
    report(f"{households:,} households", started)

    # Persons and their documents, one household at a time.
    person_columns = ["id", *columns(Person)]
    persons_out = Copier(cursor, Person._meta.db_table, person_columns)
    document_columns = ["id", *columns(IdentityDocument)]
    documents_out = Copier(cursor, IdentityDocument._meta.db_table, document_columns)
    names: dict[int, tuple[str, str]] = {}  # subjects only: (stored name, canonical name)
    subjects = {person_id for *_, members in cases for person_id in members}
    last_weights = [40 - i for i in range(len(LAST_COMMON))]
    rare = [root + ending for root in ROOTS for ending in ENDINGS]
    for index in range(households):
        start, size = household_start[index], household_size[index]
        if rng.random() < 0.8:
            family = rng.choices(LAST_COMMON, last_weights)[0]
        else:
            family = rng.choice(rare)
        head_first = rng.choice(MALE)
        for offset in range(size):
            person_id = start + offset
            if offset == 0:
                first, sex, relation, father = head_first, "male", Relation.HEAD, rng.choice(MALE)
                last = family
            elif offset == 1 and size > 2:
                first, sex, relation, father = (
                    rng.choice(FEMALE),
                    "female",
                    Relation.SPOUSE,
                    rng.choice(MALE),
                )
                last = rng.choices(LAST_COMMON, last_weights)[0]
            else:
                sex = rng.choice(["male", "female"])
                first = rng.choice(MALE if sex == "male" else FEMALE)
                relation, father, last = Relation.CHILD, head_first, family
            canonical = (first, last, father)
            stored = canonical
            if rng.random() < 0.2:
                part = rng.randrange(2)
                changed = variant_of(canonical[part], rng)
                if changed:
                    stored = tuple(changed[1] if i == part else v for i, v in enumerate(canonical))
            first, last, father = stored
            if person_id in subjects:
                names[person_id] = (f"{first} {last}", f"{canonical[0]} {canonical[1]}")
            birth = datetime.date(1960 + rng.randrange(60), rng.randint(1, 12), rng.randint(1, 28))
            row = {
                "id": person_id,
                "first_name": first,
                "last_name": last,
                "father_name": father,
                "nationality": rng.choices(["AF", "IQ", "PK", "XX"], [90, 5, 4, 1])[0],
                "birth_date": birth,
                "sex": sex,
                "household_id": index + 1,
                "relation_to_head": relation,
                "search_key": normalize_name(f"{first} {last} {father}"),
                "name_parts": " ".join(name_parts(first, last, father)),
            }
            persons_out.add(*(row[c] for c in person_columns))
            kind = amayesh if rng.random() < 0.8 else permit
            issued = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randrange(600))
            document = {
                "id": person_id,
                "person_id": person_id,
                "document_type_id": kind.pk,
                "number": str((3 if kind == amayesh else 9) * 1_000_000_000 + person_id),
                "series": "",
                "issued_on": issued,
                "expires_on": issued + datetime.timedelta(days=(kind.max_validity_days or 730) - 1),
                "status": document_status.get(person_id, DocumentStatus.VALID),
            }
            documents_out.add(*(document[c] for c in document_columns))
    persons_out.flush()
    documents_out.flush()
    report(f"{persons_out.written:,} persons and documents", started)
    cursor.execute(
        "UPDATE people_household h SET head_id = p.id FROM people_person p"
        " WHERE p.household_id = h.id AND p.relation_to_head = 'head'"
    )
    # The vocabulary of name parts (people.NamePart), as Person.save keeps it.
    cursor.execute(
        "INSERT INTO people_namepart (part) SELECT DISTINCT unnest(string_to_array(name_parts, ' '))"
        " FROM people_person ON CONFLICT DO NOTHING"
    )
    for _name, definition in deferred_indexes:
        cursor.execute(definition)
    report("household heads and trigram indexes", started)

    # Cases with their subjects, events, inquiries and evidence.
    case_columns = ["id", *columns(Case)]
    cases_out = Copier(cursor, Case._meta.db_table, case_columns, auto=False)
    subject_columns = ["id", *columns(CaseSubject)]
    subjects_out = Copier(cursor, CaseSubject._meta.db_table, subject_columns, auto=False)
    event_columns = ["id", *columns(Event)]
    events_out = Copier(cursor, Event._meta.db_table, event_columns, auto=False)
    inquiry_columns = ["id", *columns(Inquiry)]
    inquiries_out = Copier(cursor, Inquiry._meta.db_table, inquiry_columns, auto=False)
    evidence_columns = ["id", *columns(Evidence)]
    evidence_out = Copier(cursor, Evidence._meta.db_table, evidence_columns, auto=False)
    registration_columns = ["id", *columns(Registration)]
    registrations_out = Copier(
        cursor, Registration._meta.db_table, registration_columns, auto=False
    )
    order_columns = ["id", *columns(ExpulsionOrder)]
    orders_out = Copier(cursor, ExpulsionOrder._meta.db_table, order_columns, auto=False)
    ordered_columns = ["id", *columns(OrderedPerson)]
    ordered_out = Copier(cursor, OrderedPerson._meta.db_table, ordered_columns, auto=False)
    letter_columns = ["id", *columns(Letter)]
    letters_out = Copier(cursor, Letter._meta.db_table, letter_columns, auto=False)
    named_out = Copier(
        cursor,
        Letter.subjects.through._meta.db_table,
        ["letter_id", "casesubject_id"],
        auto=False,
    )
    dispatch_columns = ["id", *columns(Dispatch)]
    dispatches_out = Copier(cursor, Dispatch._meta.db_table, dispatch_columns, auto=False)
    agency_offices = {
        (office.province_id, office.kind): office.pk for office in AgencyOffice.objects.all()
    }
    letter_numbers: dict[tuple[int, int], int] = {}
    manifest: list[tuple[int, str, str]] = []
    # The users' own events (their roles) are already in the log.
    last_event = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ids = {
        "subject": 0, "event": last_event, "inquiry": 0, "evidence": 0, "registration": 0,
        "order": 0, "ordered": 0, "letter": 0, "dispatch": 0,
    }  # fmt: skip
    codes = {p.pk: p.code for p in provinces}
    role_of_capability = {
        "review_case": Role.EXPERT.value,
        "decide_in_province": Role.SECRETARY.value,
        "supervise_case": Role.SUPERVISOR.value,
        "record_expulsion": Role.ENFORCEMENT.value,
        "decide_nationally": Role.NATIONAL_SECRETARIAT.value,
        "register_in_najva": Role.REGISTRY_OPERATOR.value,
        None: None,  # the system's own step (the last registration reached Najva)
    }
    sources = [s.value for s in SourceType]

    def actor(province_pk: int, role: str):
        return actors.get((province_pk, role)) or actors[(None, role)]

    def household_of(person_id: int) -> int:
        """The id of the person's household (households are written 1.., persons in order)."""
        return bisect.bisect_right(household_start, person_id)

    def write_letters(case_id, province, subjects, cancelled_at) -> None:
        """The decision letters of a case whose cards were cancelled: one to each subject and one
        to each agency of the province, each somewhere on its way, chosen from the letter's id
        (not drawn from rng: the data set stays the one it was, draw for draw). Most were
        delivered long ago; one in four waits in the supervisor's queue."""
        supervisor = actor(province.pk, Role.SUPERVISOR.value)
        addressees = [("person", person_id, subject_id) for person_id, subject_id in subjects]
        addressees += [("agency", kind, None) for kind in ("police", "intelligence")]
        for kind, who, subject_id in addressees:
            ids["letter"] += 1
            letter_id = ids["letter"]
            status = LETTER_STATUSES[letter_id % len(LETTER_STATUSES)]
            moments = [min(cancelled_at + datetime.timedelta(days=d, hours=letter_id % 7), now)
                       for d in (0, 1, 2, 3, 9)]  # fmt: skip
            created, printed, signed, sent, outcome = moments
            reached = LETTER_STATUSES_ORDER.index(status)
            number = ""
            if reached >= 1:
                key = (province.pk, jalali_year(printed))
                letter_numbers[key] = letter_numbers.get(key, 0) + 1
                number = LetterRegister.format_number(codes[province.pk], key[1],
                                                      letter_numbers[key])  # fmt: skip
            letter = {
                "id": letter_id, "case_id": case_id, "province_id": province.pk,
                "kind": "cancellation", "order_id": None,
                "addressee_kind": kind,
                "person_id": who if kind == "person" else None,
                "household_id": household_of(who) if kind == "person" else None,
                "agency_id": agency_offices[(province.pk, who)] if kind == "agency" else None,
                "status": status,
                "status_at": [created, printed, signed, sent, outcome, outcome][reached],
                "created_at": created,
                "created_by_id": actor(None, Role.REGISTRY_OPERATOR.value).pk,
                "number": number, "dated_on": printed.date() if number else None,
                "serial": f"bench{letter_id:011d}",
                "content_sha256": f"{letter_id:064x}" if number else "",
                "file": f"letters/bench/{letter_id}.pdf" if number else "",
                "sha256": f"{letter_id * 7:064x}" if number else "",
                "printed_at": printed if number else None,
                "printed_by_id": supervisor.pk if number else None,
                "signed_at": signed if reached >= 2 else None,
                "signed_by_id": supervisor.pk if reached >= 2 else None,
            }  # fmt: skip
            letters_out.add(*(letter[c] for c in letter_columns))
            named = [subject_id] if subject_id else [sid for _, sid in subjects]
            for named_id in named:
                named_out.add(letter_id, named_id)
            if reached >= 3:
                ids["dispatch"] += 1
                outcome_kind = {"dispatched": "out", "delivered": "delivered",
                                "returned": "returned"}[status]  # fmt: skip
                dispatch = {
                    "id": ids["dispatch"], "letter_id": letter_id,
                    "tracking_number": f"{900000000000 + letter_id}",
                    "sent_on": sent.date(), "addressee": f"گیرنده نامه {letter_id}",
                    "postal_address": "تهران، خیابان انقلاب، کوچه نمونه، پلاک ۱۲",
                    "postal_code": "1314567890", "dispatched_by_id": supervisor.pk,
                    "dispatched_at": sent, "outcome": outcome_kind,
                    "delivered_on": outcome.date() if outcome_kind == "delivered" else None,
                    "received_by": "خود گیرنده" if outcome_kind == "delivered" else "",
                    "returned_on": outcome.date() if outcome_kind == "returned" else None,
                    "return_reason": "گیرنده شناخته نشد" if outcome_kind == "returned" else "",
                    "outcome_by_id": supervisor.pk if outcome_kind != "out" else None,
                    "outcome_at": outcome if outcome_kind != "out" else None,
                }  # fmt: skip
                dispatches_out.add(*(dispatch[c] for c in dispatch_columns))

    # The events are sealed into the audit chain as the app's sealer would have sealed them
    # (audit.chain: one audit_seal row each, in id order), after the users' own events: verify_audit
    # passes on the generated database.
    seal_all()
    sealed = [Event._meta.get_field(name).attname for name in Event.SEALED_FIELDS]
    head = Seal.objects.filter(chain="events").order_by("-seq").values_list(
        "seq", "hash"
    ).first() or (0, GENESIS)
    chain = {"seq": head[0], "hash": head[1]}
    seal_columns = ["chain", "seq", "record_id", "prev_hash", "hash", "sealed_at"]
    seals_out = Copier(cursor, Seal._meta.db_table, seal_columns)
    sealed_at = clock.now()

    def event_row(case_id, who, role, at, kind, action, label, old="", new="", reason=""):
        ids["event"] += 1
        row = {
            "id": ids["event"], "case_id": case_id, "household_id": None, "account_id": None,
            "actor_id": who.pk if who else None,
            "actor_name": f"{who.first_name} {who.last_name}" if who else "سامانه",
            "actor_roles": str(Role(role).label) if role else "", "at": at, "kind": str(kind),
            "action": str(action),
            "label": str(label), "from_state": old, "from_state_label": labels.get(old, ""),
            "to_state": new, "to_state_label": labels.get(new, ""), "reason": reason,
            "changes": [],
        }  # fmt: skip
        chain["seq"] += 1
        values = {name: str(v) if isinstance(v, str) else v for name, v in row.items()
                  if name in sealed}  # fmt: skip
        prev_hash = chain["hash"]
        chain["hash"] = digest(values, seq=chain["seq"], prev_hash=prev_hash)
        seals_out.add("events", chain["seq"], row["id"], prev_hash, chain["hash"], sealed_at)
        row["changes"] = json.dumps([])
        return row

    for case_id, province, year, sequence, state, steps, moments, members in cases:
        expert = actor(province.pk, Role.EXPERT.value)
        step_names = [rule.name for rule in steps]
        row = {
            "id": case_id,
            "number": Case.format_number(codes[province.pk], year, sequence),
            "province_id": province.pk,
            "year": year,
            "sequence": sequence,
            "state": state,
            "state_entered_at": moments[-1],
            "source_type": rng.choice(sources),
            "source_reference": f"{rng.randint(100, 9999)}/{year}",
            "source_date": (moments[0] - datetime.timedelta(days=rng.randint(1, 20))).date(),
            "summary": "گزارش رسیده درباره وضعیت اقامت اتباع؛ بررسی مدارک و سوابق لازم است.",
            "assigned_expert_id": expert.pk,
            "opened_by_id": expert.pk,
            "opened_at": moments[0],
            "closed_at": moments[-1] if state in {s.value for s in CLOSED_STATES} else None,
            "reason": "مدارک کافی نیست" if state in {"returned", "rejected_by_province",
                                                     "refused_nationally", "withdrawn"} else "",
            "province_resolution_number": "",
            "province_resolution_date": None,
            "national_letter_number": "",
            "national_letter_date": None,
            "offence_type_id": None,
        }  # fmt: skip
        if Step.APPROVE_IN_PROVINCE.value in step_names or Step.REJECT_IN_PROVINCE in step_names:
            row["province_resolution_number"] = f"م/{case_id}"
            row["province_resolution_date"] = moments[step_names.index(
                Step.APPROVE_IN_PROVINCE if Step.APPROVE_IN_PROVINCE in step_names
                else Step.REJECT_IN_PROVINCE) + 1].date()  # fmt: skip
        for step in (Step.CONFIRM_NATIONALLY, Step.REFUSE_NATIONALLY):
            if step in step_names:
                row["national_letter_number"] = f"ک/{case_id}"
                row["national_letter_date"] = moments[step_names.index(step) + 1].date()
        if Step.APPROVE_IN_PROVINCE in step_names:
            # The working group's resolution. Chosen from the case id, not drawn from rng: the
            # data set stays the one it was, draw for draw (bench/pages.py finds its names in it).
            row["offence_type_id"] = offences[case_id % len(offences)]
        cases_out.add(*(row[c] for c in case_columns))
        order = None
        if Step.ORDER_EXPULSION in step_names:
            # The supervisor's order for every member (enforcement), and, for an expelled case,
            # each person handed over and expelled through its border point.
            ordered_at = moments[step_names.index(Step.ORDER_EXPULSION) + 1]
            ids["order"] += 1
            supervisor = actor(province.pk, Role.SUPERVISOR.value)
            order = {
                "id": ids["order"], "case_id": case_id,
                "number": f"E-{codes[province.pk]}-{year}-{case_id:07d}",
                "issued_on": ordered_at.date(), "border_point_id": rng.choice(border_points),
                "leave_by": ordered_at.date() + datetime.timedelta(days=30),
                "reentry_ban_years": 5, "replaces_id": None, "reason": "",
                "issued_by_id": supervisor.pk, "issued_at": ordered_at,
                "printed_by_id": supervisor.pk, "printed_at": ordered_at,
                "serial": f"bench-{case_id}", "content_sha256": f"{rng.getrandbits(256):064x}",
                "file": f"enforcement/orders/bench/{case_id}.pdf",
                "sha256": f"{rng.getrandbits(256):064x}",
            }  # fmt: skip
            orders_out.add(*(order[c] for c in order_columns))
        expelled = Step.RECORD_EXPULSION in step_names
        departed_on = moments[-1].date() if expelled or state == "closed_departed" else None

        decision = SubjectDecision.PENDING
        if state in CARDS_CANCELLED:
            decision = SubjectDecision.CANCEL
        elif state in {"rejected_by_province", "refused_nationally"}:
            decision = SubjectDecision.KEEP
        registered = Step.NAJVA_REGISTERED in step_names
        subjects_of_case = []
        for person_id in members:
            ids["subject"] += 1
            subjects_of_case.append((person_id, ids["subject"]))
            subject = {"id": ids["subject"], "case_id": case_id, "person_id": person_id,
                       "decision": decision,
                       "najva_registered_at": moments[-1] if registered else None,
                       "departed_on": departed_on}  # fmt: skip
            subjects_out.add(*(subject[c] for c in subject_columns))
            if order is not None:
                liaison = actor(province.pk, Role.ENFORCEMENT.value) if expelled else None
                ids["ordered"] += 1
                entry = {
                    "id": ids["ordered"], "order_id": order["id"], "subject_id": ids["subject"],
                    "handed_over_on": departed_on, "receiving_unit": "اردوگاه" if expelled else "",
                    "handed_over_by_id": liaison.pk if liaison else None,
                    "outcome": "expelled" if expelled else "", "outcome_on": departed_on,
                    "exit_border_point_id": order["border_point_id"] if expelled else None,
                    "exit_sheet_number": f"X{ids['ordered']}" if expelled else "",
                    "proof": "", "proof_sha256": "", "proof_name": "", "proof_content_type": "",
                    "note": "", "recorded_by_id": liaison.pk if liaison else None,
                    "recorded_at": moments[-1] if expelled else None,
                }  # fmt: skip
                ordered_out.add(*(entry[c] for c in ordered_columns))
            if Step.CANCEL_CARD in step_names:
                # The outbox row of the subject's document (its id is the person's): delivered,
                # or, for a case still waiting, in the queue or parked after an outage.
                cancelled_at = moments[step_names.index(Step.CANCEL_CARD) + 1]
                status = "delivered" if registered else rng.choice(["pending", "failed"])
                ids["registration"] += 1
                registration = {
                    "id": ids["registration"], "case_id": case_id, "subject_id": ids["subject"],
                    "document_id": person_id, "offence_type_id": row["offence_type_id"],
                    "step": Step.CANCEL_CARD.value,
                    # Empty: a row sent again builds its body from the person and the document.
                    "payload": "{}",
                    "idempotency_key": f"{row['number']}:{ids['subject']}:{person_id}:cancel_card",
                    "status": status, "attempts": 1 if registered else rng.randint(1, 10),
                    "next_attempt_at": cancelled_at, "leased_until": None, "lease_token": "",
                    "last_attempt_at": cancelled_at,
                    "last_error": "" if registered else "اتصال به نجوا برقرار نشد: ConnectTimeout",
                    "tracking_number": f"NJ{person_id:09d}{case_id:07d}" if registered else "",
                    "delivered_at": moments[-1] if registered else None,
                    "created_at": cancelled_at,
                    "created_by_id": actor(None, Role.REGISTRY_OPERATOR.value).pk,
                    "recorded_by_id": None, "recorded_reason": "",
                }  # fmt: skip
                registrations_out.add(*(registration[c] for c in registration_columns))
        if Step.CANCEL_CARD in step_names:
            cancelled_at = moments[step_names.index(Step.CANCEL_CARD) + 1]
            write_letters(case_id, province, subjects_of_case, cancelled_at)

        event = event_row(case_id, expert, Role.EXPERT.value, moments[0], CaseEvent.OPENED,
                          "open", "ثبت پرونده", new="received")  # fmt: skip
        events_out.add(*(event[c] for c in event_columns))
        previous = "received"
        for rule, moment in zip(steps, moments[1:], strict=True):
            role = role_of_capability[rule.capability]
            who = actor(province.pk, role) if role else None
            reason = "مدارک کافی نیست" if rule.needs_reason else ""
            event = event_row(case_id, who, role, moment, CaseEvent.STEP, rule.name, rule.label,
                              previous, rule.target.value, reason)  # fmt: skip
            events_out.add(*(event[c] for c in event_columns))
            previous = rule.target.value

        if Step.SEND_INQUIRIES in step_names:
            sent = moments[step_names.index(Step.SEND_INQUIRIES) + 1].date()
            replied = Step.SUBMIT_TO_PROVINCE in step_names
            for agency in Agency:
                ids["inquiry"] += 1
                inquiry = {
                    "id": ids["inquiry"], "case_id": case_id, "agency": agency.value,
                    "letter_number": f"{agency.value[:3]}/{case_id}", "sent_on": sent,
                    "due_on": sent + datetime.timedelta(days=14),
                    "replied_on": sent + datetime.timedelta(days=1) if replied else None,
                    "outcome": InquiryOutcome.NO_RECORD.value if replied else "",
                    "reply_document": "", "reply_sha256": "", "reply_content_type": "",
                    "reply_on_paper_only": replied,
                    "reply_note": "پاسخ کاغذی در پرونده است" if replied else "",
                }  # fmt: skip
                inquiries_out.add(*(inquiry[c] for c in inquiry_columns))
        ids["evidence"] += 1
        evidence = {
            "id": ids["evidence"], "case_id": case_id,
            "evidence_type": EvidenceType.AGENCY_REPORT.value,
            "file": f"evidence/bench/{case_id}.pdf", "original_name": f"گزارش-{case_id}.pdf",
            "sha256": f"{rng.getrandbits(256):064x}", "size": rng.randint(20_000, 900_000),
            "content_type": "application/pdf", "uploaded_by_id": expert.pk,
            "uploaded_at": moments[0], "withdrawn_at": None, "withdrawn_by_id": None,
            "withdraw_reason": "",
        }  # fmt: skip
        evidence_out.add(*(evidence[c] for c in evidence_columns))
        if events_out.pending >= CHUNK:
            for copier in (cases_out, subjects_out, events_out, inquiries_out, evidence_out,
                           registrations_out, orders_out, ordered_out, letters_out,
                           named_out, dispatches_out):  # fmt: skip
                copier.flush()

        # What the search must find: subjects typed in another spelling than the stored one.
        if len(manifest) < 3000 and rng.random() < 0.05:
            for person_id in members[:1]:
                stored, canonical = names[person_id]
                if stored != canonical:
                    manifest.append((case_id, canonical, "stored_variant"))
                else:
                    changed = variant_of(canonical, rng)
                    if changed:
                        manifest.append((case_id, changed[1], changed[0]))
                typo = typo_of(canonical, rng)
                if typo != canonical:
                    manifest.append((case_id, typo, "typo"))
    for copier in (cases_out, subjects_out, events_out, inquiries_out, evidence_out,
                   registrations_out, orders_out, ordered_out, letters_out, named_out,
                   dispatches_out, seals_out):  # fmt: skip
        copier.flush()
    report(
        f"{cases_out.written:,} cases, {subjects_out.written:,} subjects, "
        f"{events_out.written:,} events, {inquiries_out.written:,} inquiries",
        started,
    )

    for (province_pk, year), last in sequences.items():
        CaseNumberSequence.objects.update_or_create(
            province_id=province_pk, year=year, defaults={"last_value": last}
        )
    for (province_pk, year), last in letter_numbers.items():
        LetterRegister.objects.update_or_create(
            province_id=province_pk, year=year, defaults={"last_value": last}
        )
    report(f"{letters_out.written:,} letters, {dispatches_out.written:,} postings", started)
    cursor.execute("DROP TABLE IF EXISTS bench_manifest")
    cursor.execute("CREATE TABLE bench_manifest (case_id integer, typed text, kind text)")
    out = Copier(cursor, "bench_manifest", ["case_id", "typed", "kind"])
    for row in manifest:
        out.add(*row)
    out.flush()
    cursor.execute("DROP TABLE IF EXISTS bench_info")
    cursor.execute("CREATE TABLE bench_info (persons integer, households integer, cases integer)")
    cursor.execute("INSERT INTO bench_info VALUES (%s, %s, %s)", [persons, households, case_count])
    models = [
        Household, Person, IdentityDocument, Case, CaseSubject, Event, Inquiry, Evidence,
        Registration, ExpulsionOrder, OrderedPerson, Letter, Dispatch,
    ]  # fmt: skip
    for statement in connection.ops.sequence_reset_sql(no_style(), models):
        cursor.execute(statement)
    cursor.execute("VACUUM ANALYZE")
    report(f"{len(manifest):,} typed names in bench_manifest; sequences set; analyzed", started)
    print(
        f"generated: {persons:,} persons, {households:,} households, {case_count:,} cases "
        f"in {time.perf_counter() - started:,.0f} s"
    )


def report(what: str, started: float) -> None:
    print(f"  {time.perf_counter() - started:7.1f} s  {what}", flush=True)


if __name__ == "__main__":
    main()
