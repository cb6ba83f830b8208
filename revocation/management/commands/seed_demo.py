"""Demo data: one user per role in Tehran and Isfahan, and demo cases in every state.

Every case is made through the services, so its audit trail is the real one. Idempotent: users,
households, people and documents are found by their keys, and a demo case is made only when no case
has its demo reference yet; running it twice leaves the same data.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import grants
from accounts.permissions import approving_role, needs_second_factor
from accounts.roles import Role
from accounts.services import DEMO_TOTP_SECRET, account_set_roles, totp_demo_device
from audit.chain import seal_all
from audit.heads import export_heads
from audit.verification import verify_all
from cases import services
from cases.choices import CaseState, SourceType
from cases.models import Case
from people.models import Household, IdentityDocument, Person, Relation, Sex
from reference.models import DocumentType, OffenceType, Province
from revocation.demo.committees import group_with_members, next_number
from revocation.demo.letters import send_all
from revocation.demo.najva import park_in_outage
from revocation.demo.najva import settle as najva_settle
from revocation.demo.walk import (
    STEPS_TO,
    Actors,
    attach_required_evidence,
    dated,
    source_for,
    story_days,
    walk,
)
from shared import clock

DEMO_USERS = [
    # username, role, province slug, first name, last name
    ("expert_teh", Role.EXPERT, "tehran", "مریم", "احمدی"),
    ("expert_isf", Role.EXPERT, "isfahan", "حسین", "رضایی"),
    ("secretary_teh", Role.SECRETARY, "tehran", "زهرا", "موسوی"),
    ("secretary_isf", Role.SECRETARY, "isfahan", "مهدی", "کاظمی"),
    ("supervisor_teh", Role.SUPERVISOR, "tehran", "علیرضا", "حسینی"),
    ("supervisor_isf", Role.SUPERVISOR, "isfahan", "فاطمه", "نوری"),
    ("enforcement_teh", Role.ENFORCEMENT, "tehran", "رضا", "محمدی"),
    ("najva_operator", Role.REGISTRY_OPERATOR, None, "سارا", "جعفری"),
    ("national_secretariat", Role.NATIONAL_SECRETARIAT, None, "محمد", "صادقی"),
    ("auditor", Role.AUDITOR, None, "نرگس", "کریمی"),
]

OFFENCE_CATALOGUES = {
    1404: [
        ("01", "خروج غیرقانونی از کشور"),
        ("02", "ارتکاب جرم منجر به حکم قضایی قطعی"),
        ("03", "اقدام علیه امنیت عمومی"),
        ("04", "جعل یا استفاده از مدرک مجعول"),
    ],
    1405: [
        ("01", "خروج غیرمجاز از مرزهای کشور"),
        ("02", "ارتکاب جرم منجر به حکم قضایی قطعی"),
        ("03", "اقدام علیه امنیت عمومی"),
        ("04", "جعل یا استفاده از مدرک مجعول"),
        ("05", "اقامت غیرمجاز پس از انقضای مدرک"),
    ],
}

# Every state once in Tehran; Isfahan gets a few of its own, so that isolation can be seen.
DEMO_CASES = [(state.value, "tehran", source_for(state), STEPS_TO[state]) for state in CaseState]
DEMO_CASES[CaseState.values.index(CaseState.REJECTED_BY_PROVINCE)] = (
    CaseState.REJECTED_BY_PROVINCE.value,
    "tehran",
    SourceType.HOUSEHOLD_MEMBER,
    STEPS_TO[CaseState.REJECTED_BY_PROVINCE],
)
DEMO_CASES += [
    ("isf-received", "isfahan", SourceType.AGENCY_REPORT, []),
    (
        "isf-ready",
        "isfahan",
        SourceType.ILLEGAL_EXIT_REPORT,
        STEPS_TO[CaseState.READY_FOR_PROVINCE],
    ),
    (
        "isf-approved",
        "isfahan",
        SourceType.JUDICIAL_RULING,
        STEPS_TO[CaseState.APPROVED_BY_PROVINCE],
    ),
    # A case of illegal exit whose cards are cancelled: the supervisor closes it as already gone.
    (
        "teh-departed-to-close",
        "tehran",
        SourceType.ILLEGAL_EXIT_REPORT,
        STEPS_TO[CaseState.CARD_CANCELLED],
    ),
]

FAMILIES = [
    # household head, spouse, child: (first, last, father, sex)
    (("علی", "کریمی‌نژاد", "حسن", Sex.MALE), ("فاطمه", "رحیمی", "محمد", Sex.FEMALE)),
    (("محمد", "حیدری", "عبدالله", Sex.MALE), ("زینب", "سلطانی", "احمد", Sex.FEMALE)),
    (("عبدالرحمن", "نظری", "غلام", Sex.MALE), ("مریم", "یوسفی", "رحمت", Sex.FEMALE)),
    (("نصرالله", "هاشمی", "نور", Sex.MALE), ("گل‌افروز", "امیری", "صفر", Sex.FEMALE)),
]


# The demo's closed Tehran session: three cases, approved, rejected and returned.
DEMO_SESSION_CASES = ["approve", "reject", "return"]


class Command(BaseCommand):
    help = "Create demo users (one per role, Tehran and Isfahan) and demo cases in every state."

    def handle(self, *args, **options):
        with transaction.atomic():
            self.users = self._users()
            self._offence_catalogues()
        made = 0
        for index, (key, province, source_type, steps) in enumerate(DEMO_CASES):
            reference = f"{index + 101}/ن/۱۴۰۵"  # one per demo case: how a rerun finds it
            if Case.objects.filter(source_reference=reference).exists():
                continue
            with transaction.atomic():
                self._case(index, reference, province, source_type, steps, key=key)
            made += 1
        with transaction.atomic():
            self._working_groups()
        if self._demo_session():
            made += len(DEMO_SESSION_CASES)
        self.stdout.write(
            f"seed_demo: {made} demo cases made, {Case.objects.count()} cases in all."
        )
        # The auditor's page then shows a verified chain and the day's exported heads, as a
        # server's nightly verify_audit and beat would leave them (once: a rerun adds nothing).
        if made:
            # What the beat's sweep does every minute: the demo's records are dated over the past
            # months, so one not sealed yet (a commit's sealer still to run) would read as overdue.
            seal_all()
            export_heads()
            report = verify_all()
            sealed = ", ".join(f"{state.name} {state.checked}" for state in report.chains)
            result = "intact" if report.ok else report.problem
            self.stdout.write(f"audit chains verified ({sealed} records): {result}")
        self.stdout.write(f"Demo logins (password: {settings.DEMO_PASSWORD}):")
        for username, role, province, *_ in DEMO_USERS:
            where = f" — {Province.objects.get(slug=province).name}" if province else ""
            self.stdout.write(f"  {username:<22} {Role(role).label}{where}")
        self.stdout.write("  admin                  مدیر فنی سامانه (داده‌های پایه و کاربران)")
        self.stdout.write(
            "Second factor (supervisors, national roles, auditor, admin): add the demo key "
            f"{DEMO_TOTP_SECRET} to an authenticator app (time-based), or print the current "
            "code with: python manage.py demo_totp <username>"
        )

    def _users(self):
        """One user per role, each role given as it is on a server: proposed by the IT
        administrator and approved by the holder of the approving role (accounts.grants); the
        first national secretariat, whom no one can approve yet, from the shell's command
        (grant_first_approver). Approvers first, so that each grant has its approver."""
        User = get_user_model()
        admin, _ = User.objects.update_or_create(
            username="admin",
            defaults={"is_staff": True, "is_superuser": True, "email": "admin@example.invalid"},
        )
        if not admin.check_password(settings.DEMO_PASSWORD):
            admin.set_password(settings.DEMO_PASSWORD)
            admin.save(update_fields=["password"])

        def approved_by(spec):  # the first national secretariat, its grants, the provinces'
            role = spec[1]
            if role == Role.NATIONAL_SECRETARIAT:
                return 0
            return 1 if approving_role(role) == Role.NATIONAL_SECRETARIAT else 2

        users = {}
        for username, role, province, first, last in sorted(DEMO_USERS, key=approved_by):
            province = Province.objects.get(slug=province) if province else None
            user, _ = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last},
            )
            user.first_name, user.last_name = first, last
            user.email, user.is_active = f"{username}@example.invalid", True
            if not user.check_password(settings.DEMO_PASSWORD):
                user.set_password(settings.DEMO_PASSWORD)
            user.save()
            if set(user.role_codes) != {role.value} or user.province_id != getattr(
                province, "pk", None
            ):
                account_set_roles(by=admin, user=user, roles=[])  # narrowing: no approval
                self._grant(admin, user, role, province)
            users[username] = User.objects.get(pk=user.pk)  # fresh, with roles not cached
        # The roles that need a second factor get the published demo key (docs/security.md).
        for user in [*users.values(), admin]:
            if needs_second_factor(user):
                totp_demo_device(user=user)
        return users

    @staticmethod
    def _grant(admin, user, role, province):
        User = get_user_model()
        if role == Role.NATIONAL_SECRETARIAT:
            grants.grant_first_approver(user=user)
            return
        approver = (
            User.objects.filter(groups__name=approving_role(role).value, ever_staff=False)
            .filter(province=province if approving_role(role) == Role.SUPERVISOR else None)
            .exclude(pk=user.pk)
            .order_by("pk")
            .first()
        )
        grant = grants.propose(
            by=admin, user=user, role=role, province=province, reason="کاربر نمایشی (seed_demo)"
        )
        grants.approve(grant=grant, by=approver, note="کاربر نمایشی (seed_demo)")

    def _offence_catalogues(self):
        for year, entries in OFFENCE_CATALOGUES.items():
            for code, title in entries:
                OffenceType.objects.get_or_create(
                    version_year=year, code=code, defaults={"title": title}
                )

    def _family(self, index: int, province: Province):
        head_spec, spouse_spec = FAMILIES[index % len(FAMILIES)]
        household, _ = Household.objects.get_or_create(
            number=f"{7100 + index}",
            defaults={
                "province": province,
                "postal_address": (
                    f"{province.name}، خیابان آزادی، کوچه {index + 3}، پلاک {index + 10}"
                ),
                "postal_code": f"{1315700000 + index}",
            },
        )
        amayesh = DocumentType.objects.get(code=DocumentType.AMAYESH)
        people = []
        for offset, ((first, last, father, sex), relation) in enumerate(
            [(head_spec, Relation.HEAD), (spouse_spec, Relation.SPOUSE)]
        ):
            person, _ = Person.objects.get_or_create(
                household=household,
                first_name=first,
                last_name=last,
                defaults={
                    "father_name": father,
                    "sex": sex,
                    "relation_to_head": relation,
                    "birth_date": datetime.date(1985 + index % 10, 3 + offset, 21),
                },
            )
            IdentityDocument.objects.get_or_create(
                document_type=amayesh,
                number=f"{2026000000 + index * 10 + offset}",
                defaults={
                    "person": person,
                    "series": "A" + str(index),
                    "issued_on": datetime.date(2025, 3, 21),
                    "expires_on": datetime.date(2027, 3, 20),
                },
            )
            people.append(person)
        if household.head_id is None:
            household.head = people[0]
            household.save(update_fields=["head"])
        return household, people

    def _case(self, index, reference, province, source_type, steps, key=""):
        suffix = "teh" if province == "tehran" else "isf"
        actors = Actors(
            expert=self.users[f"expert_{suffix}"],
            secretary=self.users[f"secretary_{suffix}"],
            supervisor=self.users[f"supervisor_{suffix}"],
            national=self.users["national_secretariat"],
            registry=self.users["najva_operator"],
            enforcement=self.users["enforcement_teh"],
        )
        _, people = self._family(index, actors.expert.province)
        # The demo tells its story over the past four months: the cases opened from about 120
        # days ago, a step every nine days, so that the queues show ages, due dates and late
        # cases as an office would see them (a case whose walk reaches today stops there).
        opened = clock.today() - datetime.timedelta(days=max(120 - 5 * index, 3 + len(steps)))
        days = story_days(opened, len(steps))
        with dated(opened):
            case = services.case_open(
                by=actors.expert,
                source_type=source_type,
                source_reference=reference,
                source_date=opened - datetime.timedelta(days=20),
                subjects=people,
                summary="پرونده نمونه برای آشنایی با سامانه.",
            )
            attach_required_evidence(case, actors.expert)
        # The embedded Najva registers each cancellation at once, as a worker would; the case
        # shown waiting for Najva met an outage, and its registrations wait for the operator.
        if key == CaseState.AWAITING_NAJVA.value:
            park_in_outage(walk(case, steps, actors, days=days))
        else:
            case = walk(case, steps, actors, settle=najva_settle, days=days)
        # The expelled and the departed cases went the whole way: their letters are printed,
        # signed, posted and delivered (the dispatch register of today holds them); the others'
        # wait in the supervisor's print queue.
        if key in {CaseState.EXPELLED.value, CaseState.CLOSED_DEPARTED.value}:
            send_all(case, supervisor=actors.supervisor, expert=actors.expert)

    def _working_groups(self):
        for slug in ("tehran", "isfahan"):
            group_with_members(Province.objects.get(slug=slug))

    def _demo_session(self) -> bool:
        """A closed session of Tehran's working group with its minutes, made through the services
        like everything else (skipped when it is there)."""
        from committees import services as committees
        from committees.models import Outcome
        from committees.selectors import working_group_of

        group = working_group_of(Province.objects.get(slug="tehran"))
        # Made once: its first case's reference says it is there (its number is the group's
        # next, after the sessions that decided the walked cases).
        if Case.objects.filter(source_reference=f"{len(DEMO_CASES) + 101}/ن/۱۴۰۵").exists():
            return False
        secretary = self.users["secretary_teh"]
        base = len(DEMO_CASES)
        with transaction.atomic():
            cases = []
            for offset, _ in enumerate(DEMO_SESSION_CASES):
                index = base + offset
                reference = f"{index + 101}/ن/۱۴۰۵"
                self._case(
                    index, reference, "tehran", SourceType.JUDICIAL_RULING,
                    STEPS_TO[CaseState.READY_FOR_PROVINCE],
                )  # fmt: skip
                cases.append(Case.objects.get(source_reference=reference))
            session = committees.session_open(
                group=group, by=secretary, number=next_number(group),
                held_on=clock.today(), place="سالن جلسات استانداری تهران",
            )  # fmt: skip
            present = list(group.members.order_by("order"))[:5]
            committees.session_set_attendance(session=session, by=secretary, members=present)
            items = committees.agenda_add(session=session, by=secretary, cases=cases)
            offence = OffenceType.objects.in_force(Case.year_of(clock.now())).order_by("code")
            carried = dict.fromkeys((m.pk for m in present), "for")
            carried[present[-1].pk] = "abstain"
            lost = dict.fromkeys((m.pk for m in present), "against")
            lost[present[0].pk] = "for"
            decisions = [
                (Outcome.APPROVE, carried, "", offence.first()),
                (Outcome.REJECT, lost, "مستندات ارائه‌شده برای ابطال کافی نیست.", None),
                (Outcome.RETURN, lost, "پاسخ استعلام انتظامی ناقص است؛ تکمیل شود.", None),
            ]
            for number, (item, (outcome, votes, reason, offence_type)) in enumerate(
                zip(items, decisions, strict=True), start=1
            ):
                committees.item_record(
                    item=item, by=secretary, outcome=outcome, votes=votes, reason=reason,
                    resolution_number=f"ک‌ا/{number}/۱۴۰۵", offence_type=offence_type,
                )  # fmt: skip
            committees.session_close(session=session, by=secretary)
        minutes = committees.minutes_request(session=session, by=secretary)
        committees.minutes_make(session_id=session.pk, version=minutes.version)
        return True
