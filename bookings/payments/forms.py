from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.conf import settings

from bookings.models import Payment
from bookings.payments import money, selectors


class RefundForm(forms.Form):
    payment = forms.ChoiceField(label="Which payment", widget=forms.RadioSelect)
    amount = forms.CharField(
        label=f"Amount ({settings.CLINIC_CURRENCY_SYMBOL})",
        max_length=12,
        help_text="Leave as it is to refund all that is left of that payment.",
    )
    reason = forms.CharField(label="Reason (kept with the refund)", max_length=200)

    def __init__(self, *args: Any, choices: list[tuple[Payment, int]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = {str(row.pk): (row, left) for row, left in choices}
        self.fields["payment"].choices = [  # type: ignore[attr-defined]
            (
                key,
                f"{row.get_kind_display()} of {row.at:%d %b %Y}: "
                f"{selectors.show(left)} left to refund",
            )
            for key, (row, left) in self.rows.items()
        ]
        if choices and not self.is_bound:
            first, left = choices[0]
            self.initial = {
                "payment": str(first.pk),
                "amount": str(money.from_minor(left, settings.CLINIC_CURRENCY)),
            }

    def clean_payment(self) -> Payment:
        key = self.cleaned_data["payment"]
        if key not in self.rows:
            raise forms.ValidationError("Choose one of the payments.", code="invalid")
        return self.rows[key][0]

    def clean_amount(self) -> Decimal:
        try:
            amount = Decimal(self.cleaned_data["amount"].strip().lstrip("£$€"))
        except InvalidOperation:
            raise forms.ValidationError("Type an amount such as 20.00.", code="invalid") from None
        if not amount.is_finite() or amount <= 0:
            raise forms.ValidationError("Type an amount above zero.", code="invalid")
        return amount

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "amount" in data:
            data["amount_minor"] = money.to_minor(data["amount"], settings.CLINIC_CURRENCY)
        return data
