"""Amounts as Stripe counts them: integers in the currency's minor unit (pence), never
floats. Pure: plain values in and out."""

from decimal import ROUND_HALF_UP, Decimal

# Currencies Stripe counts in whole units (no pence): the minor unit is the unit.
ZERO_DECIMAL = frozenset(
    [
        "bif",
        "clp",
        "djf",
        "gnf",
        "jpy",
        "kmf",
        "krw",
        "mga",
        "pyg",
        "rwf",
        "ugx",
        "vnd",
        "vuv",
        "xaf",
        "xof",
        "xpf",
    ]
)


def exponent(currency: str) -> int:
    return 0 if currency.lower() in ZERO_DECIMAL else 2


def to_minor(amount: Decimal, currency: str) -> int:
    """£60.00 -> 6000; half a penny rounds up, as a till would."""
    scaled = amount * (10 ** exponent(currency))
    return int(scaled.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_minor(amount_minor: int, currency: str) -> Decimal:
    """6000 -> Decimal("60.00"): `to_minor` undone, exactly."""
    return Decimal(amount_minor).scaleb(-exponent(currency))


def share(price_minor: int, percent: int) -> int:
    """A whole-percent share of a price, rounded half up, in integers only."""
    return (price_minor * percent + 50) // 100


def format_minor(amount_minor: int, currency: str, symbol: str) -> str:
    """6000 -> "£60.00" (with the clinic's symbol), 1234567 -> "£12,345.67"."""
    places = exponent(currency)
    sign = "-" if amount_minor < 0 else ""
    whole, part = divmod(abs(amount_minor), 10**places)
    text = f"{whole:,}" if places == 0 else f"{whole:,}.{part:0{places}d}"
    return f"{sign}{symbol}{text}"
