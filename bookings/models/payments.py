from django.conf import settings
from django.db import models
from django.db.models import Q

from bookings.models.bookings import Booking
from bookings.models.schedules import PaymentPolicy


class CheckoutState(models.TextChoices):
    AWAITING = "awaiting", "Awaiting payment"
    PAID = "paid", "Paid"
    CARD_SAVED = "card_saved", "Card on file"
    RELEASED = "released", "Hold released, nothing charged"
    REFUNDED_LATE = "late_refund", "Paid after the hold ended: refunded"
    # Cancelled after paying: the refund the policy owes was made (or nothing was owed).
    CANCEL_SETTLED = "cancel_done", "Cancelled: refund settled"
    # Booked by the desk, who emailed the client a link to pay: the booking stands
    # whether or not they pay (nothing is held or released).
    REQUESTED = "requested", "Payment link sent, not paid yet"


class BookingCheckout(models.Model):
    """What a booking under a paid policy owes and where its Stripe Checkout stands.

    The terms are copied from the clinic rules when the client books, so a later
    change of policy never changes what this client agreed to. The money itself is
    in `Payment` rows; this row only follows the Checkout Session.
    """

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="checkout")
    policy = models.CharField(max_length=10, choices=PaymentPolicy.choices)
    currency = models.CharField(max_length=3)
    due_now_minor = models.PositiveIntegerField(
        "paid when booking (minor units)", help_text="0 for a card kept on file."
    )
    fee_minor = models.PositiveIntegerField("no-show and late-cancel fee (minor units)", default=0)
    state = models.CharField(
        max_length=11, choices=CheckoutState.choices, default=CheckoutState.AWAITING
    )
    hold_until = models.DateTimeField(db_index=True)
    session_id = models.CharField(max_length=255, blank=True)
    session_url = models.URLField(max_length=2000, blank=True)
    payment_intent_id = models.CharField(max_length=255, blank=True)
    customer_id = models.CharField(max_length=255, blank=True)
    payment_method_id = models.CharField(max_length=255, blank=True)
    card_brand = models.CharField(max_length=20, blank=True)
    card_last4 = models.CharField("card's last four digits", max_length=4, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "booking checkout"
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=CheckoutState.values), name="checkout_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(policy=PaymentPolicy.AT_CLINIC), name="checkout_policy_is_paid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booking.reference}: {self.get_state_display()}"


class PaymentKind(models.TextChoices):
    PAYMENT = "payment", "Payment"
    REFUND = "refund", "Refund"
    FEE = "fee", "No-show or late-cancel fee"


class PaymentOutcome(models.TextChoices):
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class PaymentQuerySet(models.QuerySet["Payment"]):
    def succeeded(self) -> "PaymentQuerySet":
        return self.filter(outcome=PaymentOutcome.SUCCEEDED)


class Payment(models.Model):
    """One movement of money (or one failed attempt at a fee), written once, never edited."""

    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(max_length=7, choices=PaymentKind.choices)
    outcome = models.CharField(
        max_length=9, choices=PaymentOutcome.choices, default=PaymentOutcome.SUCCEEDED
    )
    amount_minor = models.PositiveIntegerField("amount (minor units)")
    currency = models.CharField(max_length=3)
    # A PaymentIntent (payment, fee) or Refund id; unique, so a webhook delivered twice
    # or a return page reloaded can never record the same money twice.
    stripe_id = models.CharField(max_length=255, blank=True)
    refund_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refunds",
        help_text="The payment or fee a refund gives back.",
    )
    reason = models.CharField(max_length=200, blank=True)
    failure = models.CharField(max_length=200, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The staff member; empty when the client or Stripe did it.",
    )
    at = models.DateTimeField()

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["stripe_id"], condition=~Q(stripe_id=""), name="payment_stripe_id_once"
            ),
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(kind__in=PaymentKind.values), name="payment_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_minor} {self.currency.upper()}"

    def save(self, *args: object, **kwargs: object) -> None:
        # A ledger: a wrong row is answered by another row (a refund), never by an edit.
        if self.pk is not None:
            raise ValueError("A payment row is never edited.")
        super().save(*args, **kwargs)


class StripeEvent(models.Model):
    """Each Stripe webhook event, kept by its id, so a repeat is recognised and ignored."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField()
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "Stripe event"

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"
