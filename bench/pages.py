"""Every main page, for a provincial and a national user: median, p95, queries, and the raw SQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/revocation_bench \\
        .venv/bin/python bench/pages.py [--repeat 30]

Run on the data of ``bench/generate.py``. Each page is requested in-process with Django's test
client, signed in, DEBUG off (``--repeat`` times after a warm-up); its queries are counted in one
more request. Beside it, the hand-written SQL that returns the same rows the page shows (its
statements run one after the other through the same connection), and the ratio of the two. Django
admin's changelist of the same cases is timed for comparison: cases are not in the project's admin
(the IT administrator sees no case), so a changelist of them is built here, on a site of its own.
Then the recall of the spellings the generator stored: every name in ``bench_manifest`` is typed
into the search as a user would, and its case must be among the results.

Targets (issue 7), judged at 1,000,000 persons and more: a provincial user's pages under 50 ms
median and within 5x their raw SQL; a national user's under 100 ms; a name search under 100 ms
median and 250 ms p95; a search by an exact number under 20 ms. At 10,000,000 persons: a name
search under 300 ms median. At every scale: each page's number of queries is the constant below,
and recall of the spelling variants is 100%. The last line says ``targets met`` or what was missed;
the exit status is 1 when a target was missed.

With ``--compare usercache,renderer,links``, each page is timed instead with each of the project's
replacements of a Django internal on and off in turn (revocation/settings.py, FAST_*), to tell
whether it still pays for itself (docs/perf-internals.md).
"""

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import collect_static, fmt_ms, setup_django, signed_in_client, timed, timed_pair

# Queries per page, whatever the number of rows: the session (Django's), the token that tells
# whether the signed-in user and the device that verified their session, kept in the process, are
# unchanged (accounts.usercache; the user with their roles and province is read again only after a
# change), then the page's own. (Until issue 20 the session and the token were one prepared query,
# accounts.sessions: it saved less than the noise at 1,000,000 persons, docs/perf-internals.md.) A name
# search adds one query per typed word (the vocabulary of name parts) and one more for a word taken
# as a typo; the names searched here have two words. A change of a page that changes these must change them here, on purpose.
EXPECTED_QUERIES = {
    # Every search and every case page is written to the read log (audit.reads): its INSERT (in
    # autocommit), then the sealer's own transaction after it (audit.chain: BEGIN, the chain's
    # advisory lock, the last seal, the pending records, the seal's INSERT, COMMIT): + 7.
    "work queue (expert_teh)": 10,
    "work queue (secretary_teh)": 11,
    # + the persons not found on its orders (enforcement) and the letters waiting for it
    # (letters), each read through the user's scope.
    "work queue (supervisor_teh)": 12,
    # + how many persons on its orders wait for an outcome (enforcement), through its scope.
    "work queue (enforcement_teh)": 11,
    "work queue (national_secretariat)": 11,
    "work queue (najva_operator)": 11,  # + the counts of its failed and waiting registrations
    "work queue (auditor)": 3,
    "case list (expert_teh)": 8,
    "case list, one state (expert_teh)": 8,
    "search, common name (expert_teh)": 19,
    "search, rare name (expert_teh)": 19,
    "search, typo (expert_teh)": 20,
    "search, document number (expert_teh)": 17,
    "search, household number (expert_teh)": 17,
    "search, case number (expert_teh)": 17,
    # The case page's case was expelled: + its registrations and forms (najva), its orders and
    # the persons on them (enforcement), its letters and their postings (letters), and the
    # inquiries' replaced scans (kept as earlier versions); + the read log's record
    # and its seal.
    "case page (expert_teh)": 24,
    "case list (national_secretariat)": 7,
    "case list, one state (national_secretariat)": 7,
    "search, common name (national_secretariat)": 18,
    "search, rare name (national_secretariat)": 18,
    "search, typo (national_secretariat)": 19,
    "search, document number (national_secretariat)": 16,
    "search, household number (national_secretariat)": 16,
    "search, case number (national_secretariat)": 16,
    "case page (national_secretariat)": 24,
    "national queue (national_secretariat)": 8,
    "najva queue (najva_operator)": 6,
    "najva record page (najva_operator)": 5,
    "form print page (supervisor_teh)": 6,
    "expulsion order page (enforcement_teh)": 4,
    # The supervisor's print queue: the counts, the ids of the oldest of each of its five
    # sections, those letters (+ the cases shared with the user, for a provincial one).
    "letters queue (supervisor_teh)": 10,
    "letters queue (auditor)": 9,
    # The dispatch register of the busiest day (the day's postings with their letters).
    "dispatch register (supervisor_teh)": 4,
}


@dataclass
class Page:
    name: str
    username: str
    url: str
    raw: object  # a list of (sql, params), or a function of a cursor for SQL that reads SQL
    kind: str = "page"  # page | name | number
    result: dict = field(default_factory=dict)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--only",
        default="",
        help="measure only the pages whose name contains one of these (comma-separated; no recall)",
    )
    parser.add_argument(
        "--compare",
        default="",
        help="time each page with these replacements of Django internals on and off, in turn "
        f"(comma-separated, of: {', '.join(SWITCHES)}); no raw SQL, no verdict",
    )
    args = parser.parse_args()
    setup_django()
    collect_static()
    register_case_admin()
    sys.exit(run(args.repeat, args.only, args.compare))


def run(repeat: int, only: str = "", compare: str = "") -> int:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts import permissions
    from accounts.searches import search_save
    from cases.selectors.queues import QUEUE_PER_STEP
    from cases.selectors.search import search_cases
    from cases.steps import STEPS
    from shared.pagination import COUNT_CAP
    from shared.persian import digits_to_ascii, jalali

    User = get_user_model()
    cursor = connection.cursor()
    cursor.execute("SELECT persons, households, cases FROM bench_info")
    persons, households, case_count = cursor.fetchone()
    print(
        f"data: {persons:,} persons, {households:,} households, {case_count:,} cases; "
        f"PostgreSQL {connection.pg_version // 10000}; {repeat} requests per page"
    )
    print(sealer_note())
    cursor.execute("SELECT id FROM reference_province WHERE slug = 'tehran'")
    (tehran,) = cursor.fetchone()
    users = {u.username: u for u in User.objects.filter(username__in=USERNAMES)}

    # --- What to search for, read off the data: a Tehran subject's name, numbers, a typo ---
    cursor.execute(
        """SELECT p.first_name || ' ' || p.last_name, count(*) FROM cases_casesubject cs
           JOIN cases_case c ON c.id = cs.case_id JOIN people_person p ON p.id = cs.person_id
           WHERE c.province_id = %s AND p.first_name !~ %s AND p.last_name !~ %s
           GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1""",
        [tehran, ONE_WORD, ONE_WORD],
    )
    common_name = cursor.fetchone()[0]
    cursor.execute(
        """SELECT p.first_name || ' ' || p.last_name FROM cases_casesubject cs
           JOIN cases_case c ON c.id = cs.case_id JOIN people_person p ON p.id = cs.person_id
           WHERE c.province_id = %s AND p.last_name NOT IN %s AND p.first_name !~ %s
           AND p.last_name !~ %s ORDER BY c.id LIMIT 1""",
        [tehran, COMMON_LAST_NAMES, ONE_WORD, ONE_WORD],
    )
    rare_name = cursor.fetchone()[0]
    cursor.execute(
        """SELECT m.typed FROM bench_manifest m JOIN cases_case c ON c.id = m.case_id
           WHERE m.kind = 'typo' AND c.province_id = %s AND array_length(regexp_split_to_array(
               m.typed, '[ \u200c]+'), 1) = 2 ORDER BY m.case_id LIMIT 1""",
        [tehran],
    )
    typo = cursor.fetchone()[0]
    cursor.execute(
        """SELECT c.number, d.number, h.number FROM cases_case c
           JOIN cases_casesubject cs ON cs.case_id = c.id
           JOIN people_person p ON p.id = cs.person_id
           JOIN people_identitydocument d ON d.person_id = p.id
           JOIN people_household h ON h.id = p.household_id
           WHERE c.province_id = %s ORDER BY c.id DESC LIMIT 1""",
        [tehran],
    )
    case_number, document_number, household_number = cursor.fetchone()
    # The case page: an expelled Tehran case (every part of the page shown) with three subjects
    # and the most events.
    cursor.execute(
        """SELECT c.number FROM cases_case c WHERE c.province_id = %s AND c.state = 'expelled'
           AND c.source_type <> 'illegal_exit_report'
           AND (SELECT count(*) FROM cases_casesubject s WHERE s.case_id = c.id) = 3
           ORDER BY (SELECT count(*) FROM audit_event e WHERE e.case_id = c.id) DESC, c.id
           LIMIT 1""",
        [tehran],
    )
    page_case = cursor.fetchone()[0]

    # --- The pages, each with the SQL that returns the rows it shows ---
    pages: list[Page] = []
    for username in USERNAMES:
        user = users[username]
        scope, scope_params = scope_sql(user, tehran, permissions)
        states = sorted(
            {
                state.value
                for rule in STEPS.values()
                if rule.notify and permissions.can(user, rule.capability)
                for state in rule.source
            }
        )
        pages.append(
            Page(
                f"work queue ({username})",
                username,
                "/",
                queue_sql(user, scope, scope_params, states, QUEUE_PER_STEP),
            )
        )
    for username in ("expert_teh", "national_secretariat"):
        user = users[username]
        scope, scope_params = scope_sql(user, tehran, permissions)
        pages.append(
            Page(
                f"case list ({username})",
                username,
                "/cases/",
                list_sql(user, scope, scope_params, COUNT_CAP),
            )
        )
        pages.append(
            Page(
                f"case list, one state ({username})",
                username,
                "/cases/?state=expert_review",
                list_sql(
                    user, f"{scope} AND c.state = %s", [*scope_params, "expert_review"], COUNT_CAP
                ),
            )
        )
        searches = [
            ("common name", common_name, "name"),
            ("rare name", rare_name, "name"),
            ("typo", typo, "name"),
            ("document number", document_number, "number"),
            ("household number", household_number, "number"),
            ("case number", case_number, "number"),
        ]
        for label, text, kind in searches:
            token = search_save(user=user, kind="cases", params={"q": text})
            pages.append(
                Page(
                    f"search, {label} ({username})",
                    username,
                    f"/cases/?s={token}",
                    search_sql(user, scope, scope_params, text, kind, COUNT_CAP),
                    kind=kind,
                )
            )
        pages.append(
            Page(
                f"case page ({username})",
                username,
                f"/cases/{page_case}/",
                case_page_sql(user, page_case),
            )
        )

    # The working groups: the national queue (issue 8; bench/committees.py times a session).
    from committees.views import QUEUE_PAGE_SIZE

    pages.append(
        Page(
            "national queue (national_secretariat)",
            "national_secretariat",
            "/sessions/national/",
            national_queue_sql(users["national_secretariat"], COUNT_CAP, QUEUE_PAGE_SIZE),
        )
    )

    # Najva: the registry operator's queue of registrations (issue 9; bench/najva.py runs the
    # outbox through an outage).
    pages.append(
        Page(
            "najva queue (najva_operator)",
            "najva_operator",
            "/najva/",
            najva_queue_sql(users["najva_operator"]),
        )
    )
    # The operator's page for one parked registration (what Najva says of its document, asked of
    # the configured backend: the embedded registry here), and the supervisor's page before
    # printing a Tehran subject's form.
    cursor.execute(
        "SELECT id FROM najva_registration WHERE status = 'failed' ORDER BY created_at LIMIT 1"
    )
    parked = cursor.fetchone()[0]
    cursor.execute(
        """SELECT c.number, s.id FROM cases_casesubject s JOIN cases_case c ON c.id = s.case_id
           WHERE c.province_id = %s AND s.najva_registered_at IS NOT NULL ORDER BY s.id LIMIT 1""",
        [tehran],
    )
    form_case, form_subject = cursor.fetchone()
    pages.append(
        Page(
            "najva record page (najva_operator)",
            "najva_operator",
            f"/najva/registrations/{parked}/record/",
            najva_record_sql(users["najva_operator"], parked),
        )
    )
    pages.append(
        Page(
            "form print page (supervisor_teh)",
            "supervisor_teh",
            f"/najva/cases/{form_case}/subjects/{form_subject}/form/",
            form_print_sql(users["supervisor_teh"], form_case, form_subject),
        )
    )

    # Step 7: an order of a Tehran case, as the enforcement liaison records its persons.
    cursor.execute(
        """SELECT o.id FROM enforcement_expulsionorder o JOIN cases_case c ON c.id = o.case_id
           WHERE c.province_id = %s ORDER BY o.id DESC LIMIT 1""",
        [tehran],
    )
    order = cursor.fetchone()[0]
    pages.append(
        Page(
            "expulsion order page (enforcement_teh)",
            "enforcement_teh",
            f"/enforcement/orders/{order}/",
            order_page_sql(users["enforcement_teh"], order),
        )
    )

    # Letters (issue 4-6): the supervisor's print queue (and the auditor's, every province), and
    # the dispatch register of Tehran's busiest day.
    for username in ("supervisor_teh", "auditor"):
        pages.append(
            Page(
                f"letters queue ({username})",
                username,
                "/letters/",
                letters_queue_sql(users[username], tehran, permissions),
            )
        )
    cursor.execute(
        """SELECT d.sent_on FROM letters_dispatch d JOIN letters_letter l ON l.id = d.letter_id
           WHERE l.province_id = %s GROUP BY d.sent_on ORDER BY count(*) DESC, d.sent_on LIMIT 1""",
        [tehran],
    )
    (busiest,) = cursor.fetchone()
    pages.append(
        Page(
            "dispatch register (supervisor_teh)",
            "supervisor_teh",
            f"/letters/register/?on={digits_to_ascii(jalali(busiest))}",
            register_sql(users["supervisor_teh"], tehran, busiest),
        )
    )

    if compare:
        wanted = [p for p in pages if not only or any(part in p.name for part in only.split(","))]
        return compare_switches(wanted, users, compare.split(","), repeat)

    missed: list[str] = []
    judged = persons >= 1_000_000
    print(f"\n{'page':<52} {'median':>9} {'p95':>9} {'queries':>7} {'raw SQL':>9} {'ratio':>6}")
    clients: dict[str, Client] = {}
    for page in pages:
        if only and not any(part in page.name for part in only.split(",")):
            continue
        client = clients.get(page.username)
        if client is None:
            client = clients[page.username] = signed_in_client(users[page.username])

        def request(client=client, page=page):
            response = client.get(page.url)
            assert response.status_code == 200, (page.name, response.status_code)
            return response

        # The page and its raw SQL in turn, so that the ratio compares the same moments.
        (median, p95), (raw_median, _) = timed_pair(
            request, lambda page=page: run_raw(cursor, page.raw), repeat
        )
        with CaptureQueriesContext(connection) as captured:
            request()
        queries = len(captured)
        ratio = median / raw_median if raw_median else float("inf")
        page.result = {"median": median, "p95": p95, "queries": queries, "ratio": ratio}
        print(
            f"{page.name:<52} {fmt_ms(median):>9} {fmt_ms(p95):>9} {queries:>7} "
            f"{fmt_ms(raw_median):>9} {ratio:>5.1f}x"
        )
        expected = EXPECTED_QUERIES[page.name]
        if queries != expected:
            missed.append(f"{page.name}: {queries} queries, not {expected}")
        missed += judge(page, users[page.username], permissions, persons) if judged else []

    if only:
        print("targets missed: " + "; ".join(missed) if missed else "(only some pages: no verdict)")
        return 1 if missed else 0
    admin_median, admin_queries = admin_changelist(repeat)
    print(
        f"{'Django admin changelist of the cases (superuser)':<52} {fmt_ms(admin_median):>9} "
        f"{'':>9} {admin_queries:>7}"
    )

    # --- Recall of the spellings the generator wrote ---
    national = users["national_secretariat"]
    cursor.execute("SELECT case_id, typed, kind FROM bench_manifest ORDER BY case_id, kind")
    found: dict[str, list[int]] = {}
    for case_id, typed, kind in cursor.fetchall():
        hit = search_cases(user=national, text=typed).filter(pk=case_id).exists()
        found.setdefault(kind, [0, 0])
        found[kind][0] += int(hit)
        found[kind][1] += 1
    variants = [v for k, v in found.items() if k != "typo"]
    hits, total = sum(v[0] for v in variants), sum(v[1] for v in variants)
    recall = hits / total if total else 0.0
    detail = ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in sorted(found.items()) if k != "typo")
    print(f"\nrecall {recall:.0%} of {total:,} names typed in another spelling ({detail})")
    if "typo" in found:
        hits_typo, total_typo = found["typo"]
        print(
            f"typos found: {hits_typo / total_typo:.0%} of {total_typo:,} "
            "(one letter changed; not a target: a typo is not a spelling)"
        )
    if total == 0 or recall < 1:
        missed.append(f"recall {recall:.1%}")

    if not judged:
        print(
            f"\n(times are judged at 1,000,000 persons and up; at {persons:,} only the query "
            "counts and the recall are)"
        )
    if missed:
        print("targets missed: " + "; ".join(missed))
        return 1
    print("targets met")
    return 0


def sealer_note() -> str:
    """How far back the read log's sealer looks after each page read (audit.chain): every case page
    and search pays for it, so the figures say which of the two ways they were taken."""
    from django.conf import settings

    from audit.chain import after_commit_window

    looks = f"the read log's sealer looks {after_commit_window():,} ids back after each read"
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # Without a broker no beat sweeps, so the sealer after each commit looks the whole sweep's
        # window back: a cost no deployed page pays (compose runs a worker and its beat), and one
        # that grows with each read the bench itself logs, up to that window.
        return (
            f"tasks in-process (no REDIS_URL): {looks}, where a deployment with its worker and "
            "beat looks 200 back; set REDIS_URL to time the pages as deployed"
        )
    return f"tasks on a worker (REDIS_URL): {looks}"


# What each replacement of a Django internal is switched off by (revocation/settings.py, FAST_*),
# read at each call. (A switch of a setting read when the middleware is loaded, such as
# SESSION_ENGINE, works too: the client off loads its own.)
SWITCHES = {
    "usercache": lambda: {"FAST_USERCACHE": False},
    "renderer": lambda: {"FAST_RENDERER": False},
    "links": lambda: {"FAST_LINKS": False},
}


def compare_switches(pages: list[Page], users: dict, names: list[str], repeat: int) -> int:
    """Each page with each named replacement on and off, requested in turn ``repeat`` times after a
    warm-up: on a shared machine the ratio off/on is measured over the same moments. Off, a client of
    its own (its middleware loaded under the switch) with the same session as the one on."""
    import statistics
    import time

    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    for name in names:
        if name not in SWITCHES:
            sys.exit(f"bench: no switch {name!r} (one of {', '.join(SWITCHES)})")
    print(
        f"\n{'page':<44} {'switch':<10} {'on':>9} {'off':>9} {'off/on':>7} {'queries on/off':>15}"
    )
    on_clients: dict[str, Client] = {}
    for page in pages:
        on = on_clients.get(page.username)
        if on is None:
            on = on_clients[page.username] = signed_in_client(users[page.username])
        for name in names:
            switched = override_settings(**SWITCHES[name]())
            off = Client()
            off.cookies = on.cookies  # the same session, read through the other path

            def request(client, switch=None, page=page, name=name):
                if switch is not None:
                    switch.enable()
                try:
                    start = time.perf_counter()
                    response = client.get(page.url)
                    took = (time.perf_counter() - start) * 1000
                finally:
                    if switch is not None:
                        switch.disable()
                assert response.status_code == 200, (page.name, name, response.status_code)
                return took

            request(on), request(off, switched)
            times: tuple[list[float], list[float]] = ([], [])
            for _ in range(repeat):
                times[0].append(request(on))
                times[1].append(request(off, switched))
            queries = []
            for client, switch in ((on, None), (off, switched)):
                with CaptureQueriesContext(connection) as captured:
                    request(client, switch)
                queries.append(len(captured))
            median_on, median_off = (statistics.median(t) for t in times)
            print(
                f"{page.name:<44} {name:<10} {fmt_ms(median_on):>9} {fmt_ms(median_off):>9} "
                f"{median_off / median_on:>6.2f}x {queries[0]:>7}/{queries[1]}"
            )
    return 0


USERNAMES = [
    "expert_teh",
    "secretary_teh",
    "supervisor_teh",
    "enforcement_teh",
    "national_secretariat",
    "najva_operator",
    "auditor",
]
# A name of one word: no space, ZWNJ or other separator the search splits words at.
ONE_WORD = "[\\s\u200c\u200b]"
COMMON_LAST_NAMES = (
    "احمدی", "محمدی", "حسینی", "رضایی", "کریمی", "رحیمی", "عبدالهی", "نوری", "جعفری", "حیدری",
    "قاسمی", "یوسفی", "عزیزی", "امیری", "هاشمی", "رسولی", "صدیقی", "کاظمی", "موسوی", "رئیسی",
    "مؤمنی", "آقایی", "اسماعیلی", "ابراهیمی", "یعقوبی", "شیرزاد", "تاجیک", "پوپلزی", "احمدزی",
    "قربانی", "سلطانی",
)  # fmt: skip


def judge(page: Page, user, permissions, persons: int) -> list[str]:
    """The targets of issue 7 this page missed."""
    result, missed = page.result, []
    if persons >= 10_000_000:
        if page.kind == "name" and result["median"] >= 300:
            missed.append(f"{page.name}: median {fmt_ms(result['median'])} (target 300 ms)")
        return missed
    if page.kind == "name":
        if result["median"] >= 100:
            missed.append(f"{page.name}: median {fmt_ms(result['median'])} (target 100 ms)")
        if result["p95"] >= 250:
            missed.append(f"{page.name}: p95 {fmt_ms(result['p95'])} (target 250 ms)")
    elif page.kind == "number":
        if result["median"] >= 20:
            missed.append(f"{page.name}: median {fmt_ms(result['median'])} (target 20 ms)")
    if permissions.is_national(user):
        if result["median"] >= 100 and page.kind != "name":
            missed.append(f"{page.name}: median {fmt_ms(result['median'])} (target 100 ms)")
    elif page.kind == "page":
        if result["median"] >= 50:
            missed.append(f"{page.name}: median {fmt_ms(result['median'])} (target 50 ms)")
    if not permissions.is_national(user) and result["ratio"] > 5:
        missed.append(f"{page.name}: {result['ratio']:.1f}x its raw SQL (target 5x)")
    return missed


def run_raw(cursor, statements) -> None:
    if callable(statements):
        statements(cursor)
        return
    for sql, params in statements:
        cursor.execute(sql, params)
        cursor.fetchall()


def scope_sql(user, tehran: int, permissions) -> tuple[str, list]:
    """The cases the user sees, as SQL on ``cases_case c``."""
    from accounts.roles import ROLE_SCOPE, Scope

    kinds = {ROLE_SCOPE[role] for role in permissions.roles_of(user)}
    if Scope.NATIONAL in kinds:
        return "TRUE", []
    if Scope.NATIONAL_FROM_CONFIRMATION in kinds:
        return "c.state IN %s", [tuple(sorted(permissions.confirmed_states()))]
    return "c.province_id = %s", [user.province_id]


CASE_COLUMNS = """c.id, c.number, c.state, c.source_type, c.opened_at, c.state_entered_at,
    c.province_id, pr.name, c.assigned_expert_id, u.first_name, u.last_name"""
CASE_JOINS = """JOIN reference_province pr ON pr.id = c.province_id
    LEFT JOIN accounts_user u ON u.id = c.assigned_expert_id"""


def chrome_sql(user) -> list[tuple[str, list]]:
    """The rows every page shows around its own: the user's name, roles and province."""
    statements = [
        ("SELECT * FROM accounts_user WHERE id = %s", [user.pk]),
        (
            """SELECT g.name FROM auth_group g JOIN accounts_user_groups ug ON ug.group_id = g.id
               WHERE ug.user_id = %s""",
            [user.pk],
        ),
    ]
    if user.province_id:
        statements.append(("SELECT * FROM reference_province WHERE id = %s", [user.province_id]))
    return statements


def form_sql(user) -> list[tuple[str, list]]:
    """The options of the search form: the offence catalogue and the experts one may filter by."""
    experts = """SELECT u.id, u.first_name, u.last_name FROM accounts_user u
        JOIN accounts_user_groups ug ON ug.user_id = u.id JOIN auth_group g ON g.id = ug.group_id
        WHERE g.name = 'provincial_expert' AND u.is_active"""
    params = []
    if user.province_id:
        experts += " AND u.province_id = %s"
        params = [user.province_id]
    return [
        ("SELECT * FROM reference_offencetype ORDER BY version_year DESC, code", []),
        (experts + " ORDER BY u.last_name, u.first_name", params),
    ]


def queue_sql(user, scope, params, states, per_step):
    """The work queue's rows: the count per state, the oldest of each state, what the rules of
    their steps read, and the counts per state of the side panel."""

    from accounts.roles import ROLE_CAPABILITIES

    capabilities = {c.value for code in user.role_codes for c in ROLE_CAPABILITIES[code]}

    def run(cursor):
        run_raw(cursor, chrome_sql(user))
        counts = {}
        if states:
            cursor.execute(
                f"SELECT c.state, count(*) FROM cases_case c WHERE {scope} AND c.state IN %s GROUP BY 1",
                [*params, tuple(states)],
            )
            counts = dict(cursor.fetchall())
        present = [state for state in states if state in counts]
        if present:
            union = " UNION ALL ".join(
                f"""(SELECT {CASE_COLUMNS} FROM cases_case c {CASE_JOINS}
                     WHERE {scope} AND c.state = %s ORDER BY c.opened_at LIMIT %s)"""
                for _ in present
            )
            union_params = [v for state in present for v in (*params, state, per_step)]
            cursor.execute(f"SELECT * FROM ({union}) t ORDER BY t.opened_at", union_params)
            ids = [row[0] for row in cursor.fetchall()]
            run_raw(
                cursor,
                [
                    ("SELECT * FROM cases_inquiry WHERE case_id = ANY(%s)", [ids]),
                    ("SELECT * FROM cases_evidence WHERE case_id = ANY(%s)", [ids]),
                    (
                        """SELECT s.*, p.*, h.* FROM cases_casesubject s
                           JOIN people_person p ON p.id = s.person_id
                           JOIN people_household h ON h.id = p.household_id
                           WHERE s.case_id = ANY(%s)""",
                        [ids],
                    ),
                    (
                        """SELECT m.id, m.household_id FROM people_person m WHERE m.household_id IN
                           (SELECT p.household_id FROM cases_casesubject s
                            JOIN people_person p ON p.id = s.person_id WHERE s.case_id = ANY(%s))
                           AND m.household_id IN (SELECT h.id FROM people_household h
                            JOIN cases_casesubject c ON c.person_id = h.head_id
                            WHERE c.decision = 'cancel')""",
                        [ids],
                    ),
                ],
            )
        cursor.execute(
            f"SELECT c.state, count(*) FROM cases_case c WHERE {scope} GROUP BY 1", params
        )
        cursor.fetchall()
        # Step 7's part: the persons not found (a supervisor), or how many wait (the liaison).
        ordered = f"SELECT c.id FROM cases_case c WHERE {scope} AND c.state = 'expulsion_ordered'"
        if "supervise_case" in capabilities:
            cursor.execute(
                f"""SELECT e.*, c.number, p.first_name, p.last_name FROM enforcement_orderedperson e
                    JOIN enforcement_expulsionorder o ON o.id = e.order_id
                    JOIN cases_case c ON c.id = o.case_id JOIN cases_casesubject s ON s.id = e.subject_id
                    JOIN people_person p ON p.id = s.person_id
                    WHERE e.outcome = 'not_found' AND o.case_id IN ({ordered})
                    AND NOT EXISTS (SELECT 1 FROM enforcement_orderedperson l
                                    WHERE l.subject_id = e.subject_id AND l.id > e.id)
                    ORDER BY e.recorded_at LIMIT 20""",
                params,
            )  # fmt: skip
            cursor.fetchall()
        if "record_expulsion" in capabilities:
            cursor.execute(
                f"""SELECT count(*) FROM enforcement_orderedperson e
                    JOIN enforcement_expulsionorder o ON o.id = e.order_id
                    WHERE e.outcome = '' AND o.case_id IN ({ordered})""",
                params,
            )
            cursor.fetchall()
        if supervises:  # the letters waiting for the supervisor, per section of the queue
            cursor.execute(
                """SELECT l.status, count(*) FROM letters_letter l WHERE l.province_id = %s
                   AND l.status IN ('waiting', 'printed', 'signed', 'dispatched', 'returned')
                   GROUP BY 1""",
                [user.province_id],
            )
            cursor.fetchall()

    from accounts.permissions import can

    supervises = can(user, "supervise_case")
    return run


def list_sql(user, scope, params, cap) -> list[tuple[str, list]]:
    """The case list's rows: the page's chrome and form, the capped count, the page, its subjects."""
    page = f"""SELECT {CASE_COLUMNS} FROM cases_case c {CASE_JOINS} WHERE {scope}
        ORDER BY c.opened_at DESC LIMIT 25"""
    return [
        *chrome_sql(user),
        *form_sql(user),
        (f"SELECT count(*) FROM (SELECT 1 FROM cases_case c WHERE {scope} LIMIT %s) t", [*params, cap + 1]),
        (page, params),
        (f"""SELECT s.case_id, p.first_name, p.last_name FROM cases_casesubject s
             JOIN people_person p ON p.id = s.person_id WHERE s.case_id IN (SELECT id FROM ({page}) t)""", params),
    ]  # fmt: skip


def search_sql(user, scope, params, text, kind, cap):
    """The SQL of a search, as a user of the database would write it: for a name, the parts of
    names each word may mean (from the small vocabulary), then the subjects' cases by those parts
    (the full-text index), then the page of those ids; for a number, the three exact lookups."""
    from shared.persian import normalize_identifier

    if kind == "name":
        return lambda cursor: name_search_sql(cursor, user, scope, params, text, cap)
    number = normalize_identifier(text)
    match = """c.id IN (SELECT s.case_id FROM cases_casesubject s
            JOIN people_identitydocument d ON d.person_id = s.person_id WHERE d.number = %s
        UNION SELECT s.case_id FROM cases_casesubject s JOIN people_person p ON p.id = s.person_id
            JOIN people_household h ON h.id = p.household_id WHERE h.number = %s
        UNION SELECT id FROM cases_case WHERE number = %s)"""
    return list_sql(user, f"{scope} AND {match}", [*params, number, number, text], cap)


def name_search_sql(cursor, user, scope, params, text, cap) -> None:
    from people.selectors import MAX_PARTS_PER_WORD, typed_words

    clauses = []
    for word in typed_words(text):
        cursor.execute(
            "SELECT part FROM people_namepart WHERE part LIKE %s ORDER BY part LIMIT %s",
            [f"%{word}%", MAX_PARTS_PER_WORD + 1],
        )
        parts = [part for (part,) in cursor.fetchall()]
        if not parts:
            words = typed_words(text)
            at = words.index(word)
            joined = [words[at - 1] + word] if at else []
            joined += [word + words[at + 1]] if at + 1 < len(words) else []
            whole = "GREATEST(" + ", ".join("similarity(part, %s)" for _ in joined) + ")"
            cursor.execute(
                f"""SELECT part FROM (SELECT part, word_similarity(%s, part) AS inside,
                       {whole if joined else "0"} AS whole FROM people_namepart) t
                   WHERE inside >= 0.3 OR whole >= 0.5
                   ORDER BY GREATEST(inside, whole) DESC, part LIMIT 10""",
                [word, *joined],
            )
            parts = [part for (part,) in cursor.fetchall()]
        clauses.append("(" + " | ".join(f"'{part}'" for part in parts) + ")")
    cursor.execute(
        """SELECT DISTINCT s.case_id FROM cases_casesubject s JOIN people_person p ON p.id = s.person_id
           WHERE to_tsvector('simple'::regconfig, p.name_parts) @@ to_tsquery('simple', %s)""",
        [" & ".join(clauses)],
    )
    ids = [case_id for (case_id,) in cursor.fetchall()]
    run_raw(cursor, list_sql(user, f"{scope} AND c.id = ANY(%s)", [*params, ids], cap))


def case_page_sql(user, number) -> list[tuple[str, list]]:
    case = "(SELECT id FROM cases_case WHERE number = %s)"
    return [
        *chrome_sql(user),
        (f"SELECT {CASE_COLUMNS} FROM cases_case c {CASE_JOINS} WHERE c.number = %s", [number]),
        (f"""SELECT s.*, p.*, h.number, h.head_id, hp.first_name, hp.last_name FROM cases_casesubject s
             JOIN people_person p ON p.id = s.person_id JOIN people_household h ON h.id = p.household_id
             LEFT JOIN people_person hp ON hp.id = h.head_id WHERE s.case_id = {case}""", [number]),
        (f"""SELECT d.*, t.name FROM people_identitydocument d JOIN reference_documenttype t
             ON t.id = d.document_type_id WHERE d.person_id IN
             (SELECT person_id FROM cases_casesubject WHERE case_id = {case})""", [number]),
        (f"""SELECT m.id, m.first_name, m.last_name, m.household_id FROM people_person m
             WHERE m.household_id IN (SELECT p.household_id FROM cases_casesubject s
             JOIN people_person p ON p.id = s.person_id WHERE s.case_id = {case})""", [number]),
        (f"SELECT e.* FROM audit_event e WHERE e.case_id = {case} ORDER BY e.at, e.id", [number]),
        (f"SELECT v.* FROM cases_evidence v WHERE v.case_id = {case}", [number]),
        (f"SELECT i.* FROM cases_inquiry i WHERE i.case_id = {case}", [number]),
        # The working groups' part: the sessions the case was on.
        (f"""SELECT ai.*, s.*, g.*, pr.name FROM committees_agendaitem ai
             JOIN committees_session s ON s.id = ai.session_id
             JOIN committees_workinggroup g ON g.id = s.group_id
             LEFT JOIN reference_province pr ON pr.id = g.province_id
             WHERE ai.case_id = {case} ORDER BY s.held_on, ai.id""", [number]),
        # Najva's part: the registrations of the cancelled documents, and the printed forms.
        (f"""SELECT r.*, p.first_name, p.last_name, d.number, t.name FROM najva_registration r
             JOIN cases_casesubject s ON s.id = r.subject_id JOIN people_person p ON p.id = s.person_id
             JOIN people_identitydocument d ON d.id = r.document_id
             JOIN reference_documenttype t ON t.id = d.document_type_id
             WHERE r.case_id = {case} ORDER BY r.subject_id, r.id""", [number]),
        (f"""SELECT f.* FROM najva_cancellationform f JOIN cases_casesubject s
             ON s.id = f.subject_id WHERE s.case_id = {case}""", [number]),
        # Step 7's part: the orders, and the persons on them with their outcome.
        (f"""SELECT o.*, b.name, u.first_name, u.last_name FROM enforcement_expulsionorder o
             JOIN reference_borderpoint b ON b.id = o.border_point_id
             JOIN accounts_user u ON u.id = o.issued_by_id
             WHERE o.case_id = {case} ORDER BY o.id""", [number]),
        (f"""SELECT e.*, p.first_name, p.last_name, b.name FROM enforcement_orderedperson e
             JOIN enforcement_expulsionorder o ON o.id = e.order_id
             JOIN cases_casesubject s ON s.id = e.subject_id JOIN people_person p ON p.id = s.person_id
             LEFT JOIN reference_borderpoint b ON b.id = e.exit_border_point_id
             WHERE o.case_id = {case} ORDER BY e.id""", [number]),
        # The letters' part: each letter with its addressee, and their postings.
        (f"""SELECT l.*, p.first_name, p.last_name, h.number, a.name FROM letters_letter l
             LEFT JOIN people_person p ON p.id = l.person_id
             LEFT JOIN people_household h ON h.id = l.household_id
             LEFT JOIN letters_agencyoffice a ON a.id = l.agency_id
             WHERE l.case_id = {case} ORDER BY l.id""", [number]),
        (f"""SELECT d.* FROM letters_dispatch d WHERE d.letter_id IN
             (SELECT id FROM letters_letter WHERE case_id = {case}) ORDER BY d.id""", [number]),
    ]  # fmt: skip


def order_page_sql(user, pk: int) -> list[tuple[str, list]]:
    """One order with its case, border point and issuer; its persons with their outcome."""
    return [
        *chrome_sql(user),
        (
            """SELECT o.*, c.number, c.state, b.name, u.first_name, u.last_name
               FROM enforcement_expulsionorder o JOIN cases_case c ON c.id = o.case_id
               JOIN reference_borderpoint b ON b.id = o.border_point_id
               JOIN accounts_user u ON u.id = o.issued_by_id WHERE o.id = %s""",
            [pk],
        ),
        (
            """SELECT e.*, p.first_name, p.last_name, b.name FROM enforcement_orderedperson e
               JOIN cases_casesubject s ON s.id = e.subject_id
               JOIN people_person p ON p.id = s.person_id
               LEFT JOIN reference_borderpoint b ON b.id = e.exit_border_point_id
               WHERE e.order_id = %s ORDER BY e.id""",
            [pk],
        ),
    ]


def najva_queue_sql(user, per_section: int = 50):
    """The operator's queue: how many are parked and waiting, then the oldest parked and the
    oldest waiting registrations with their case, person and document."""
    rows = """SELECT r.*, c.number, p.first_name, p.last_name, d.number, t.name
        FROM najva_registration r JOIN cases_case c ON c.id = r.case_id
        JOIN cases_casesubject s ON s.id = r.subject_id JOIN people_person p ON p.id = s.person_id
        JOIN people_identitydocument d ON d.id = r.document_id
        JOIN reference_documenttype t ON t.id = d.document_type_id
        WHERE r.status = %s ORDER BY r.created_at LIMIT %s"""
    return [
        *chrome_sql(user),
        (
            """SELECT status, count(*) FROM najva_registration
               WHERE status IN ('pending', 'failed') GROUP BY status""",
            [],
        ),
        (rows, ["failed", per_section]),
        (rows, ["pending", per_section]),
    ]


def najva_record_sql(user, pk: int) -> list[tuple[str, list]]:
    """One registration with its case, person and document; what the registry says of it."""
    return [
        *chrome_sql(user),
        (
            """SELECT r.*, c.*, p.first_name, p.last_name, d.number, t.code, t.name
               FROM najva_registration r JOIN cases_case c ON c.id = r.case_id
               JOIN cases_casesubject s ON s.id = r.subject_id
               JOIN people_person p ON p.id = s.person_id
               JOIN people_identitydocument d ON d.id = r.document_id
               JOIN reference_documenttype t ON t.id = d.document_type_id WHERE r.id = %s""",
            [pk],
        ),
        (
            """SELECT e.* FROM najva_registryentry e JOIN people_identitydocument d
               ON d.number = e.document_number JOIN najva_registration r ON r.document_id = d.id
               WHERE r.id = %s LIMIT 1""",
            [pk],
        ),
    ]


def form_print_sql(user, number: str, subject: int) -> list[tuple[str, list]]:
    """The case, the subject with the person, the form if printed, the registrations."""
    return [
        *chrome_sql(user),
        (f"SELECT {CASE_COLUMNS} FROM cases_case c {CASE_JOINS} WHERE c.number = %s", [number]),
        (
            """SELECT s.*, p.* FROM cases_casesubject s JOIN people_person p ON p.id = s.person_id
               WHERE s.id = %s""",
            [subject],
        ),
        ("SELECT * FROM najva_cancellationform WHERE subject_id = %s", [subject]),
        (
            """SELECT r.*, d.number, t.name FROM najva_registration r
               JOIN people_identitydocument d ON d.id = r.document_id
               JOIN reference_documenttype t ON t.id = d.document_type_id
               WHERE r.subject_id = %s ORDER BY r.id""",
            [subject],
        ),
    ]


def letter_scope_sql(user, tehran: int, permissions) -> tuple[str, list]:
    """The letters the user sees, as SQL on ``letters_letter l`` (their own province column)."""
    from accounts.roles import ROLE_SCOPE, Scope

    kinds = {ROLE_SCOPE[role] for role in permissions.roles_of(user)}
    if Scope.NATIONAL in kinds:
        return "TRUE", []
    return "l.province_id = %s", [user.province_id]


def letters_queue_sql(user, tehran: int, permissions, per_section: int = 50):
    """The print queue: how many letters wait in each section; the ids of the oldest of each;
    then those letters with their case, their addressee and their latest posting."""
    scope, params = letter_scope_sql(user, tehran, permissions)
    statuses = ("waiting", "printed", "signed", "dispatched", "returned")
    latest = """(SELECT d.{} FROM letters_dispatch d WHERE d.letter_id = l.id
        ORDER BY d.id DESC LIMIT 1)"""
    postings = ", ".join(
        latest.format(name)
        for name in ("tracking_number", "sent_on", "outcome", "returned_on", "return_reason")
    )

    def run(cursor) -> None:
        run_raw(cursor, chrome_sql(user))
        cursor.execute(
            f"""SELECT l.status, count(*) FROM letters_letter l WHERE {scope}
                AND l.status IN %s GROUP BY l.status""",
            [*params, statuses],
        )
        cursor.fetchall()
        ids = []
        for status in statuses:
            cursor.execute(
                f"""SELECT l.id FROM letters_letter l WHERE {scope} AND l.status = %s
                    ORDER BY l.status_at, l.id LIMIT %s""",
                [*params, status, per_section],
            )
            ids += [pk for (pk,) in cursor.fetchall()]
        cursor.execute(
            f"""SELECT l.*, c.number, p.first_name, p.last_name, h.number, a.name, {postings}
                FROM letters_letter l JOIN cases_case c ON c.id = l.case_id
                LEFT JOIN people_person p ON p.id = l.person_id
                LEFT JOIN people_household h ON h.id = l.household_id
                LEFT JOIN letters_agencyoffice a ON a.id = l.agency_id WHERE l.id = ANY(%s)""",
            [ids],
        )
        cursor.fetchall()

    return run


def register_sql(user, tehran: int, day) -> list[tuple[str, list]]:
    """The day's postings of the province's letters, with their letter and addressee."""
    return [
        *chrome_sql(user),
        (
            """SELECT d.*, l.*, c.number, pr.name, p.first_name, p.last_name, h.number, a.name,
                   u.first_name, u.last_name
               FROM letters_dispatch d JOIN letters_letter l ON l.id = d.letter_id
               JOIN cases_case c ON c.id = l.case_id
               JOIN reference_province pr ON pr.id = c.province_id
               LEFT JOIN people_person p ON p.id = l.person_id
               LEFT JOIN people_household h ON h.id = l.household_id
               LEFT JOIN letters_agencyoffice a ON a.id = l.agency_id
               JOIN accounts_user u ON u.id = d.dispatched_by_id
               WHERE d.sent_on = %s AND l.province_id = %s ORDER BY pr.name, d.id""",
            [day, tehran],
        ),
    ]


def national_queue_sql(user, cap: int, per_page: int):
    """The national queue's rows: approved cases of every province, oldest first, with their
    province, offence type and provincial resolutions; the open national sessions; the filters'
    provinces and offence types."""

    def run(cursor) -> None:
        for sql, params in chrome_sql(user):
            cursor.execute(sql, params)
            cursor.fetchall()
        cursor.execute(
            """SELECT count(*) FROM (SELECT 1 FROM cases_case
               WHERE state = 'approved_by_province' LIMIT %s) t""",
            [cap + 1],
        )
        cursor.fetchall()
        cursor.execute(
            """SELECT c.id, c.number, c.source_type, c.province_resolution_number,
                      c.province_resolution_date, pr.name, o.title, o.version_year
               FROM cases_case c JOIN reference_province pr ON pr.id = c.province_id
               LEFT JOIN reference_offencetype o ON o.id = c.offence_type_id
               WHERE c.state = 'approved_by_province' ORDER BY c.state_entered_at, c.id
               LIMIT %s""",
            [per_page],
        )
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            """SELECT ai.*, s.number FROM committees_agendaitem ai
               JOIN committees_session s ON s.id = ai.session_id
               JOIN committees_workinggroup g ON g.id = s.group_id
               WHERE ai.case_id = ANY(%s) AND s.state = 'closed' AND g.kind = 'provincial'""",
            [ids],
        )
        cursor.fetchall()
        for sql in (
            """SELECT s.* FROM committees_session s JOIN committees_workinggroup g
               ON g.id = s.group_id WHERE g.kind = 'national' AND s.state = 'open'""",
            "SELECT * FROM reference_province ORDER BY name",
            "SELECT * FROM reference_offencetype ORDER BY version_year DESC, code",
        ):
            cursor.execute(sql)
            cursor.fetchall()

    return run


def register_case_admin() -> None:
    """Cases on Django's admin site, in this process only (before the URLs are first read): the
    project's admin offers no case, but its changelist is the comparison the issue asks for."""
    from django.contrib import admin

    from cases.models import Case

    class CaseAdmin(admin.ModelAdmin):
        list_display = ("number", "state", "province", "source_type", "opened_at")
        list_select_related = ("province",)
        list_per_page = 25

    admin.site.register(Case, CaseAdmin)


def admin_changelist(repeat: int) -> tuple[float, int]:
    """Django admin's changelist of the cases, first page, as a superuser: for comparison."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in_client(get_user_model().objects.filter(is_superuser=True).first())

    def request():
        response = client.get("/admin/cases/case/")
        assert response.status_code == 200, response.status_code
        return response

    median, _, _ = timed(request, repeat)
    with CaptureQueriesContext(connection) as captured:
        request()
    return median, len(captured)


if __name__ == "__main__":
    main()
