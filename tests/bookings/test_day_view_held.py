"""The day view marks an "Awaiting payment" hold apart from a confirmed session: a
dashed block with the words and the hold's end in the house time format, in the same
number of queries."""

from datetime import timedelta

import pytest

from bookings.models import BookingCheckout, BookingStatus, PaymentPolicy
from tests.bookings.test_admin_desk import DAY_URL, DAY_VIEW_QUERIES
from tests.clock import NOW, clinic_time
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db


def test_a_hold_awaiting_payment_looks_unlike_a_confirmed_session(
    client, now, therapist, front_desk_user, django_assert_num_queries
):
    tomorrow = NOW + timedelta(days=1)
    BookingFactory(therapist=therapist, start=clinic_time(tomorrow, 9), client_name="Jane Doe")
    held = BookingFactory(
        therapist=therapist,
        start=clinic_time(tomorrow, 11),
        client_name="Omar Said",
        status=BookingStatus.AWAITING_PAYMENT,
    )
    BookingCheckout.objects.create(
        booking=held,
        policy=PaymentPolicy.DEPOSIT,
        currency="gbp",
        due_now_minor=2000,
        hold_until=clinic_time(NOW, 22) + timedelta(minutes=54),
    )
    client.force_login(front_desk_user)
    day = {"date": tomorrow.date().isoformat()}
    client.get(DAY_URL, day)  # the rules reach the cache
    with django_assert_num_queries(DAY_VIEW_QUERIES):
        page = client.get(DAY_URL, day).content.decode()
    assert page.count('class="day-block day-block-held"') == 1
    assert page.count('class="day-block"') == 1  # Jane's, confirmed, as before
    held_block = page.split("day-block-held", 1)[1].split("</a>", 1)[0]
    assert "Omar" in held_block
    assert "Awaiting payment, held until 22:54" in held_block
    assert "Awaiting payment" not in page.split('class="day-block"', 1)[1].split("</a>", 1)[0]
