"""Demo data: one user per role in Tehran and Isfahan, and demo cases in every state.

Every case is made through the services, so its audit trail is the real one. Idempotent: users,
households, people and documents are found by their keys, and a demo case is made only when no case
has its demo reference yet; running it twice leaves the same data.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.roles import Role
from cases import services
from cases.models import (
    REQUIRED_EVIDENCE,
    Agency,
    BorderPoint,
    Case,
    CaseState,
    DocumentType,
    Household,
    IdentityDocument,
    InquiryOutcome,
    OffenceType,
    Person,
    Province,
    Relation,
    Sex,
    SourceType,
    SubjectDecision,
)

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

# A one-page PDF: enough to stand in for a scanned letter in the demo.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

# The steps of the main path, and the branches that leave it.
MAIN_PATH = [
    "start_review",
    "send_inquiries",
    "submit_to_province",
    "approve_in_province",
    "confirm_nationally",
    "cancel_card",
    "order_expulsion",
    "record_expulsion",
]


def _upto(step):
    return MAIN_PATH[: MAIN_PATH.index(step) + 1]


# state → (province, source type, steps)
DEMO_CASES = {
    CaseState.RECEIVED: ("tehran", SourceType.JUDICIAL_RULING, []),
    CaseState.EXPERT_REVIEW: ("tehran", SourceType.AGENCY_REPORT, _upto("start_review")),
    CaseState.AWAITING_INQUIRIES: ("tehran", SourceType.AGENCY_REPORT, _upto("send_inquiries")),
    CaseState.READY_FOR_PROVINCE: (
        "tehran",
        SourceType.JUDICIAL_RULING,
        _upto("submit_to_province"),
    ),
    CaseState.RETURNED: (
        "tehran",
        SourceType.COMMISSION_RESOLUTION,
        _upto("submit_to_province") + ["return_for_information"],
    ),
    CaseState.APPROVED_BY_PROVINCE: (
        "tehran",
        SourceType.AGENCY_REPORT,
        _upto("approve_in_province"),
    ),
    CaseState.REJECTED_BY_PROVINCE: (
        "tehran",
        SourceType.HOUSEHOLD_MEMBER,
        _upto("submit_to_province") + ["reject_in_province"],
    ),
    CaseState.CONFIRMED_NATIONALLY: (
        "tehran",
        SourceType.JUDICIAL_RULING,
        _upto("confirm_nationally"),
    ),
    CaseState.REFUSED_NATIONALLY: (
        "tehran",
        SourceType.AGENCY_REPORT,
        _upto("approve_in_province") + ["refuse_nationally"],
    ),
    CaseState.CARD_CANCELLED: ("tehran", SourceType.JUDICIAL_RULING, _upto("cancel_card")),
    CaseState.EXPULSION_ORDERED: ("tehran", SourceType.JUDICIAL_RULING, _upto("order_expulsion")),
    CaseState.EXPELLED: ("tehran", SourceType.AGENCY_REPORT, _upto("record_expulsion")),
    CaseState.CLOSED_DEPARTED: (
        "tehran",
        SourceType.ILLEGAL_EXIT_REPORT,
        _upto("cancel_card") + ["close_as_departed"],
    ),
    CaseState.WITHDRAWN: ("tehran", SourceType.HOUSEHOLD_MEMBER, ["start_review", "withdraw"]),
}
# Isfahan gets a few of its own, so that isolation between provinces can be seen.
ISFAHAN_CASES = {
    "isf-received": ("isfahan", SourceType.AGENCY_REPORT, []),
    "isf-ready": ("isfahan", SourceType.ILLEGAL_EXIT_REPORT, _upto("submit_to_province")),
    "isf-approved": ("isfahan", SourceType.JUDICIAL_RULING, _upto("approve_in_province")),
}

FAMILIES = [
    # household head, spouse, child: (first, last, father, sex)
    (("علی", "کریمی‌نژاد", "حسن", Sex.MALE), ("فاطمه", "رحیمی", "محمد", Sex.FEMALE)),
    (("محمد", "حیدری", "عبدالله", Sex.MALE), ("زینب", "سلطانی", "احمد", Sex.FEMALE)),
    (("عبدالرحمن", "نظری", "غلام", Sex.MALE), ("مریم", "یوسفی", "رحمت", Sex.FEMALE)),
    (("نصرالله", "هاشمی", "نور", Sex.MALE), ("گل‌افروز", "امیری", "صفر", Sex.FEMALE)),
]


class Command(BaseCommand):
    help = "Create demo users (one per role, Tehran and Isfahan) and demo cases in every state."

    def handle(self, *args, **options):
        with transaction.atomic():
            self.users = self._users()
            self._offence_catalogues()
        made = 0
        demo = [(state.value, spec) for state, spec in DEMO_CASES.items()]
        demo += list(ISFAHAN_CASES.items())
        for index, (key, (province, source_type, steps)) in enumerate(demo):
            reference = f"DEMO-{key}"
            if Case.objects.filter(source_reference=reference).exists():
                continue
            with transaction.atomic():
                self._case(index, reference, province, source_type, steps)
            made += 1
        self.stdout.write(
            f"seed_demo: {made} demo cases made, {Case.objects.count()} cases in all."
        )
        self.stdout.write(f"Demo logins (password: {settings.DEMO_PASSWORD}):")
        for username, role, province, *_ in DEMO_USERS:
            where = f" — {Province.objects.get(slug=province).name}" if province else ""
            self.stdout.write(f"  {username:<22} {Role(role).label}{where}")
        self.stdout.write("  admin                  مدیر فنی سامانه (داده‌های پایه و کاربران)")

    def _users(self):
        User = get_user_model()
        users = {}
        for username, role, province, first, last in DEMO_USERS:
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.invalid",
                    "province": Province.objects.get(slug=province) if province else None,
                    "is_active": True,
                },
            )
            if not user.check_password(settings.DEMO_PASSWORD):
                user.set_password(settings.DEMO_PASSWORD)
                user.save(update_fields=["password"])
            user.groups.set([Group.objects.get(name=role)])
            users[username] = User.objects.get(pk=user.pk)  # fresh, with roles not cached
        admin, _ = User.objects.update_or_create(
            username="admin",
            defaults={"is_staff": True, "is_superuser": True, "email": "admin@example.invalid"},
        )
        if not admin.check_password(settings.DEMO_PASSWORD):
            admin.set_password(settings.DEMO_PASSWORD)
            admin.save(update_fields=["password"])
        return users

    def _offence_catalogues(self):
        for year, entries in OFFENCE_CATALOGUES.items():
            for code, title in entries:
                OffenceType.objects.get_or_create(
                    version_year=year, code=code, defaults={"title": title}
                )

    def _family(self, index: int):
        head_spec, spouse_spec = FAMILIES[index % len(FAMILIES)]
        household, _ = Household.objects.get_or_create(number=f"{7100 + index}")
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

    def _case(self, index, reference, province, source_type, steps):
        suffix = "teh" if province == "tehran" else "isf"
        expert = self.users[f"expert_{suffix}"]
        secretary = self.users[f"secretary_{suffix}"]
        supervisor = self.users[f"supervisor_{suffix}"]
        _, people = self._family(index)
        today = timezone.localdate()
        case = services.case_open(
            by=expert,
            source_type=source_type,
            source_reference=reference,
            source_date=today - datetime.timedelta(days=40 - index),
            subjects=people,
            summary="پرونده نمونه برای آشنایی با سامانه.",
        )
        for evidence_type in REQUIRED_EVIDENCE[source_type]:
            services.evidence_add(
                case=case,
                by=expert,
                evidence_type=evidence_type,
                file=ContentFile(DEMO_PDF + reference.encode(), name=f"{evidence_type}.pdf"),
                content_type="application/pdf",
            )
        sent = today - datetime.timedelta(days=30)
        for step in steps:
            if step == "send_inquiries":
                for agency in Agency.values:
                    services.inquiry_record_sent(
                        case=case,
                        by=expert,
                        agency=agency,
                        letter_number=f"{agency[:3].upper()}/{index}/1405",
                        sent_on=sent,
                        due_on=sent + datetime.timedelta(days=14),
                    )
            if step == "submit_to_province":
                for agency in Agency.values:
                    services.inquiry_record_reply(
                        case=case,
                        by=expert,
                        agency=agency,
                        replied_on=sent + datetime.timedelta(days=10),
                        outcome=InquiryOutcome.NO_RECORD,
                    )
                # The whole household is on the case and both lose their documents.
                for person in people:
                    services.subject_decide(
                        case=case, by=expert, person=person, decision=SubjectDecision.CANCEL
                    )
            self._step(case, step, index, expert, secretary, supervisor, sent)
            case.refresh_from_db()

    def _step(self, case, step, index, expert, secretary, supervisor, sent):
        if step in {"start_review", "send_inquiries", "submit_to_province"}:
            services.case_transition(case=case, by=expert, name=step)
        elif step == "return_for_information":
            services.case_return_for_information(
                case=case,
                by=secretary,
                reason="تصویر حکم قضایی خوانا نیست؛ نسخه برابر اصل لازم است.",
            )
        elif step == "approve_in_province":
            services.case_approve_in_province(
                case=case,
                by=secretary,
                resolution_number=f"ک‌ا/{index}/۱۴۰۵",
                resolution_date=sent + datetime.timedelta(days=15),
            )
        elif step == "reject_in_province":
            services.case_reject_in_province(
                case=case,
                by=secretary,
                resolution_number=f"ک‌ا/{index}/۱۴۰۵",
                resolution_date=sent + datetime.timedelta(days=15),
                reason="گزارش عضو خانوار با استعلام‌ها تأیید نشد.",
            )
        elif step == "confirm_nationally":
            services.case_confirm_nationally(
                case=case,
                by=self.users["national_secretariat"],
                letter_number=f"ک‌د/{index}/۱۴۰۵",
                letter_date=sent + datetime.timedelta(days=20),
            )
        elif step == "refuse_nationally":
            services.case_refuse_nationally(
                case=case,
                by=self.users["national_secretariat"],
                letter_number=f"ک‌د/{index}/۱۴۰۵",
                letter_date=sent + datetime.timedelta(days=20),
                reason="مستندات برای لغو پناهندگی کافی نیست.",
            )
        elif step == "cancel_card":
            year = Case.year_of(timezone.now())
            offence = OffenceType.objects.in_force(year).order_by("code").first()
            services.case_cancel_card(
                case=case,
                by=self.users["najva_operator"],
                offence_type=offence,
                najva_registration_number=f"NJ-{case.number}",
            )
        elif step == "order_expulsion":
            services.case_order_expulsion(case=case, by=supervisor)
        elif step == "record_expulsion":
            services.case_record_expulsion(
                case=case,
                by=self.users["enforcement_teh"],
                border_point=BorderPoint.objects.order_by("name").first(),
                expelled_on=timezone.localdate(),
            )
        elif step == "close_as_departed":
            services.case_close_as_departed(case=case, by=supervisor)
        elif step == "withdraw":
            services.case_withdraw(
                case=case, by=supervisor, reason="متقاضی درخواست خود را مسترد کرد."
            )
        else:
            raise ValueError(step)
