"""The permission matrix: every page of the project's own apps and of the Django admin, asked by
every kind of user, by GET and by POST, with the status each must answer.

One row per URL (several for the case steps and for the states that change the answer), one column
per user: signed out, each role of the case's province (Tehran), each role of another province
(Isfahan), each national role, and the IT administrator. The expected statuses are written out
here, never computed from ``accounts.permissions``: the table is what the rules must produce.

- ``L``: 302 to the sign-in page (a signed-out user); ``A``: 302 to the admin's sign-in page;
- 404: the user may not see the case (another province, the IT administrator, the registry
  operator before national confirmation), or the thing asked for is not there;
- 403: the user sees the case (or the page) but may not do this;
- 405: the method is not offered; 409: the step or change does not apply in the case's state;
- 200, 302 or 400: the page, the action done, a form refused as invalid.

Every cell runs in a savepoint that is rolled back, so that each user meets the same case. Every
request that was not an accepted POST (302) must leave the case records and the audit trail as
they were: a refused POST changes nothing, and no GET changes anything.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import EnrolmentCode, RoleGrant, User
from audit.models import Event
from cases.choices import Agency, CaseState, InquiryOutcome, SourceType, Step, SubjectDecision
from cases.models import Case, CaseSubject, Evidence, Inquiry, ReplyScanVersion
from cases.services import subject_decide
from cases.steps import STEPS
from committees.models import AgendaItem, Minutes, Session, Vote
from conftest import (
    actors_of,
    load_reference_data,
    made_once,
    make_offences,
    make_users,
    walk_new_case,
)
from enforcement.models import ExpulsionOrder, OrderedPerson, Outcome, PriorDeparture
from letters.models import AgencyOffice, Dispatch, Letter, LetterRegister
from najva.models import CancellationForm, Registration
from people.models import Household, IdentityDocument, Person
from people.tests import factories
from reference.models import DocumentType, Province
from revocation.demo.committees import next_number
from revocation.demo.walk import DEMO_PDF, REASONS, inputs_for, prepare
from shared import clock
from shared.persian import jalali

pytestmark = [pytest.mark.django_db]

ANON = "anonymous"
# The columns of the table, in order.
USERS = (
    ANON,
    "expert_a",
    "secretary_a",
    "supervisor_a",
    "enforcement_a",
    "expert_b",
    "secretary_b",
    "supervisor_b",
    "enforcement_b",
    "national",
    "registry",
    "auditor",
    "it_admin",
)
L = "login"  # 302 to the sign-in page

S = CaseState


@dataclass(frozen=True)
class Row:
    """One URL, built from a Tehran case in ``state`` (None: no case), and the status each user
    gets by GET and by POST (in the order of ``USERS``)."""

    name: str
    state: CaseState | None
    get: tuple
    post: tuple
    step: str = ""
    agency: str = Agency.INTELLIGENCE
    setup: Callable | None = None
    source_type: str | None = None
    kind: str = ""  # a printed document's kind (documents:download, documents:verify)
    variant: str = ""  # another of its files (documents:download): "signed", its signed scan

    @property
    def id(self) -> str:
        parts = [self.name, self.kind, self.variant, self.step, self.state or ""]
        return "-".join(filter(None, parts))


def _inquiries_ready(case, actors):
    prepare(case, Step.SUBMIT_TO_PROVINCE, actors)


def _head_cancelled(case, actors):
    head = case.subjects.select_related("person__household").first().person.household.head
    subject_decide(case=case, by=actors.expert, person=head, decision=SubjectDecision.CANCEL)


def _session(case, actors):
    """A Tehran session, open, three members present, ``case`` on its agenda."""
    from committees import services as committees
    from committees.models import Member
    from committees.selectors import working_group_of

    group = working_group_of(case.province)
    # A case walked past a working group's step (case_in) has given the group its members.
    if not group.members.exists():
        for order, role in enumerate(["chair", "secretary", "member"]):
            Member.objects.create(
                group=group,
                full_name=f"عضو {order}",
                position="نماینده",
                agency="استانداری",
                role=role,
                order=order,
            )
    session = committees.session_open(
        group=group,
        by=actors.secretary,
        number=next_number(group),
        held_on=clock.today(),
        place="استانداری",
    )
    committees.session_set_attendance(
        session=session, by=actors.secretary, members=group.members.all()
    )
    committees.agenda_add(session=session, by=actors.secretary, cases=[case])
    return session


def _new_member(case, actors):
    """A member registered in the household after the case was opened (not on the case)."""
    household = case.subjects.first().person.household
    factories.IdentityDocumentFactory(
        person=factories.PersonFactory(household=household, relation_to_head="child")
    )


def _replaced_reply_scan(case, actors):
    """A reply scan kept as an earlier version (the same file: only who may read it is tested)."""
    inquiry = case.inquiries.get(agency=Agency.INTELLIGENCE)
    ReplyScanVersion.objects.create(
        inquiry=inquiry,
        file=inquiry.reply_document.name,
        sha256=inquiry.reply_sha256,
        content_type=inquiry.reply_content_type,
        replaced_by=actors.expert,
    )


def _registrations_failed(case, actors):
    Registration.objects.filter(case=case).update(
        status=Registration.Status.FAILED, last_error="نجوا خطای ۵۰۰ داد."
    )


def _form_printed(case, actors):
    from najva import services as najva

    najva.form_print(subject=case.subjects.order_by("pk").first(), by=actors.supervisor)


def _form_signed(case, actors):
    from najva import services as najva

    _form_printed(case, actors)
    najva.form_mark_signed(
        form=CancellationForm.objects.latest("pk"),
        by=actors.supervisor,
        upload=SimpleUploadedFile("signed.pdf", DEMO_PDF + b"signed", "application/pdf"),
        content_type="application/pdf",
    )


def _handed_over(case, actors):
    from enforcement import services as enforcement

    entry = OrderedPerson.objects.filter(order__case=case).order_by("pk").first()
    enforcement.handover_record(
        entry=entry, by=actors.enforcement, on=clock.today(), receiving_unit="اردوگاه"
    )


def _left_on_their_own(case, actors):
    from enforcement import services as enforcement

    enforcement.outcome_record(
        entry=OrderedPerson.objects.filter(order__case=case).order_by("pk").first(),
        by=actors.enforcement,
        outcome=Outcome.LEFT,
        on=clock.today(),
        proof=SimpleUploadedFile("exit.pdf", DEMO_PDF + b"exit", "application/pdf"),
        proof_content_type="application/pdf",
    )


def _session_and_a_ready_case(case, actors):
    _session(case, actors)
    from conftest import walk_new_case

    walk_new_case(S.READY_FOR_PROVINCE, actors)


def _session_resolved(case, actors):
    from committees import services as committees
    from committees.models import Outcome

    session = _session(case, actors)
    item = session.items.get()
    committees.item_record(
        item=item,
        by=actors.secretary,
        outcome=Outcome.APPROVE,
        votes={m.pk: "for" for m in session.present.all()},
        resolution_number="م/۱",
        offence_type=inputs_for(case, Step.APPROVE_IN_PROVINCE)["offence_type"],
    )
    return session


def _session_closed(case, actors):
    """A closed session, in which ``case`` was approved."""
    from committees import services as committees

    session = _session_resolved(case, actors)
    committees.session_close(session=session, by=actors.secretary)


def _session_with_minutes(case, actors):
    from committees import services as committees

    session = _session(case, actors)
    minutes = committees.minutes_request(session=session, by=actors.secretary)
    committees.minutes_make(session_id=session.pk, version=minutes.version)


def _session_signed(case, actors):
    from committees import services as committees

    _session_closed(case, actors)
    session = Session.objects.latest("pk")
    scan = SimpleUploadedFile("signed.pdf", DEMO_PDF + b"signed", "application/pdf")
    committees.minutes_attach_signed(
        session=session, by=actors.secretary, upload=scan, content_type="application/pdf"
    )


def _session_closed_and_another(case, actors):
    """A closed session (the URL's) and an open one of the same group to correct it in."""
    from committees import services as committees

    _session_closed(case, actors)
    group = Session.objects.latest("pk").group
    committees.session_open(
        group=group,
        by=actors.secretary,
        number=next_number(group),
        held_on=clock.today(),
        place="استانداری",
    )


def _national_session(case, actors):
    from committees import services as committees
    from committees.selectors import working_group_of

    group = working_group_of(None)
    return committees.session_open(
        group=group,
        by=actors.national,
        number=next_number(group),
        held_on=clock.today(),
        place="وزارت کشور",
    )


def _national_session_with_case(case, actors):
    from committees import services as committees

    session = _national_session(case, actors)
    committees.agenda_add(session=session, by=actors.national, cases=[case])


def _first_letter(case):
    from letters.models import Letter

    return Letter.objects.filter(case=case).order_by("pk").first()


def _letter_printed(case, actors):
    from letters import services as letters

    letters.letter_print(letter=_first_letter(case), by=actors.supervisor)


def _letter_signed(case, actors):
    """The first letter printed and signed, its household's address recorded (to be posted)."""
    from letters import services as letters
    from people import services as people

    letter = _first_letter(case)
    people.household_set_address(
        by=actors.expert,
        household=letter.household,
        postal_address="تهران، خیابان آزادی، پلاک ۴",
        postal_code="1314567890",
    )
    _letter_printed(case, actors)
    letters.letter_mark_signed(letter=letter, by=actors.supervisor)


def _letter_dispatched(case, actors):
    from letters import services as letters

    _letter_signed(case, actors)
    letters.letter_dispatch(
        letter=_first_letter(case),
        by=actors.supervisor,
        tracking_number="112233445566778899",
        sent_on=clock.today(),
    )


def _grant_proposed(case, actors):
    """A role proposed by the IT administrator: expert of Tehran, for a new account."""
    from accounts import grants
    from accounts.roles import Role

    clerk = User.objects.create_user("clerk")
    grants.propose(
        by=User.objects.get(username="it_admin"),
        user=clerk,
        role=Role.EXPERT,
        province=Province.objects.get(slug="tehran"),
        reason="کارشناس تازه",
    )


def _admin_objects(case, actors):
    """One row of each model the admin lists that the walk made none of."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from reference.models import YearlyPolicy

    seen = {"username": "stranger", "ip_address": "10.0.0.9", "user_agent": "matrix"}
    AccessAttempt.objects.create(**seen, failures_since_start=1)
    AccessLog.objects.create(**seen)
    AccessFailureLog.objects.create(**seen, locked_out=False)
    TOTPDevice.objects.create(user=actors.expert, name="matrix", confirmed=True)
    YearlyPolicy.objects.create(
        year=1499,
        reentry_ban_min_years=5,
        leave_within_days=30,
        objection_within_days=20,
        objection_authority="اداره کل",
    )
    _grant_proposed(case, actors)
    now = clock.now()
    EnrolmentCode.objects.create(
        user=actors.expert,
        digest="0" * 64,
        issued_by=User.objects.get(username="it_admin"),
        issued_at=now,
        expires_at=now + datetime.timedelta(hours=1),
    )


def _admin_object(name: str):
    """The row a model's admin pages are asked of: one in use where there is one."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from committees.models import WorkingGroup
    from reference.models import BorderPoint, OffenceType, YearlyPolicy

    tehran = Province.objects.get(slug="tehran")
    return {
        "axes_accessattempt": lambda: AccessAttempt.objects.latest("pk"),
        "axes_accesslog": lambda: AccessLog.objects.latest("pk"),
        "axes_accessfailurelog": lambda: AccessFailureLog.objects.latest("pk"),
        "reference_province": lambda: tehran,
        "reference_documenttype": lambda: IdentityDocument.objects.first().document_type,
        "reference_borderpoint": lambda: BorderPoint.objects.order_by("pk").first(),
        "reference_yearlypolicy": lambda: YearlyPolicy.objects.latest("pk"),
        "reference_offencetype": lambda: OffenceType.objects.order_by("pk").first(),
        "accounts_user": lambda: User.objects.get(username="expert_a"),
        "accounts_enrolmentcode": lambda: EnrolmentCode.objects.latest("pk"),
        "accounts_rolegrant": lambda: RoleGrant.objects.latest("pk"),
        "otp_totp_totpdevice": lambda: TOTPDevice.objects.latest("pk"),
        "audit_event": lambda: Event.objects.order_by("pk").first(),
        "committees_workinggroup": lambda: WorkingGroup.objects.get(province=tehran),
        "letters_agencyoffice": lambda: AgencyOffice.objects.order_by("pk").first(),
    }[name]()


# fmt: off
TABLE = [
    # The URLs whose answers do not depend on a case. Columns: see USERS.
    #          anon exa  sea  sua  ena  exb  seb  sub  enb  nat  reg  aud  it
    Row("home", None,
        get=  (L,   200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
    Row("login", None,
        get=  (200, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302),
        post= (200, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302)),
    Row("logout", None,
        get=  (405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        post= (302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302)),
    # The second factor's pages: a signed-in user who passed it (or needs none) is sent on (302);
    # what a user who has not passed it meets is in accounts/tests/test_signin.py.
    Row("second_factor", None,
        get=  (L,   302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302),
        post= (L,   302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302)),
    Row("second_factor_enrol", None,
        get=  (L,   302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302),
        post= (L,   302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302)),
    Row("password_change", None,
        get=  (L,   200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
        post= (L,   200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    Row("password_change_done", None,
        get=  (L,   200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
    Row("cases:list", None,
        get=  (L,   200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
        post= (L,   302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302)),
    # Intake and registration: the experts only; a household of Tehran, for Tehran's expert.
    Row("intake:intake", None,
        get=  (L,   200, 403, 403, 403, 200, 403, 403, 403, 403, 403, 403, 403),
        post= (L,   302, 403, 403, 403, 404, 403, 403, 403, 403, 403, 403, 403)),
    Row("people:household_new", None,
        get=  (L,   200, 403, 403, 403, 200, 403, 403, 403, 403, 403, 403, 403),
        post= (L,   302, 403, 403, 403, 302, 403, 403, 403, 403, 403, 403, 403)),
    Row("people:household_member_new", None,
        get=  (L,   200, 403, 403, 403, 404, 403, 403, 403, 403, 403, 403, 403),
        post= (L,   302, 403, 403, 403, 404, 403, 403, 403, 403, 403, 403, 403)),
    # The postal address the letters go to: the experts of the household's province.
    Row("people:household_address", None,
        get=  (L,   200, 403, 403, 403, 404, 403, 403, 403, 403, 403, 403, 403),
        post= (L,   302, 403, 403, 403, 404, 403, 403, 403, 403, 403, 403, 403)),

    # The case file. Seen by Tehran's roles, the national secretariat and the auditor; by the
    # registry operator from national confirmation on; by nobody else. The read-only pages (this,
    # home and the two downloads) answer a POST with 405 (require_safe), after the sign-in check.
    #          anon exa  sea  sua  ena  exb  seb  sub  enb  nat  reg  aud  it
    Row("cases:detail", S.RECEIVED,
        get=  (L,   200, 200, 200, 200, 404, 404, 404, 404, 200, 404, 200, 404),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
    Row("cases:detail", S.APPROVED_BY_PROVINCE,
        get=  (L,   200, 200, 200, 200, 404, 404, 404, 404, 200, 404, 200, 404),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
    Row("cases:detail", S.CONFIRMED_NATIONALLY,
        get=  (L,   200, 200, 200, 200, 404, 404, 404, 404, 200, 200, 200, 404),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),

    # The steps, each on a case in the state it starts from; then steps that do not apply (409)
    # and a step that does not exist (404).
    Row("cases:action", S.RECEIVED, step=Step.START_REVIEW,
        get=  (L,   200, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404),
        post= (L,   302, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404)),
    Row("cases:action", S.AWAITING_INQUIRIES, step=Step.SUBMIT_TO_PROVINCE, setup=_inquiries_ready,
        get=  (L,   200, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404),
        post= (L,   302, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404)),
    Row("cases:action", S.RETURNED, step=Step.RESUME_REVIEW,
        get=  (L,   200, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404),
        post= (L,   302, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404)),
    # The working groups' decisions are taken in sessions (committees:*), never on the case page:
    # even the secretary and the national secretariat are refused here.
    Row("cases:action", S.READY_FOR_PROVINCE, step=Step.APPROVE_IN_PROVINCE,
        get=  (L,   403, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404),
        post= (L,   403, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404)),
    Row("cases:action", S.READY_FOR_PROVINCE, step=Step.RETURN_FOR_INFORMATION,
        get=  (L,   403, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404),
        post= (L,   403, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404)),
    Row("cases:action", S.READY_FOR_PROVINCE, step=Step.WITHDRAW,
        get=  (L,   403, 403, 200, 403, 404, 404, 404, 404, 403, 404, 403, 404),
        post= (L,   403, 403, 302, 403, 404, 404, 404, 404, 403, 404, 403, 404)),
    Row("cases:action", S.APPROVED_BY_PROVINCE, step=Step.CONFIRM_NATIONALLY,
        get=  (L,   403, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404),
        post= (L,   403, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404)),
    Row("cases:action", S.CONFIRMED_NATIONALLY, step=Step.CANCEL_CARD,
        get=  (L,   403, 403, 403, 403, 404, 404, 404, 404, 403, 200, 403, 404),
        post= (L,   403, 403, 403, 403, 404, 404, 404, 404, 403, 302, 403, 404)),
    # Recorded with the order and each person's exit (enforcement), never on the step form.
    Row("cases:action", S.CARD_CANCELLED, step=Step.ORDER_EXPULSION,
        get=  (L,   403, 403, 403, 403, 404, 404, 404, 404, 403, 403, 403, 404),
        post= (L,   403, 403, 403, 403, 404, 404, 404, 404, 403, 403, 403, 404)),
    Row("cases:action", S.EXPULSION_ORDERED, step=Step.RECORD_EXPULSION,
        get=  (L,   403, 403, 403, 403, 404, 404, 404, 404, 403, 403, 403, 404),
        post= (L,   403, 403, 403, 403, 404, 404, 404, 404, 403, 403, 403, 404)),
    Row("cases:action", S.EXPERT_REVIEW, step=Step.START_REVIEW,
        get=  (L,   409, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404),
        post= (L,   409, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404)),
    Row("cases:action", S.RECEIVED, step=Step.APPROVE_IN_PROVINCE,
        get=  (L,   403, 409, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404),
        post= (L,   403, 409, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404)),
    Row("cases:action", S.EXPULSION_ORDERED, step=Step.WITHDRAW,
        get=  (L,   403, 403, 409, 403, 404, 404, 404, 404, 403, 403, 403, 404),
        post= (L,   403, 403, 409, 403, 404, 404, 404, 404, 403, 403, 403, 404)),
    Row("cases:action", S.RECEIVED, step="no_such_step",
        get=  (L,   404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        post= (L,   404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404)),

    # Evidence: the expert's, while the case is with the expert.
    #          anon exa  sea  sua  ena  exb  seb  sub  enb  nat  reg  aud  it
    Row("cases:evidence_upload", S.RECEIVED,
        get=  (L,   302, 302, 302, 302, 404, 404, 404, 404, 302, 404, 302, 404),
        post= (L,   302, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404)),
    Row("cases:evidence_upload", S.CONFIRMED_NATIONALLY,
        get=  (L,   302, 302, 302, 302, 404, 404, 404, 404, 302, 302, 302, 404),
        post= (L,   409, 403, 403, 403, 404, 404, 404, 404, 403, 403, 403, 404)),
    Row("cases:evidence_download", S.RECEIVED,
        get=  (L,   200, 200, 200, 200, 404, 404, 404, 404, 200, 404, 200, 404),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
    Row("cases:evidence_download", S.CONFIRMED_NATIONALLY,
        get=  (L,   200, 200, 200, 200, 404, 404, 404, 404, 200, 200, 200, 404),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
    Row("cases:evidence_withdraw", S.RECEIVED,
        get=  (L,   200, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404),
        post= (L,   302, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404)),
    Row("cases:evidence_withdraw", S.READY_FOR_PROVINCE,
        get=  (L,   409, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404),
        post= (L,   409, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404)),

    # Inquiries: recorded by the expert once the review has started.
    Row("cases:inquiry_send", S.EXPERT_REVIEW,
        get=  (L,   200, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404),
        post= (L,   302, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404)),
    Row("cases:inquiry_send", S.RECEIVED,
        get=  (L,   409, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404),
        post= (L,   409, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404)),
    Row("cases:inquiry_reply", S.AWAITING_INQUIRIES,
        get=  (L,   200, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404),
        post= (L,   302, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404)),
    Row("cases:inquiry_reply", S.APPROVED_BY_PROVINCE,
        get=  (L,   409, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404),
        post= (L,   409, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404)),
    Row("cases:inquiry_reply_download", S.READY_FOR_PROVINCE,
        get=  (L,   200, 200, 200, 200, 404, 404, 404, 404, 200, 404, 200, 404),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
    Row("cases:inquiry_reply_download", S.CONFIRMED_NATIONALLY,
        get=  (L,   200, 200, 200, 200, 404, 404, 404, 404, 200, 200, 200, 404),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
    Row("cases:inquiry_reply_download", S.RECEIVED,  # no inquiry yet
        get=  (L,   404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
    # A replaced reply scan, kept: readable by whoever reads the current one.
    Row("cases:inquiry_reply_version_download", S.READY_FOR_PROVINCE, setup=_replaced_reply_scan,
        get=  (L,   200, 200, 200, 200, 404, 404, 404, 404, 200, 404, 200, 404),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
    Row("cases:inquiry_reply_version_download", S.CONFIRMED_NATIONALLY,
        setup=_replaced_reply_scan,
        get=  (L,   200, 200, 200, 200, 404, 404, 404, 404, 200, 200, 200, 404),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),

    # The subjects and their household: POST only, the expert's, while the case is with them.
    Row("cases:subject_decision", S.RECEIVED,
        get=  (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        post= (L,   302, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404)),
    Row("cases:subject_decision", S.READY_FOR_PROVINCE,
        get=  (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        post= (L,   409, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404)),
    Row("cases:subject_add", S.RECEIVED, setup=_new_member,
        get=  (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        post= (L,   302, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404)),
    Row("cases:subject_add", S.READY_FOR_PROVINCE, setup=_new_member,
        get=  (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        post= (L,   409, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404)),
    Row("cases:household_head", S.RECEIVED, setup=_head_cancelled,
        get=  (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        post= (L,   302, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404)),
    Row("cases:household_head", S.READY_FOR_PROVINCE,
        get=  (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        post= (L,   409, 403, 403, 403, 404, 404, 404, 404, 403, 404, 403, 404)),

    # Working-group sessions: read by the experts, secretaries and supervisors of the province,
    # the national secretariat and the auditor; recorded by the province's secretary. Everyone
    # else gets 403; another province's readers 404. Each row's session is Tehran's, open, with
    # the case on its agenda and its members present.
    #          anon exa  sea  sua  ena  exb  seb  sub  enb  nat  reg  aud  it
    Row("committees:list", None,
        get=  (L,   200, 200, 200, 403, 200, 200, 200, 403, 200, 403, 200, 403),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
    Row("committees:new", None,
        get=  (L,   403, 200, 403, 403, 403, 200, 403, 403, 200, 403, 403, 403),
        post= (L,   403, 302, 403, 403, 403, 302, 403, 403, 302, 403, 403, 403)),
    Row("committees:detail", S.READY_FOR_PROVINCE, setup=_session,
        get=  (L,   200, 200, 200, 403, 404, 404, 404, 403, 200, 403, 200, 403),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
    Row("committees:attendance", S.READY_FOR_PROVINCE, setup=_session,
        get=  (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        post= (L,   403, 302, 403, 403, 404, 404, 404, 403, 403, 403, 403, 403)),
    Row("committees:agenda", S.READY_FOR_PROVINCE, setup=_session_and_a_ready_case,
        get=  (L,   403, 200, 403, 403, 404, 404, 404, 403, 403, 403, 403, 403),
        post= (L,   403, 302, 403, 403, 404, 404, 404, 403, 403, 403, 403, 403)),
    Row("committees:item", S.READY_FOR_PROVINCE, setup=_session,
        get=  (L,   403, 200, 403, 403, 404, 404, 404, 403, 403, 403, 403, 403),
        post= (L,   403, 302, 403, 403, 404, 404, 404, 403, 403, 403, 403, 403)),
    Row("committees:close", S.READY_FOR_PROVINCE, setup=_session_resolved,
        get=  (L,   403, 200, 403, 403, 404, 404, 404, 403, 403, 403, 403, 403),
        post= (L,   403, 302, 403, 403, 404, 404, 404, 403, 403, 403, 403, 403)),
    Row("committees:minutes", S.READY_FOR_PROVINCE, setup=_session,
        get=  (L,   200, 200, 200, 403, 404, 404, 404, 403, 200, 403, 200, 403),
        post= (L,   403, 302, 403, 403, 404, 404, 404, 403, 403, 403, 403, 403)),
    Row("documents:download", S.READY_FOR_PROVINCE, kind="minutes", setup=_session_with_minutes,
        get=  (L,   200, 200, 200, 403, 404, 404, 404, 403, 200, 403, 200, 403),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
    Row("documents:verify", S.READY_FOR_PROVINCE, kind="minutes", setup=_session_with_minutes,
        get=  (L,   200, 200, 200, 403, 404, 404, 404, 403, 200, 403, 200, 403),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
    # The signed scan: served by the documents' download; the session's address (by which it
    # is uploaded) leads there, after the same guard.
    Row("documents:download", S.READY_FOR_PROVINCE, kind="minutes", variant="signed",
        setup=_session_signed,
        get=  (L,   200, 200, 200, 403, 404, 404, 404, 403, 200, 403, 200, 403),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
    Row("committees:minutes_signed", S.READY_FOR_PROVINCE, setup=_session_signed,
        get=  (L,   302, 302, 302, 403, 404, 404, 404, 403, 302, 403, 302, 403),
        post= (L,   403, 302, 403, 403, 404, 404, 404, 403, 403, 403, 403, 403)),
    # The national working group: its queue and its batch, the national secretariat's; read by
    # the auditor; a national session is not seen by the provincial roles (404).
    Row("committees:national_queue", S.APPROVED_BY_PROVINCE, setup=_national_session,
        get=  (L,   403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 200, 403),
        post= (L,   403, 403, 403, 403, 403, 403, 403, 403, 302, 403, 403, 403)),
    Row("committees:batch", S.APPROVED_BY_PROVINCE, setup=_national_session_with_case,
        get=  (L,   404, 404, 404, 403, 404, 404, 404, 403, 200, 403, 403, 403),
        post= (L,   404, 404, 404, 403, 404, 404, 404, 403, 302, 403, 403, 403)),
    Row("committees:item_remove", S.READY_FOR_PROVINCE, setup=_session,
        get=  (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        post= (L,   403, 302, 403, 403, 404, 404, 404, 403, 403, 403, 403, 403)),
    Row("committees:item_correct", S.READY_FOR_PROVINCE, setup=_session_closed_and_another,
        get=  (L,   403, 200, 403, 403, 404, 404, 404, 403, 403, 403, 403, 403),
        post= (L,   403, 302, 403, 403, 404, 404, 404, 403, 403, 403, 403, 403)),
    Row("committees:close", S.READY_FOR_PROVINCE, setup=_session_closed,
        get=  (L,   403, 409, 403, 403, 404, 404, 404, 403, 403, 403, 403, 403),
        post= (L,   403, 409, 403, 403, 404, 404, 404, 403, 403, 403, 403, 403)),

    # Najva: the operator's queue (read by the auditor); a registration is retried or recorded
    # by the operator only, seen by whoever sees its case. The card cancellation form is printed
    # and marked signed by the province's supervisor, read by whoever sees the case.
    #          anon exa  sea  sua  ena  exb  seb  sub  enb  nat  reg  aud  it
    Row("najva:queue", None,
        get=  (L,   403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
    Row("najva:retry", S.AWAITING_NAJVA, setup=_registrations_failed,
        get=  (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        post= (L,   403, 403, 403, 403, 404, 404, 404, 404, 403, 302, 403, 404)),
    Row("najva:record", S.AWAITING_NAJVA,
        get=  (L,   403, 403, 403, 403, 404, 404, 404, 404, 403, 200, 403, 404),
        post= (L,   403, 403, 403, 403, 404, 404, 404, 404, 403, 302, 403, 404)),
    Row("najva:form_print", S.CARD_CANCELLED,
        get=  (L,   403, 403, 200, 403, 404, 404, 404, 404, 403, 403, 403, 404),
        post= (L,   403, 403, 302, 403, 404, 404, 404, 404, 403, 403, 403, 404)),
    Row("documents:download", S.CARD_CANCELLED, kind="cancellation-form", setup=_form_printed,
        get=  (L,   200, 200, 200, 200, 404, 404, 404, 404, 200, 200, 200, 404),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
    Row("najva:form_signed", S.CARD_CANCELLED, setup=_form_printed,
        get=  (L,   403, 403, 200, 403, 404, 404, 404, 404, 403, 403, 403, 404),
        post= (L,   403, 403, 302, 403, 404, 404, 404, 404, 403, 403, 403, 404)),
    Row("documents:download", S.CARD_CANCELLED, kind="cancellation-form", variant="signed",
        setup=_form_signed,
        get=  (L,   200, 200, 200, 200, 404, 404, 404, 404, 200, 200, 200, 404),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
    # Its old address, served by the same view.
    Row("najva:form_scan", S.CARD_CANCELLED, setup=_form_signed,
        get=  (L,   200, 200, 200, 200, 404, 404, 404, 404, 200, 200, 200, 404),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
    Row("documents:verify", S.CARD_CANCELLED, kind="cancellation-form", setup=_form_printed,
        get=  (L,   200, 200, 200, 200, 404, 404, 404, 404, 200, 200, 200, 404),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),

    # Step 7 (enforcement): the province's supervisor issues the order and closes a case whose
    # persons had left; its enforcement liaison records each hand-over and outcome; whoever sees
    # the case reads the order, its PDF, the proof of an exit and the verification page.
    #          anon exa  sea  sua  ena  exb  seb  sub  enb  nat  reg  aud  it
    Row("enforcement:order_new", S.CARD_CANCELLED,
        get=  (L,   403, 403, 200, 403, 404, 404, 404, 404, 403, 403, 403, 404),
        post= (L,   403, 403, 302, 403, 404, 404, 404, 404, 403, 403, 403, 404)),
    Row("enforcement:departed", S.CARD_CANCELLED, source_type=SourceType.ILLEGAL_EXIT_REPORT,
        get=  (L,   403, 403, 200, 403, 404, 404, 404, 404, 403, 403, 403, 404),
        post= (L,   403, 403, 302, 403, 404, 404, 404, 404, 403, 403, 403, 404)),
    Row("enforcement:order", S.EXPULSION_ORDERED,
        get=  (L,   200, 200, 200, 200, 404, 404, 404, 404, 200, 200, 200, 404),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
    Row("documents:download", S.EXPULSION_ORDERED, kind="expulsion-order",
        get=  (L,   200, 200, 200, 200, 404, 404, 404, 404, 200, 200, 200, 404),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
    Row("documents:verify", S.EXPULSION_ORDERED, kind="expulsion-order",
        get=  (L,   200, 200, 200, 200, 404, 404, 404, 404, 200, 200, 200, 404),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
    Row("enforcement:handover", S.EXPULSION_ORDERED,
        get=  (L,   403, 403, 403, 200, 404, 404, 404, 404, 403, 403, 403, 404),
        post= (L,   403, 403, 403, 302, 404, 404, 404, 404, 403, 403, 403, 404)),
    Row("enforcement:outcome", S.EXPULSION_ORDERED, setup=_handed_over,
        get=  (L,   403, 403, 403, 200, 404, 404, 404, 404, 403, 403, 403, 404),
        post= (L,   403, 403, 403, 302, 404, 404, 404, 404, 403, 403, 403, 404)),
    Row("documents:download", S.EXPULSION_ORDERED, kind="exit-proof", setup=_left_on_their_own,
        get=  (L,   200, 200, 200, 200, 404, 404, 404, 404, 200, 200, 200, 404),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
    # Its old address, served by the same view.
    Row("enforcement:proof", S.EXPULSION_ORDERED, setup=_left_on_their_own,
        get=  (L,   200, 200, 200, 200, 404, 404, 404, 404, 200, 200, 200, 404),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),

    # Letters and the postal dispatch register: read by the supervisors, the national roles and
    # the auditor (each the letters of the cases they see); the expert, the secretary and the
    # enforcement liaison see a case's letters on its page only (403 here). The day's list as a
    # PDF is one province's: a national reader who names none is asked to (400).
    #          anon exa  sea  sua  ena  exb  seb  sub  enb  nat  reg  aud  it
    Row("letters:queue", None,
        get=  (L,   403, 403, 200, 403, 403, 403, 200, 403, 200, 200, 200, 403),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
    Row("letters:register", None,
        get=  (L,   403, 403, 200, 403, 403, 403, 200, 403, 200, 200, 200, 403),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
    Row("letters:register_pdf", None,
        get=  (L,   403, 403, 200, 403, 403, 403, 200, 403, 400, 400, 400, 403),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
    # A letter of a Tehran case (written when its cards were cancelled): the supervisor of Tehran
    # acts on it; another province's users do not see it (404).
    Row("letters:detail", S.CARD_CANCELLED,
        get=  (L,   403, 403, 200, 403, 404, 404, 404, 404, 200, 200, 200, 404),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
    Row("letters:print", S.CARD_CANCELLED,
        get=  (L,   403, 403, 200, 403, 404, 404, 404, 404, 403, 403, 403, 404),
        post= (L,   403, 403, 302, 403, 404, 404, 404, 404, 403, 403, 403, 404)),
    Row("documents:download", S.CARD_CANCELLED, kind="letter", setup=_letter_printed,
        get=  (L,   403, 403, 200, 403, 404, 404, 404, 404, 200, 200, 200, 404),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
    Row("letters:sign", S.CARD_CANCELLED, setup=_letter_printed,
        get=  (L,   403, 403, 200, 403, 404, 404, 404, 404, 403, 403, 403, 404),
        post= (L,   403, 403, 302, 403, 404, 404, 404, 404, 403, 403, 403, 404)),
    Row("letters:dispatch", S.CARD_CANCELLED, setup=_letter_signed,
        get=  (L,   403, 403, 200, 403, 404, 404, 404, 404, 403, 403, 403, 404),
        post= (L,   403, 403, 302, 403, 404, 404, 404, 404, 403, 403, 403, 404)),
    Row("letters:delivery", S.CARD_CANCELLED, setup=_letter_dispatched,
        get=  (L,   403, 403, 200, 403, 404, 404, 404, 404, 403, 403, 403, 404),
        post= (L,   403, 403, 302, 403, 404, 404, 404, 404, 403, 403, 403, 404)),
    Row("letters:return", S.CARD_CANCELLED, setup=_letter_dispatched,
        get=  (L,   403, 403, 200, 403, 404, 404, 404, 404, 403, 403, 403, 404),
        post= (L,   403, 403, 302, 403, 404, 404, 404, 404, 403, 403, 403, 404)),
    Row("documents:verify", S.CARD_CANCELLED, kind="letter", setup=_letter_printed,
        get=  (L,   200, 200, 200, 200, 404, 404, 404, 404, 200, 200, 200, 404),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),

    # Role grants (accounts.grants): the IT administrator proposes in the admin; the approvers
    # decide here. A provincial grant (expert of Tehran): Tehran's supervisor alone; another
    # province's supervisor and the national secretariat do not see it (404); the IT
    # administrator, who proposed it, and every role that approves nothing: 403.
    #          anon exa  sea  sua  ena  exb  seb  sub  enb  nat  reg  aud  it
    Row("accounts:grants", None, setup=_grant_proposed,
        get=  (L,   403, 403, 200, 403, 403, 403, 200, 403, 200, 403, 403, 403),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
    Row("accounts:grant", None, setup=_grant_proposed,
        get=  (L,   403, 403, 200, 403, 403, 403, 404, 403, 404, 403, 403, 403),
        post= (L,   403, 403, 302, 403, 403, 403, 404, 403, 404, 403, 403, 403)),

    # The read log and the audit chain's state (oversight): the auditor's alone. A search is
    # POSTed and kept on the server (302 to its result page).
    #          anon exa  sea  sua  ena  exb  seb  sub  enb  nat  reg  aud  it
    Row("oversight:reads", None,
        get=  (L,   403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403),
        post= (L,   403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 302, 403)),
    Row("oversight:reads_export", None,
        get=  (L,   403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403),
        post= (L,   405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)),
]
# fmt: on


# --------------------------------------------------------------------------------------------------
# The Django admin's pages: the IT administrator's (a staff superuser) alone. Every other user,
# signed in or not, is sent to the admin's sign-in page (A); only that page and the sign-out answer
# them. A model's pages are asked of one row (ADMIN_OBJECTS), one in use where there is one: its
# delete page answers 403 (audit.admin_changes.CountsOnlyDelete: it would name what points at it).
# POSTs send nothing (the add and change forms are shown again with their errors), but a delete
# confirms ("post": "yes"). No admin page shows case or person data: tests/test_admin_pages.py.

A = "admin login"  # 302 to the admin's sign-in page
# fmt: off
#              anon exa  sea  sua  ena  exb  seb  sub  enb  nat  reg  aud
NOT_STAFF =   (A,   A,   A,   A,   A,   A,   A,   A,   A,   A,   A,   A)
ADMIN_VIEWS = ("changelist", "add", "change", "delete", "history")
# A registered model's five pages (ADMIN_VIEWS), and what the IT administrator gets, by GET and
# by POST (the model's row in use: 403 on delete).
ADMIN_MODELS = {
    #                            GET: list add change delete history;  POST: the same five
    "axes_accessattempt":       ((200, 403, 200, 200, 200), (200, 403, 302, 302, 200)),
    "axes_accesslog":           ((200, 403, 200, 200, 200), (200, 403, 302, 302, 200)),
    "axes_accessfailurelog":    ((200, 403, 200, 200, 200), (200, 403, 302, 302, 200)),
    "reference_province":       ((200, 200, 200, 403, 200), (200, 200, 200, 403, 200)),
    "reference_documenttype":   ((200, 200, 200, 403, 200), (200, 200, 200, 403, 200)),
    "reference_borderpoint":    ((200, 200, 200, 403, 200), (200, 200, 200, 403, 200)),
    "reference_yearlypolicy":   ((200, 200, 200, 200, 200), (200, 200, 200, 302, 200)),
    "reference_offencetype":    ((200, 200, 200, 200, 200), (200, 200, 200, 302, 200)),
    "accounts_user":            ((200, 200, 200, 403, 200), (200, 200, 200, 403, 200)),
    "accounts_enrolmentcode":   ((200, 200, 200, 403, 200), (200, 200, 403, 403, 200)),
    "accounts_rolegrant":       ((200, 200, 200, 403, 200), (200, 200, 403, 403, 200)),
    "otp_totp_totpdevice":      ((200, 403, 200, 200, 200), (200, 403, 200, 302, 200)),
    "audit_event":              ((200, 403, 200, 403, 200), (200, 403, 403, 403, 200)),
    "committees_workinggroup":  ((200, 403, 200, 403, 200), (200, 403, 200, 403, 200)),
    "letters_agencyoffice":     ((200, 200, 200, 403, 200), (200, 200, 200, 403, 200)),
}
ADMIN_OTHERS = [
    #          anon exa  sea  sua  ena  exb  seb  sub  enb  nat  reg  aud  it
    Row("admin:index", None, setup=_admin_objects,
        get=  (*NOT_STAFF, 200),
        post= (*NOT_STAFF, 200)),
    Row("admin:login", None, setup=_admin_objects,
        get=  (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 302),
        post= (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    Row("admin:logout", None, setup=_admin_objects,
        get=  (302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 405),
        post= (302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302)),
    Row("admin:password_change", None, setup=_admin_objects,
        get=  (*NOT_STAFF, 200),
        post= (*NOT_STAFF, 200)),
    Row("admin:password_change_done", None, setup=_admin_objects,
        get=  (*NOT_STAFF, 200),
        post= (*NOT_STAFF, 405)),
    Row("admin:autocomplete", None, setup=_admin_objects,
        get=  (*NOT_STAFF, 403),
        post= (*NOT_STAFF, 405)),
    Row("admin:jsi18n", None, setup=_admin_objects,
        get=  (*NOT_STAFF, 200),
        post= (*NOT_STAFF, 405)),
    Row("admin:view_on_site", None, setup=_admin_objects,
        get=  (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        post= (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404)),
    Row("admin:auth_user_password_change", None, setup=_admin_objects,
        get=  (*NOT_STAFF, 200),
        post= (*NOT_STAFF, 200)),
    Row("admin:otp_totp_totpdevice_config", None, setup=_admin_objects,
        get=  (*NOT_STAFF, 403),
        post= (*NOT_STAFF, 403)),
    Row("admin:otp_totp_totpdevice_qrcode", None, setup=_admin_objects,
        get=  (*NOT_STAFF, 403),
        post= (*NOT_STAFF, 403)),
    Row("admin:app_list", None, kind="axes",
        get=  (*NOT_STAFF, 200),
        post= (*NOT_STAFF, 200)),
    Row("admin:app_list", None, kind="reference",
        get=  (*NOT_STAFF, 200),
        post= (*NOT_STAFF, 200)),
    Row("admin:app_list", None, kind="accounts",
        get=  (*NOT_STAFF, 200),
        post= (*NOT_STAFF, 200)),
    Row("admin:app_list", None, kind="otp_totp",
        get=  (*NOT_STAFF, 200),
        post= (*NOT_STAFF, 200)),
    Row("admin:app_list", None, kind="audit",
        get=  (*NOT_STAFF, 200),
        post= (*NOT_STAFF, 200)),
    Row("admin:app_list", None, kind="committees",
        get=  (*NOT_STAFF, 200),
        post= (*NOT_STAFF, 200)),
    Row("admin:app_list", None, kind="letters",
        get=  (*NOT_STAFF, 200),
        post= (*NOT_STAFF, 200)),
]
# fmt: on
ADMIN_ROWS = [
    Row(
        f"admin:{model}_{view}",
        None,
        get=(*NOT_STAFF, get[index]),
        post=(*NOT_STAFF, post[index]),
        setup=_admin_objects,
    )
    for model, (get, post) in ADMIN_MODELS.items()
    for index, view in enumerate(ADMIN_VIEWS)
]
TABLE += ADMIN_OTHERS + ADMIN_ROWS


# --------------------------------------------------------------------------------------------------
# What each URL is built from, and what is POSTed to it


@dataclass
class Context:
    case: Case | None
    household: Household
    head: Person
    member: Person


def _form_value(value):
    if isinstance(value, datetime.date):
        return jalali(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def _admin_url(row: Row) -> str:
    name = row.name.removeprefix("admin:")
    if row.name == "admin:app_list":
        return reverse(row.name, kwargs={"app_label": row.kind})
    if row.name == "admin:view_on_site":
        kind = ContentType.objects.get_for_model(User)
        return reverse(row.name, args=[kind.pk, _admin_object("accounts_user").pk])
    if name.startswith("otp_totp_totpdevice_") and name.endswith(("config", "qrcode")):
        return reverse(row.name, args=[_admin_object("otp_totp_totpdevice").pk])
    if row.name == "admin:auth_user_password_change":
        return reverse(row.name, args=[_admin_object("accounts_user").pk])
    model, _, view = name.rpartition("_")
    if view in {"change", "delete", "history"} and model in ADMIN_MODELS:
        return reverse(row.name, args=[_admin_object(model).pk])
    return reverse(row.name)


def url_of(row: Row, ctx: Context) -> str:
    case = ctx.case
    if row.name.startswith("admin:"):
        return _admin_url(row)
    if case is None:
        if row.name == "accounts:grant":
            return reverse(row.name, args=[RoleGrant.objects.latest("pk").pk])
        if row.name in {"committees:list", "committees:new"}:
            return reverse(row.name)
        if row.name in {"people:household_member_new", "people:household_address"}:
            return reverse(row.name, kwargs={"household_id": ctx.household.pk})
        return reverse(row.name)
    if row.name.startswith("documents:"):
        document = {
            "minutes": lambda: Session.objects.latest("pk").minutes,
            "cancellation-form": lambda: CancellationForm.objects.latest("pk"),
            "expulsion-order": lambda: ExpulsionOrder.objects.latest("pk"),
            "letter": lambda: _first_letter(case),
            "exit-proof": lambda: OrderedPerson.objects.exclude(proof="").latest("pk"),
        }[row.kind]()
        if row.name == "documents:download":
            args = [row.kind, document.pk, row.variant] if row.variant else [row.kind, document.pk]
            return reverse(row.name, args=args)
        return reverse(row.name, args=[row.kind, document.serial]) + f"?h={document.content_sha256}"
    if row.name == "committees:national_queue":
        return reverse(row.name)
    if row.name == "committees:item_correct":
        closed = Session.objects.filter(state=Session.State.CLOSED).latest("pk")
        return reverse(row.name, args=[closed.pk, closed.items.first().pk])
    if row.name.startswith("committees:"):
        session = Session.objects.latest("pk")
        if row.name in {"committees:item", "committees:item_remove"}:
            return reverse(row.name, args=[session.pk, session.items.first().pk])
        return reverse(row.name, args=[session.pk])
    if row.name in {"najva:retry", "najva:record"}:
        return reverse(row.name, args=[Registration.objects.filter(case=case).first().pk])
    if row.name == "najva:form_print":
        return reverse(row.name, args=[case.number, case.subjects.order_by("pk").first().pk])
    if row.name.startswith("najva:form_"):
        return reverse(row.name, args=[CancellationForm.objects.latest("pk").pk])
    if row.name in {"enforcement:order_new", "enforcement:departed"}:
        return reverse(row.name, args=[case.number])
    if row.name.startswith("enforcement:order"):
        return reverse(row.name, args=[ExpulsionOrder.objects.latest("pk").pk])
    if row.name.startswith("enforcement:"):
        entry = OrderedPerson.objects.filter(order__case=case).order_by("pk").first()
        return reverse(row.name, args=[entry.pk])
    if row.name.startswith("letters:"):
        return reverse(row.name, args=[_first_letter(case).pk])
    kwargs = {"number": case.number}
    if row.name == "cases:action":
        kwargs["name"] = row.step
    elif row.name in {"cases:evidence_download", "cases:evidence_withdraw"}:
        kwargs["evidence_id"] = case.evidence.order_by("pk").first().pk
    elif row.name == "cases:inquiry_reply_version_download":
        kwargs["agency"] = row.agency
        kwargs["version_id"] = ReplyScanVersion.objects.get(inquiry__case=case).pk
    elif row.name.startswith("cases:inquiry_"):
        kwargs["agency"] = row.agency
    elif row.name == "cases:subject_decision":
        kwargs["person_id"] = ctx.head.pk
    elif row.name == "cases:subject_add":
        kwargs["person_id"] = ctx.household.members.exclude(case_subjects__case=case).get().pk
    elif row.name == "cases:household_head":
        kwargs["household_id"] = ctx.household.pk
    return reverse(row.name, kwargs=kwargs)


PERSON = {
    "first_name": "رحیم",
    "last_name": "احمدزی",
    "father_name": "کریم",
    "nationality": "AF",
    "sex": "male",
    "birth_date": "۱۳۶۵/۰۲/۱۰",
    "document_series": "",
    "issued_on": "1403/01/15",
    "expires_on": "1404/12/15",
}


def post_data(row: Row, ctx: Context) -> dict:
    """What a user who may do it would POST: valid, so that only the permission refuses it."""
    today = clock.today()
    case = ctx.case
    amayesh = DocumentType.objects.get(code="amayesh").pk
    if row.name.startswith("admin:"):
        # A delete confirmed; every other admin form sent empty (shown again, with its errors).
        return {"post": "yes"} if row.name.endswith("_delete") else {}
    match row.name:
        case "accounts:grant":
            return {"decision": "approve", "confirm": "on", "note": "می‌شناسمش"}
        case "cases:list":
            return {"q": ""}
        case "intake:intake":
            return {
                "step": "open",
                "household": ctx.household.pk,
                "source_type": "judicial_ruling",
                "source_reference": "۷۸/ق",
                "source_date": jalali(today),
                "subjects": [ctx.head.pk, ctx.member.pk],
            }
        case "people:household_new":
            return {
                **PERSON,
                "household_number": "۸۸۰۰۱",
                "document_type": amayesh,
                "document_number": "۴۴۵۵۶۶۷۷",
            }
        case "people:household_member_new":
            return {
                **PERSON,
                "relation_to_head": "spouse",
                "sex": "female",
                "document_type": amayesh,
                "document_number": "۴۴۵۵۶۶۷۸",
            }
        case "people:household_address":
            return {"postal_address": "تهران، خیابان آزادی، پلاک ۴", "postal_code": "۱۳۱۴۵۶۷۸۹۰"}
        case "cases:action":
            if row.step not in Step.values:
                return {}
            data = {k: _form_value(v) for k, v in inputs_for(case, Step(row.step)).items()}
            if Step(row.step) in REASONS:
                data["reason"] = REASONS[Step(row.step)]
            return data
        case "cases:evidence_upload":
            return {
                "evidence_type": "other",
                "file": SimpleUploadedFile("scan.pdf", DEMO_PDF + b"matrix", "application/pdf"),
            }
        case "cases:evidence_withdraw":
            return {"reason": "به اشتباه با این نوع بارگذاری شد."}
        case "cases:inquiry_send":
            return {
                "letter_number": "INT/99/1405",
                "sent_on": jalali(today),
                "due_on": jalali(today + datetime.timedelta(days=14)),
            }
        case "cases:inquiry_reply":
            return {
                "replied_on": jalali(today),
                "outcome": InquiryOutcome.NO_RECORD,
                "reply_on_paper_only": "on",
                "reply_note": "نسخه کاغذی در بایگانی اداره است.",
            }
        case "cases:subject_decision":
            return {"decision": SubjectDecision.CANCEL}
        case "cases:household_head":
            return {"new_head": ctx.member.pk}
        case "najva:record":
            return {"tracking_number": "NJ-TEL-4455", "reason": "ثبت تلفنی هنگام قطعی نجوا."}
        case "letters:dispatch":
            return {"tracking_number": "۹۹۸۸۷۷۶۶۵۵۴۴۳۳۲۲۱۱", "sent_on": jalali(today)}
        case "letters:delivery":
            return {"delivered_on": jalali(today), "received_by": "خود گیرنده"}
        case "letters:return":
            return {"returned_on": jalali(today), "reason": "گیرنده در نشانی شناخته نشد."}
        case "najva:form_signed":
            scan = SimpleUploadedFile("signed.pdf", DEMO_PDF + b"form", "application/pdf")
            return {"scan": scan}
        case "enforcement:order_new":
            from enforcement import services as enforcement

            subjects = enforcement.orderable_subjects(case)
            return {
                "subjects": [s.pk for s in subjects],
                "issued_on": jalali(today),
                "border_point": enforcement.default_border_point(subjects).pk,
                "leave_by": jalali(today + datetime.timedelta(days=30)),
                "reentry_ban_years": 5,
            }
        case "enforcement:departed":
            report = case.evidence.filter(evidence_type="exit_proof").first()
            exits = {f"exited_on_{s.pk}": jalali(case.source_date) for s in case.subjects.all()}
            return {**exits, "report": report.pk}
        case "enforcement:handover":
            return {"handed_over_on": jalali(today), "receiving_unit": "اردوگاه اخراج"}
        case "enforcement:outcome":
            order = ExpulsionOrder.objects.latest("pk")
            return {
                "outcome": "expelled",
                "outcome_on": jalali(today),
                "exit_border_point": order.border_point_id,
                "exit_sheet_number": "EX-1",
            }
        case "committees:new":
            return {"number": "۹۹/۱۴۰۵", "held_on": jalali(today), "place": "استانداری"}
        case "committees:attendance":
            return {"present": [m.pk for m in Session.objects.latest("pk").present.all()][:2]}
        case "committees:agenda":
            from committees.selectors import agenda_candidates

            session = Session.objects.latest("pk")
            return {"cases": [c.pk for c in agenda_candidates(session=session)]}
        case "committees:item_correct":
            opened = Session.objects.filter(state=Session.State.OPEN).latest("pk")
            return {"session": opened.pk, "reason": "شمارش آرا اشتباه بود."}
        case "committees:minutes_signed":
            scan = SimpleUploadedFile("signed.pdf", DEMO_PDF + b"again", "application/pdf")
            return {"scan": scan}
        case "committees:national_queue":
            return {"session": Session.objects.latest("pk").pk, "cases": [case.pk]}
        case "committees:batch":
            item = Session.objects.latest("pk").items.get()
            return {f"outcome_{item.pk}": "confirm"}
        case "committees:item":
            session = Session.objects.latest("pk")
            return {
                **{f"vote_{m.pk}": "for" for m in session.present.all()},
                "outcome": "approve",
                "resolution_number": "م/۲",
                "offence_type": inputs_for(case, Step.APPROVE_IN_PROVINCE)["offence_type"].pk,
            }
    return {}


# --------------------------------------------------------------------------------------------------
# Running the cells

WATCHED = (
    RoleGrant,
    User.groups.through,
    Case,
    CaseSubject,
    Evidence,
    Inquiry,
    Household,
    Person,
    IdentityDocument,
    Session,
    Session.present.through,
    AgendaItem,
    Vote,
    Minutes,
    Registration,
    CancellationForm,
    ExpulsionOrder,
    OrderedPerson,
    PriorDeparture,
    Letter,
    LetterRegister,
    Dispatch,
    AgencyOffice,
)


def snapshot() -> dict:
    """Every row of the case records, field by field, and the audit trail's size."""
    state = {model.__name__: list(model.objects.order_by("pk").values()) for model in WATCHED}
    state["Event"] = (Event.objects.count(), Event.objects.order_by("-pk").values("pk").first())
    return state


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse("login") + "?next="
    )


def _is_admin_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse("admin:login") + "?next="
    )


def _answer(response):
    if _is_login_redirect(response):
        return L
    return A if _is_admin_login_redirect(response) else response.status_code


def run_cell(user, method: str, url: str, data: dict, before: dict):
    """One request in a savepoint rolled back afterwards: the answer, and what changed when it
    should have changed nothing."""
    with transaction.atomic():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        response = client.post(url, data) if method == "POST" else client.get(url)
        answer = _answer(response)
        changed = None
        if not (method == "POST" and answer == 302):
            after = snapshot()
            changed = sorted(k for k in after if after[k] != before[k]) or None
        transaction.set_rollback(True)
    return answer, changed


@pytest.fixture(scope="module")
def walked(django_db_setup, django_db_blocker, tmp_path_factory):
    """The users and one case per state of the table, walked once for the module's ninety rows
    (conftest.made_once): each row's test meets them as they were made, whatever rows ran before."""
    with made_once(django_db_blocker, tmp_path_factory.mktemp("matrix")):
        load_reference_data()
        people = make_users(
            Province.objects.get(slug="tehran"), Province.objects.get(slug="isfahan")
        )
        people["it_admin"] = factories.UserFactory(
            username="it_admin", is_staff=True, is_superuser=True
        )
        make_offences()
        actors = actors_of(people, "a")
        states = {(row.state, row.source_type) for row in TABLE if row.state is not None}
        # The case left waiting for Najva comes last: each later walk has the registry deliver
        # every row that is due, its own included.
        last = [(S.AWAITING_NAJVA, None)]
        cases = {
            (state, source): walk_new_case(state, actors, source_type=source).pk
            for state, source in sorted(states - set(last), key=str) + last
        }
        yield {"users": {name: user.pk for name, user in people.items()}, "cases": cases}


@pytest.fixture
def users(walked):
    return {
        name: User.objects.get(pk=pk) for name, pk in walked["users"].items() if name != "it_admin"
    }


@pytest.fixture
def it_admin(walked):
    return User.objects.get(pk=walked["users"]["it_admin"])


@pytest.fixture
def case_in(walked):
    def made(state, *, source_type=None):
        return Case.objects.get(pk=walked["cases"][state, source_type])

    return made


@pytest.mark.parametrize("row", TABLE, ids=[row.id for row in TABLE])
def test_permission_matrix(row, users, it_admin, actors_a, case_in):
    people = {**users, "it_admin": it_admin, ANON: None}
    if row.state is None:
        head, member = factories.household_with_members(2)
        case = None
        if row.setup:
            row.setup(case, actors_a)
    else:
        case = case_in(row.state, source_type=row.source_type)
        if row.setup:
            row.setup(case, actors_a)
        head, member = (s.person for s in case.subjects.order_by("person_id"))
    ctx = Context(case=case, household=head.household, head=head, member=member)
    url = url_of(row, ctx)
    before = snapshot()

    wrong = []
    for method, expected in (("GET", row.get), ("POST", row.post)):
        assert len(expected) == len(USERS), f"{row.id} {method}: one status per user"
        for who, want in zip(USERS, expected, strict=True):
            data = post_data(row, ctx) if method == "POST" else {}
            got, changed = run_cell(people[who], method, url, data, before)
            if got != want:
                wrong.append(f"{method} {url} as {who}: expected {want}, got {got}")
            if changed:
                wrong.append(f"{method} {url} as {who} ({got}) changed {', '.join(changed)}")
    assert not wrong, "\n".join(wrong)


# --------------------------------------------------------------------------------------------------
# The table covers every URL, and keeps the rules it is meant to encode


def _names(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{prefix}{pattern.name}"


def test_every_url_of_the_project_is_in_the_table():
    urls = set(_names(get_resolver().url_patterns))
    table = {row.name for row in TABLE}
    assert urls - table == set(), "URLs missing from the permission matrix"
    assert table - urls == set(), "rows for URLs that no longer exist"


COLUMN = {who: index for index, who in enumerate(USERS)}
OTHER_PROVINCE = ("expert_b", "secretary_b", "supervisor_b", "enforcement_b")
TAKEN = {200, 302, 409}
REGISTRY_SCOPE = {
    S.CONFIRMED_NATIONALLY,
    S.AWAITING_NAJVA,
    S.CARD_CANCELLED,
    S.EXPULSION_ORDERED,
    S.EXPELLED,
    S.CLOSED_DEPARTED,
}


@pytest.mark.parametrize("row", TABLE, ids=[row.id for row in TABLE])
def test_the_table_keeps_the_rules(row):
    """A guard on the table itself, so that editing a cell cannot quietly drop a rule."""
    if row.name.startswith("admin:"):
        # The admin is the IT administrator's: everyone else is sent to its sign-in page, which
        # (with the sign-out) is all they reach; its view-on-site link answers nobody (404).
        open_to_all = {"admin:login": {200}, "admin:logout": {302}, "admin:view_on_site": {404}}
        for expected in (row.get, row.post):
            for who in USERS[:-1]:
                assert expected[COLUMN[who]] in open_to_all.get(row.name, {A}), who
        return
    for expected in (row.get, row.post):
        assert expected[COLUMN[ANON]] in {L, 200, 405, 302}
        if row.name.startswith("committees:") or row.kind == "minutes":
            # A session of another province is not seen (404) by those who read sessions; the
            # roles that read none, and the IT administrator, are refused (403) everywhere.
            for who in ("enforcement_a", "enforcement_b", "registry", "it_admin"):
                assert expected[COLUMN[who]] in {403, 405}, who
            if row.state is not None and row.name != "committees:national_queue":
                for who in ("expert_b", "secretary_b", "supervisor_b"):
                    assert expected[COLUMN[who]] in {404, 405}, who
            continue
        if row.name.startswith("accounts:grant"):
            # Only the approving roles decide role grants: never the IT administrator, who
            # proposes them, nor any other role.
            approvers = {ANON, "supervisor_a", "supervisor_b", "national"}
            for who in set(USERS) - approvers:
                assert expected[COLUMN[who]] in {403, 405}, who
            continue
        if row.state is None:
            if row.name in {
                "intake:intake",
                "people:household_new",
                "people:household_member_new",
                "people:household_address",
            }:
                assert expected[COLUMN["it_admin"]] == 403
            continue
        # A case URL: 405 (the method is not offered, whoever asks) reveals nothing.
        hidden = {404, 405}
        for who in OTHER_PROVINCE:
            assert expected[COLUMN[who]] in hidden, who
        assert expected[COLUMN["it_admin"]] in hidden
        if row.state not in REGISTRY_SCOPE:
            assert expected[COLUMN["registry"]] in hidden
    if row.name == "cases:action" and row.step in Step.values:
        # One role takes the step (or is told it no longer applies); every other user who sees
        # the case is refused (403), and those who do not see it are answered 404.
        in_session = STEPS[Step(row.step)].elsewhere and row.state in STEPS[Step(row.step)].source
        for expected in (row.get, row.post):
            takers = [who for who, status in zip(USERS, expected, strict=True) if status in TAKEN]
            assert len(takers) == (0 if in_session else 1), takers
