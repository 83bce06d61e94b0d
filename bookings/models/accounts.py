import hashlib
import secrets
from datetime import datetime

from django.db import models
from django.utils.crypto import salted_hmac

# The link's token is derived from a random nonce and the site's secret key: the row
# keeps the nonce (for the outbox, which writes the email after the commit) and the
# token's SHA-256 (to find the row), never the token. A copy of the database alone
# signs nobody in.
LINK_SALT = "bookings.account.sign_in_link"


def new_link_nonce() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def email_digest(email: str) -> str:
    """An address as the sign-in rate limit counts it, without keeping the address."""
    normalised = email.strip().lower()
    return salted_hmac(LINK_SALT + ".email", normalised, algorithm="sha256").hexdigest()


class SignInLinkQuerySet(models.QuerySet["SignInLink"]):
    def usable(self, now: datetime) -> "SignInLinkQuerySet":
        return self.filter(used_at__isnull=True, expires_at__gt=now, client__isnull=False)


class SignInLink(models.Model):
    """One "sign in to My bookings" link asked for by email (bookings/account/).

    A request for an address no client holds writes a row too (no client, no email
    sent): the page, the status and the writes are the same either way."""

    client = models.ForeignKey(
        "bookings.Client",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sign_in_links",
    )
    email_digest = models.CharField(max_length=64, db_index=True)
    nonce = models.CharField(max_length=43, default=new_link_nonce, editable=False)
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    objects = SignInLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(created_at__lt=models.F("expires_at")),
                name="sign_in_link_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"Sign-in link {self.pk}"

    @property
    def token(self) -> str:
        """The secret in the emailed link, worked out again from the nonce."""
        return salted_hmac(LINK_SALT, self.nonce, algorithm="sha256").hexdigest()
