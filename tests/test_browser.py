"""The expert's day in Chromium, as a person does it, in Persian.

expert_teh signs in, registers a household of two, opens a case from a police report, uploads the
evidence, sends both inquiries, records both replies (one scanned, one kept on paper) and sends the
case to the working group; the same step sent again from a second tab is answered with the page
that says who moved the case; the secretary then finds it in the working group's queue. Each page
is saved as a screenshot under test-artifacts/ and checked for right-to-left layout, the Vazirmatn
font and the case number read in order.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.permissions import needs_second_factor
from cases.choices import CaseState
from cases.models import Case
from conftest import make_user
from people.models import DocumentStatus
from revocation.demo.walk import DEMO_PDF
from shared import clock
from shared.persian import jalali
from tests.files import PNG

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
PDF = DEMO_PDF  # a whole one-page PDF and a real PNG: the upload checks parse them

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def days_from_today(days: int) -> str:
    """A Solar Hijri date as the expert types it (Persian digits), relative to today: a step's
    date may be neither in the future nor before the case was opened."""
    return jalali(clock.today() + datetime.timedelta(days=days))


class Journey:
    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.shots = 0
        ARTIFACTS.mkdir(exist_ok=True)
        # What the browser refused under the Content-Security-Policy (Chromium says so on the
        # console): every page of every journey is checked for none.
        self.refused = []
        page.on(
            "console",
            lambda message: (
                self.refused.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )

    def goto(self, path):
        self.page.goto(f"{self.base_url}{path}")

    def check_and_shoot(self, name, page=None):
        """Every page: right to left, in Persian, with Vazirmatn loaded, nothing refused by the
        Content-Security-Policy; then a screenshot."""
        page = page or self.page
        assert not self.refused, self.refused
        assert page.get_attribute("html", "dir") == "rtl"
        assert page.get_attribute("html", "lang") == "fa"
        page.evaluate("document.fonts.ready")
        assert page.evaluate("document.fonts.check('16px Vazirmatn')"), name
        loaded = page.evaluate(
            "[...document.fonts].filter(f => f.family.includes('Vazirmatn') && "
            "f.status === 'loaded').length"
        )
        assert loaded >= 1, f"Vazirmatn not loaded on {name}"
        family = page.evaluate("getComputedStyle(document.body).fontFamily")
        assert family.startswith('"Vazirmatn"') or family.startswith("Vazirmatn"), family
        self.shots += 1
        page.screenshot(
            path=str(ARTIFACTS / f"journey-{self.shots:02d}-{name}.png"), full_page=True
        )

    def sign_in(self, username):
        """The password, then for the roles that need it the code of their authenticator app,
        computed here from the device's key as the app computes it."""
        user = get_user_model().objects.get(username=username)
        device = None
        if needs_second_factor(user):
            device, _ = TOTPDevice.objects.get_or_create(
                user=user, name="گوشی", defaults={"confirmed": True}
            )
        self.goto("/accounts/login/")
        self.check_and_shoot(f"login-{username}")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", "test-pass-1405")
        self.follow(self.page.locator("button[type=submit]"))
        if device is not None:
            assert self.page.url.startswith(f"{self.base_url}/accounts/second-factor/")
            self.check_and_shoot(f"second-factor-{username}")
            self.page.fill("#id_code", self.code_of(device))
            self.submit("تأیید کد")
        assert self.page.url == f"{self.base_url}/"

    @staticmethod
    def code_of(device) -> str:
        """The current code; the next step's when this step's was used already (a code is good
        once, and the device accepts one step ahead)."""
        device.refresh_from_db()
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        if device.last_t is not None and device.last_t >= totp.t():
            totp.drift += device.last_t - totp.t() + 1
        return f"{totp.token():06d}"

    def follow(self, locator):
        """Click a link or a submit button and wait until the next page has fully loaded."""
        with self.page.expect_navigation(wait_until="load"):
            locator.click()

    def submit(self, label):
        self.follow(self.page.get_by_role("button", name=label))

    def case_number_reads_in_order(self, number):
        """The number shows as ۲۳-۱۴۰۵-۰۰۰۰۱ left to right, not reordered by the Persian text."""
        persian = number.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
        bdi = self.page.locator("h1 bdi")
        expect(bdi).to_have_text(persian)
        assert bdi.get_attribute("dir") == "ltr"
        # Where each character is drawn: left to right in the order of the number.
        xs = bdi.evaluate(
            """el => { const text = el.firstChild, xs = [];
                for (let i = 0; i < text.length; i++) {
                    const r = document.createRange(); r.setStart(text, i); r.setEnd(text, i + 1);
                    xs.push(r.getBoundingClientRect().left); }
                return xs; }"""
        )
        assert xs == sorted(xs), xs


def test_the_expert_takes_a_police_report_to_the_working_group(page, live_server, tehran):
    expert = make_user("expert_teh", "provincial_expert", tehran)
    expert.first_name, expert.last_name = "سارا", "کاظمی"
    expert.save()
    make_user("secretary_teh", "provincial_secretary", tehran)
    journey = Journey(page, live_server.url)
    journey.sign_in("expert_teh")
    journey.check_and_shoot("work-queue-empty")

    # A household of two, registered from their Amayesh cards (typed in Persian digits).
    journey.follow(page.get_by_role("link", name="ثبت خانوار").first)
    journey.check_and_shoot("household-new")
    page.fill("#id_household_number", "۷۷۱۲۰۰")
    page.fill("#id_first_name", "علی")
    page.fill("#id_last_name", "کریمی‌نژاد")
    page.fill("#id_father_name", "حسن")
    page.select_option("#id_sex", "male")
    page.fill("#id_birth_date", "۱۳۶۰/۰۵/۱۲")
    # Nothing is preselected where the choice matters.
    expect(page.locator("#id_nationality option:checked")).to_have_text("تابعیت را انتخاب کنید")
    expect(page.locator("#id_document_type option:checked")).to_have_text("نوع مدرک را انتخاب کنید")
    page.select_option("#id_nationality", "AF")
    page.select_option("#id_document_type", label="کارت آمایش")
    page.fill("#id_document_number", "۲۰۲۶۵۵۰۰۰۱")
    page.fill("#id_issued_on", "۱۴۰۳/۰۵/۰۱")
    page.fill("#id_expires_on", "۱۴۰۵/۰۴/۱۵")
    journey.submit("ثبت")
    # Back at intake with the new household chosen (its id in the URL; no search needed).
    assert re.search(r"/cases/new/\?household=\d+$", page.url), page.url
    journey.check_and_shoot("intake-household")
    journey.follow(page.get_by_role("link", name="افزودن عضو خانوار"))
    page.select_option("#id_relation_to_head", "spouse")
    page.fill("#id_first_name", "زهرا")
    page.fill("#id_last_name", "رحیمی")
    page.fill("#id_father_name", "محمد")
    page.select_option("#id_sex", "female")
    page.select_option("#id_nationality", "AF")
    page.select_option("#id_document_type", label="کارت آمایش")
    page.fill("#id_document_number", "۲۰۲۶۵۵۰۰۰۲")
    page.fill("#id_issued_on", "۱۴۰۳/۰۶/۰۱")
    page.fill("#id_expires_on", "۱۴۰۵/۰۴/۱۵")
    journey.check_and_shoot("member-new")
    journey.submit("ثبت")
    assert re.search(r"/cases/new/\?household=\d+$", page.url), page.url

    # The case, from a police report.
    page.select_option("#id_source_type", "agency_report")
    page.fill("#id_source_reference", "۱۲۳۴/ا/۱۴۰۵")
    page.fill("#id_source_date", days_from_today(-4))
    page.fill("#id_summary", "گزارش انتظامی درباره تخلف سرپرست خانوار")
    page.get_by_label("علی کریمی‌نژاد", exact=False).check()
    page.get_by_label("زهرا رحیمی", exact=False).check()
    journey.check_and_shoot("intake-filled")
    journey.submit("ثبت پرونده")

    case = Case.objects.get()
    assert case.subjects.count() == 2
    assert {d.status for s in case.subjects.all() for d in s.person.documents.all()} == {
        DocumentStatus.SUSPENDED
    }
    journey.case_number_reads_in_order(case.number)
    expect(page.locator("#case-state")).to_have_text("دریافت‌شده")
    journey.check_and_shoot("case-opened")

    # Evidence: the checklist of a police report.
    for evidence_type, name, content in [
        ("agency_report", "police-report.pdf", PDF),
        ("id_document_copy", "amayesh.png", PNG),
    ]:
        page.select_option("#id_evidence_type", evidence_type)
        page.set_input_files(
            "#id_file",
            files=[{"name": name, "mimeType": "application/octet-stream", "buffer": content}],
        )
        journey.submit("بارگذاری")
    expect(page.locator(".checklist .missing")).to_have_count(0)
    journey.check_and_shoot("evidence")

    # Review starts: a confirmation page, then the step.
    journey.follow(page.locator("#actions").get_by_role("link", name="شروع بررسی کارشناسی"))
    journey.check_and_shoot("confirm-start-review")
    journey.submit("ثبت نهایی: شروع بررسی کارشناسی")
    expect(page.locator("#case-state")).to_have_text("در بررسی کارشناس")

    # Both inquiries sent.
    for agency in ["intelligence", "police"]:
        journey.follow(
            page.locator(f'tr[data-agency="{agency}"]').get_by_role("link", name="ثبت ارسال")
        )
        page.fill("#id_letter_number", f"۵۵/{agency[:3]}")
        page.fill("#id_sent_on", days_from_today(0))
        page.fill("#id_due_on", days_from_today(14))
        journey.check_and_shoot(f"inquiry-send-{agency}")
        journey.submit("ثبت")
    journey.follow(page.locator("#actions").get_by_role("link", name="ثبت ارسال استعلام‌ها"))
    journey.submit("ثبت نهایی: ثبت ارسال استعلام‌ها")
    expect(page.locator("#case-state")).to_have_text("در انتظار پاسخ استعلام‌ها")
    journey.check_and_shoot("awaiting-replies")

    # Both replies came on paper and are entered by the expert: the police reply is scanned; the
    # intelligence office's is kept on paper only, which the expert must say, with where it is.
    for agency in ["intelligence", "police"]:
        journey.follow(
            page.locator(f'tr[data-agency="{agency}"]').get_by_role("link", name="ثبت پاسخ")
        )
        expect(page.locator("#id_outcome")).to_have_value("")  # nothing chosen for the expert
        page.fill("#id_replied_on", days_from_today(0))
        page.select_option("#id_outcome", "no_record")
        if agency == "police":
            page.set_input_files(
                "#id_reply_document",
                files=[{"name": "reply.pdf", "mimeType": "application/pdf", "buffer": PDF}],
            )
        else:
            journey.submit("ثبت")  # neither a scan nor the paper-only flag: refused
            expect(page.locator(".invalid-feedback")).to_contain_text(
                "تصویر پاسخ را بارگذاری کنید یا «پاسخ کاغذی بدون تصویر» را بزنید."
            )
            page.check("#id_reply_on_paper_only")
            page.fill("#id_reply_note", "بایگانی اداره اتباع، پوشه ۱۴۰۵/۱۲")
        journey.check_and_shoot(f"inquiry-reply-{agency}")
        journey.submit("ثبت")
    expect(page.locator('tr[data-agency="intelligence"]')).to_contain_text(
        "پاسخ کاغذی بدون تصویر: بایگانی اداره اتباع، پوشه ۱۴۰۵/۱۲"
    )
    expect(
        page.locator('tr[data-agency="police"]').get_by_role("link", name="تصویر پاسخ")
    ).to_be_visible()

    # Both members lose their cards: decided one by one.
    for row in page.locator("tr[data-person]").all():
        person_id = row.get_attribute("data-person")
        row.locator("select[name=decision]").select_option("cancel")
        journey.follow(row.get_by_role("button", name="ثبت"))
        expect(page.locator(f'tr[data-person="{person_id}"] select[name=decision]')).to_have_value(
            "cancel"
        )

    # To the working group; the confirmation is also open in a second tab.
    journey.follow(page.locator("#actions").get_by_role("link", name="ارسال به کارگروه استان"))
    second_tab = page.context.new_page()
    second_tab.goto(page.url)
    journey.check_and_shoot("confirm-submit")
    journey.submit("ثبت نهایی: ارسال به کارگروه استان")
    expect(page.locator("#case-state")).to_have_text("آماده طرح در کارگروه استان")
    events = case.events.count()

    # The same step sent again from the second tab: 409, saying who moved the case, and to where.
    with second_tab.expect_navigation(wait_until="load") as navigation:
        second_tab.get_by_role("button", name="ثبت نهایی: ارسال به کارگروه استان").click()
    assert navigation.value.status == 409
    conflict = second_tab.locator("#conflict")
    expect(conflict).to_contain_text("سارا کاظمی")
    expect(conflict).to_contain_text("«آماده طرح در کارگروه استان»")
    expect(conflict).to_contain_text("«ارسال به کارگروه استان»")
    journey.check_and_shoot("conflict-409", page=second_tab)
    second_tab.close()
    assert case.events.count() == events
    journey.case_number_reads_in_order(case.number)
    timeline = page.locator("#timeline").inner_text()
    for label in [
        "ثبت پرونده",
        "شروع بررسی کارشناسی",
        "ثبت پاسخ استعلام",
        "ارسال به کارگروه استان",
    ]:
        assert label in timeline
    journey.check_and_shoot("ready-for-working-group")

    case.refresh_from_db()
    assert case.state == CaseState.READY_FOR_PROVINCE
    assert case.events.filter(actor__username="expert_teh").count() >= 10

    # The secretary finds it waiting for the working group.
    journey.follow(page.locator("nav").get_by_role("button", name="خروج"))
    journey.sign_in("secretary_teh")
    queue = page.locator('[data-queue-state="ready_for_province"]')
    expect(queue).to_contain_text(re.sub(r"\d", lambda m: "۰۱۲۳۴۵۶۷۸۹"[int(m[0])], case.number))
    journey.check_and_shoot("secretary-queue")
