"""What a payment policy asks of one booking, and how the client reads it. Pure."""

from collections.abc import Callable
from dataclasses import dataclass

from bookings.payments import money

AT_CLINIC = "at_clinic"
DEPOSIT = "deposit"
FULL = "full"
CARD_ON_FILE = "card"
PAID_POLICIES = frozenset({DEPOSIT, FULL, CARD_ON_FILE})


@dataclass(frozen=True)
class Rule:
    """The clinic's policy as set in the clinic rules, amounts in minor units."""

    policy: str = AT_CLINIC
    deposit_minor: int | None = None
    deposit_percent: int | None = None
    fee_minor: int | None = None
    fee_percent: int | None = None


@dataclass(frozen=True)
class Terms:
    """What one booking owes: now, and for a no-show or a late cancellation."""

    policy: str
    price_minor: int
    due_now_minor: int
    fee_minor: int
    currency: str

    @property
    def paid(self) -> bool:
        return self.policy in PAID_POLICIES

    @property
    def at_clinic_minor(self) -> int:
        return max(self.price_minor - self.due_now_minor, 0)


def terms_for(rule: Rule, *, price_minor: int, currency: str) -> Terms:
    due, fee = 0, 0
    if rule.policy == DEPOSIT:
        due = _amount(rule.deposit_minor, rule.deposit_percent, price_minor)
    elif rule.policy == FULL:
        due = price_minor
    elif rule.policy == CARD_ON_FILE:
        fee = _amount(rule.fee_minor, rule.fee_percent, price_minor)
    # A deposit larger than the price is the price: nobody pays more than the session.
    return Terms(
        policy=rule.policy if due or fee or rule.policy == FULL else AT_CLINIC,
        price_minor=price_minor,
        due_now_minor=min(due, price_minor),
        fee_minor=min(fee, price_minor),
        currency=currency,
    )


def _amount(fixed: int | None, percent: int | None, price_minor: int) -> int:
    if fixed is not None:
        return fixed
    if percent is not None:
        return money.share(price_minor, percent)
    return 0


def plain_words(
    terms: Terms, *, window_hours: int, show: Callable[[int], str], asked: bool = False
) -> list[str]:
    """The policy in the client's words, the same on every page and email. `asked`: the
    desk booked it and sent a link to pay, so the booking does not wait for it."""
    you = "The clinic asks you to" if asked else "To book, you"
    if terms.policy == DEPOSIT:
        return [
            f"{you} pay a deposit of {show(terms.due_now_minor)} by card now; "
            f"the rest, {show(terms.at_clinic_minor)}, at the clinic.",
            f"Cancel at least {window_hours} hours before and your deposit is refunded "
            "in full. If you cancel later, or do not come, the clinic keeps it.",
        ]
    if terms.policy == FULL:
        return [
            f"{you} pay the full price of {show(terms.due_now_minor)} by card now.",
            f"Cancel at least {window_hours} hours before and it is refunded in full. "
            "If you cancel later, or do not come, it is not refunded.",
        ]
    if terms.policy == CARD_ON_FILE:
        return [
            f"{you} save a card with our payment provider, Stripe. Nothing is "
            f"charged now; you pay {show(terms.price_minor)} at the clinic.",
            f"If you do not come, or cancel less than {window_hours} hours before, the "
            f"clinic may charge a fee of {show(terms.fee_minor)} to that card.",
        ]
    return [f"You pay {show(terms.price_minor)} at the clinic. Nothing is paid online."]


def desk_words(
    terms: Terms, *, window_hours: int, show: Callable[[int], str], asked: bool = False
) -> list[str]:
    """The same policy as `plain_words`, told to front desk about the client."""
    pays = "The clinic asks the client to pay" if asked else "To book, the client pays"
    saves = "The clinic asks the client to save" if asked else "To book, the client saves"
    if terms.policy == DEPOSIT:
        return [
            f"{pays} a deposit of {show(terms.due_now_minor)} by card; "
            f"the rest, {show(terms.at_clinic_minor)}, at the clinic.",
            f"Cancelled at least {window_hours} hours before: the deposit is refunded in "
            "full. Cancelled later, or a no-show: the clinic keeps it.",
        ]
    if terms.policy == FULL:
        return [
            f"{pays} the full price of {show(terms.due_now_minor)} by card.",
            f"Cancelled at least {window_hours} hours before: refunded in full. "
            "Cancelled later, or a no-show: not refunded.",
        ]
    if terms.policy == CARD_ON_FILE:
        return [
            f"{saves} a card with Stripe. Nothing is charged now; the client pays "
            f"{show(terms.price_minor)} at the clinic.",
            f"A no-show, or a cancellation less than {window_hours} hours before: the "
            f"clinic may charge a fee of {show(terms.fee_minor)} to that card.",
        ]
    return [f"The client pays {show(terms.price_minor)} at the clinic. Nothing is paid online."]
