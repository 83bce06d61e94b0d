"""The safety case table, run through the real pipeline: the stored warning phrases and
rules as migrations seed them, `gate.check` (the screen and the free-text net), the
client answering the question about their words truthfully, and `book_session`.

Cases: safety_cases.py (red flags in words, ticked, risk factors, pregnancy, routine)
and safety_near_misses.py. The counts the issue asks for are printed and asserted.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from bookings.booking.errors import UnsafeBooking
from bookings.booking.services import book_session
from bookings.intake import gate
from bookings.intake.answers import UNSCREENED_LANGUAGE, IntakeAnswers
from bookings.intake.gate import Stop
from bookings.intake.language import language_name
from catalog.models import Technique
from catalog.vocabulary import CONDITIONS, RISK_FACTORS, WARNING_SIGNS
from tests.clock import NOW

if TYPE_CHECKING:
    from django.contrib.auth.models import User

from .safety_cases import ALL, CASES, ROUTINE, Case, Expect
from .safety_near_misses import NEAR_MISSES

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@dataclass(frozen=True)
class Outcome:
    asked: tuple[str, ...]
    """The signs their words were asked about."""
    first_stop: Stop | None
    """What stopped the booking before the question was answered."""
    check: gate.SafetyCheck


def run(case: Case) -> Outcome:
    answers = IntakeAnswers(
        areas=("lower",),
        duration="weeks",
        intensity=5,
        conditions=CONDITIONS.in_order(case.conditions),
        risk_factors=RISK_FACTORS.in_order(case.risks),
        warning_signs=WARNING_SIGNS.in_order(case.ticked),
        description=case.text,
        screened=True,
    )
    before = gate.check(answers)
    asked = tuple(m.sign for m in before.unasked)
    answered = IntakeAnswers(
        **{
            **answers.__dict__,
            "warning_signs": WARNING_SIGNS.in_order(
                [*case.ticked, *(s for s in asked if s == case.asks)]
            ),
            "text_checked": WARNING_SIGNS.in_order(s for s in asked if s != case.asks),
        }
    )
    return Outcome(asked, before.stop("swedish"), gate.check(answered))


def bookable(check: gate.SafetyCheck, slug: str) -> bool:
    return check.stop(slug, acknowledged=True) is None


def books(
    therapist_id: int, slug: str, answers: IntakeAnswers, *, by: "User | None" = None
) -> bool:
    """Whether `book_session` books it (acknowledged; for the front desk `by`, with a
    clinical override reason too); rolled back either way."""
    technique = Technique.objects.get(slug=slug)

    class Booked(Exception):
        pass

    try:
        with transaction.atomic():
            book_session(
                therapist_id=therapist_id,
                technique=technique,
                length_minutes=technique.lengths.values_list("minutes", flat=True)[0],
                start=START,
                client_name="Sam",
                client_email="sam@example.com",
                client_phone="07700 900123",
                intake=answers,
                acknowledged_warning=True,
                now=NOW,
                notify=False,
                by=by,
                clinical_override_reason="Spoke to the client's GP" if by else "",
            )
            raise Booked
    except Booked:
        return True
    except UnsafeBooking:
        return False


@pytest.fixture
def offers_everything(clinic_rules, therapist):
    therapist.techniques.add(*Technique.objects.active())
    return therapist


def test_the_table_is_as_big_as_the_issue_asks():
    assert len(CASES) >= 150
    assert len(NEAR_MISSES) >= 60
    kinds = {c.name.split(": ")[-1] for c in CASES}
    assert {"words", "typo", "plain", "denial", "ticked"} <= kinds
    assert {c.language for c in CASES if c.language} >= {"de", "fr", "es", "it", "nl", "pl"}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_case_gets_what_it_should_and_never_what_it_must_not(case: Case, offers_everything):
    outcome = run(case)
    check = outcome.check

    if case.asks:
        # The question names the sign the words describe, and only that one.
        assert outcome.asked == (case.asks,), outcome.asked
    elif not case.ticked and not case.language:
        # Words in another language may still hold a word the phrases know ("cáncer").
        assert outcome.asked == ()
    if case.ticked and set(case.ticked) & set(WARNING_SIGNS.codes):
        assert outcome.first_stop is Stop.URGENT  # emergency advice first, never a question
    if case.expect is Expect.EMERGENCY:
        assert check.urgent
        assert all(check.stop(slug) is Stop.URGENT for slug in ALL)
    elif case.expect is Expect.DOCTOR_FIRST:
        assert not check.urgent
        assert all(check.stop(slug, acknowledged=False) is not None for slug in ALL)
    elif case.expect is Expect.ROUTINE:
        assert not check.urgent
        assert not any(check.needs_doctor(slug) for slug in ALL)
        assert any(bookable(check, slug) for slug in ALL)
    elif case.expect is Expect.UNREAD:
        assert check.unscreened_language == language_name(case.language)
    if case.language:
        note = {"sign": UNSCREENED_LANGUAGE, "quote": language_name(case.language)}
        assert note in check.facts("swedish").text_checks
    for slug in case.never:
        assert not bookable(check, slug), slug
    if case.never:
        assert not books(offers_everything.pk, case.never[0], check.answers)
    elif case.expect is Expect.ROUTINE:
        allowed = next(slug for slug in ALL if bookable(check, slug))
        assert books(offers_everything.pk, allowed, check.answers)


FRONT_DESK = [c for c in CASES if c.never]


@pytest.mark.parametrize("case", FRONT_DESK, ids=[c.name for c in FRONT_DESK])
def test_the_front_desk_cannot_book_what_must_never_be_booked_even_with_an_override(
    case: Case, offers_everything, front_desk_user
):
    check = run(case).check

    for slug in case.never:
        assert not books(offers_everything.pk, slug, check.answers, by=front_desk_user), slug


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_a_near_miss_is_routine_whatever_it_is_asked(text: str):
    outcome = run(Case("near miss", Expect.ROUTINE, text))

    assert not outcome.check.urgent
    assert outcome.check.unscreened_language is None


def test_the_counts_meet_the_targets(offers_everything, capsys, record_property):
    outcomes = [(case, run(case)) for case in CASES]
    emergencies = [(c, o) for c, o in outcomes if c.expect is Expect.EMERGENCY]
    doctor_first = [(c, o) for c, o in outcomes if c.expect is Expect.DOCTOR_FIRST]
    counts = {
        "cases": len(CASES),
        "near misses": len(NEAR_MISSES),
        "emergencies stopped": sum(
            o.check.urgent and not books(offers_everything.pk, "swedish", o.check.answers)
            for _, o in emergencies
        ),
        "emergencies": len(emergencies),
        "doctor-first flagged": sum(
            all(o.check.stop(s, acknowledged=False) is not None for s in ALL)
            for _, o in doctor_first
        ),
        "doctor-first": len(doctor_first),
        "ruled-out bookable": sum(bookable(o.check, s) for c, o in outcomes for s in c.never),
        "near-miss questions asked": sum(
            bool(run(Case("near miss", Expect.ROUTINE, t)).asked) for t in NEAR_MISSES
        ),
        "plain-text questions asked": sum(bool(o.asked) for c, o in outcomes if c in ROUTINE),
        "unscreened language marked": sum(
            o.check.unscreened_language is not None for c, o in outcomes if c.language
        ),
        "other-language cases": sum(bool(c.language) for c in CASES),
    }
    with capsys.disabled():
        print("\nSafety case table:", ", ".join(f"{k}: {v}" for k, v in counts.items()))
    for name, value in counts.items():
        record_property(name, value)

    assert counts["emergencies stopped"] == counts["emergencies"]
    assert counts["doctor-first flagged"] == counts["doctor-first"]
    assert counts["ruled-out bookable"] == 0
    assert counts["near-miss questions asked"] * 10 <= counts["near misses"]
    assert counts["plain-text questions asked"] == 0
    assert counts["unscreened language marked"] == counts["other-language cases"]
