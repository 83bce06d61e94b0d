from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bookings.payments import money, terms

SHOW = lambda minor: money.format_minor(minor, "gbp", "£")  # noqa: E731


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        (Decimal("60.00"), "gbp", 6000),
        (Decimal("0.5"), "gbp", 50),
        (Decimal("12.345"), "gbp", 1235),
        (Decimal("12.344"), "gbp", 1234),
        (Decimal("5000"), "jpy", 5000),
    ],
)
def test_amounts_become_whole_minor_units(amount, currency, minor):
    assert money.to_minor(amount, currency) == minor
    assert isinstance(money.to_minor(amount, currency), int)


@given(st.integers(min_value=-(10**9), max_value=10**9), st.sampled_from(["gbp", "jpy"]))
def test_minor_units_go_back_to_the_same_amount(minor, currency):
    amount = money.from_minor(minor, currency)
    assert money.to_minor(amount, currency) == minor
    assert str(money.from_minor(6000, "gbp")) == "60.00"
    assert str(money.from_minor(500, "jpy")) == "500"


def test_amounts_are_shown_with_the_clinics_symbol():
    assert SHOW(6000) == "£60.00"
    assert SHOW(123456789) == "£1,234,567.89"
    assert SHOW(5) == "£0.05"
    assert money.format_minor(5000, "jpy", "¥") == "¥5,000"


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=100))
def test_a_share_is_the_exact_rounded_percentage_in_integers(price, percent):
    exact = Decimal(price) * percent / 100
    assert abs(money.share(price, percent) - exact) <= Decimal("0.5")


def test_a_fixed_deposit_is_due_now_and_the_rest_at_the_clinic():
    found = terms.terms_for(
        terms.Rule(policy=terms.DEPOSIT, deposit_minor=2000), price_minor=6000, currency="gbp"
    )
    assert (found.due_now_minor, found.at_clinic_minor, found.fee_minor) == (2000, 4000, 0)
    words = " ".join(terms.plain_words(found, window_hours=24, show=SHOW))
    assert "deposit of £20.00 by card now" in words
    assert "the rest, £40.00, at the clinic" in words
    assert "24 hours before" in words


def test_a_share_deposit_follows_the_price():
    rule = terms.Rule(policy=terms.DEPOSIT, deposit_percent=25)
    assert terms.terms_for(rule, price_minor=7500, currency="gbp").due_now_minor == 1875


def test_a_deposit_never_exceeds_the_price():
    rule = terms.Rule(policy=terms.DEPOSIT, deposit_minor=9000)
    assert terms.terms_for(rule, price_minor=6000, currency="gbp").due_now_minor == 6000


def test_full_payment_asks_the_whole_price_now():
    found = terms.terms_for(terms.Rule(policy=terms.FULL), price_minor=6000, currency="gbp")
    assert found.due_now_minor == 6000
    assert "full price of £60.00" in terms.plain_words(found, window_hours=24, show=SHOW)[0]


def test_a_card_on_file_charges_nothing_now_and_names_the_fee():
    rule = terms.Rule(policy=terms.CARD_ON_FILE, fee_percent=50)
    found = terms.terms_for(rule, price_minor=6000, currency="gbp")
    assert (found.due_now_minor, found.fee_minor) == (0, 3000)
    words = " ".join(terms.plain_words(found, window_hours=48, show=SHOW))
    assert "Nothing is charged now" in words
    assert "fee of £30.00" in words
    assert "less than 48 hours before" in words


def test_a_paid_policy_without_an_amount_is_paying_at_the_clinic():
    found = terms.terms_for(terms.Rule(policy=terms.DEPOSIT), price_minor=6000, currency="gbp")
    assert not found.paid
    assert terms.plain_words(found, window_hours=24, show=SHOW) == [
        "You pay £60.00 at the clinic. Nothing is paid online."
    ]


@pytest.mark.parametrize(
    "rule",
    [
        terms.Rule(),
        terms.Rule(policy=terms.DEPOSIT, deposit_minor=2000),
        terms.Rule(policy=terms.FULL),
        terms.Rule(policy=terms.CARD_ON_FILE, fee_minor=3000),
    ],
)
@pytest.mark.parametrize("asked", [False, True])
def test_front_desk_reads_the_policy_about_the_client_never_addressed_to_them(rule, asked):
    found = terms.terms_for(rule, price_minor=6000, currency="gbp")
    words = terms.desk_words(found, window_hours=24, show=SHOW, asked=asked)
    assert len(words) == len(terms.plain_words(found, window_hours=24, show=SHOW))
    text = " ".join(words)
    assert "the client" in text.lower()
    assert not {"you", "your"} & set(text.lower().replace(",", " ").replace(".", " ").split())
