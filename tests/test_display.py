from decimal import Decimal

import pytest

from clinic.display import money


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("60"), "£60.00"),
        (Decimal("1520"), "£1,520.00"),
        (Decimal("1234567.5"), "£1,234,567.50"),
        (Decimal("0"), "£0.00"),
        (None, ""),
    ],
)
def test_money_has_the_currency_two_decimals_and_thousands_separated(settings, amount, shown):
    settings.CLINIC_CURRENCY_SYMBOL = "£"
    assert money(amount) == shown
