"""The booking service's own safety checks, whatever the answers (issue 11)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.booking.errors import BookingError, UnsafeBooking
from bookings.booking.services import book_session
from bookings.intake import safety, selectors
from bookings.intake.answers import IntakeAnswers
from bookings.intake.screening import find_warning_phrases
from catalog.models import Technique
from catalog.vocabulary import CONDITIONS, URGENT_SIGNS, WARNING_SIGNS
from tests.clock import NOW

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Europe/London"))
WORDS = [
    "",
    "stiff after gardening",
    "My left leg goes numb when I sit",
    "I had a fall off my bike last week",
    "no fever, just stiff",
    "running a temperature since Monday",
]
SLUGS = ["swedish", "deep-tissue", "trigger-point", "myofascial-release", "lymphatic-drainage"]

answers_from_the_vocabulary = st.builds(
    IntakeAnswers,
    areas=st.just(("lower",)),
    conditions=st.lists(st.sampled_from(CONDITIONS.codes), unique=True).map(CONDITIONS.in_order),
    warning_signs=st.lists(st.sampled_from(WARNING_SIGNS.codes), unique=True).map(
        WARNING_SIGNS.in_order
    ),
    text_checked=st.lists(st.sampled_from(WARNING_SIGNS.codes), unique=True).map(
        WARNING_SIGNS.in_order
    ),
    description=st.sampled_from(WORDS),
    screened=st.booleans(),
)


@pytest.fixture
def offers_everything(clinic_rules, therapist):
    therapist.techniques.add(*Technique.objects.active())
    return therapist


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=answers_from_the_vocabulary, slug=st.sampled_from(SLUGS))
def test_no_answers_ever_book_a_ruled_out_technique_or_skip_the_screen(
    offers_everything, answers, slug
):
    technique = Technique.objects.get(slug=slug)
    verdict = safety.screen(answers, selectors.load_profiles()).verdict(slug)
    booked = None
    with transaction.atomic():
        try:
            booked = book_session(
                therapist_id=offers_everything.pk,
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
            )
        except UnsafeBooking:
            pass
        except BookingError:
            pass  # a time or length problem: not what this test is about
        transaction.set_rollback(True)
    if booked is not None:
        assert answers.screened
        assert verdict is not safety.Verdict.RULED_OUT
        assert not set(answers.warning_signs) & URGENT_SIGNS
        answered = {*answers.warning_signs, *answers.text_checked}
        words = find_warning_phrases(answers.description, selectors.warning_phrases())
        assert all(match.sign in answered for match in words)


def test_the_generated_answers_do_reach_a_booking_when_nothing_stands_in_the_way(
    offers_everything,
):
    booking = book_session(
        therapist_id=offers_everything.pk,
        technique=Technique.objects.get(slug="swedish"),
        length_minutes=60,
        start=START,
        client_name="Sam",
        client_email="sam@example.com",
        client_phone="07700 900123",
        intake=IntakeAnswers(areas=("lower",), screened=True),
        now=NOW,
        notify=False,
    )
    assert booking.pk is not None
