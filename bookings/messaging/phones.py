"""Phone numbers in one form: E.164 (+447700900123), read with the clinic's country.

Pure: strings in, strings out (the country comes from settings.PHONE_REGION).
"""

import phonenumbers
from django.conf import settings


def to_e164(raw: str, *, region: str | None = None) -> str | None:
    """The number in E.164, or None when it is not a number anyone could dial."""
    try:
        number = phonenumbers.parse(raw, region or settings.PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    # "Possible" (the right length for its country), not "valid": validity follows
    # number ranges the library knows today, and refuses Ofcom's 07700 900xxx, which
    # the clinic's staff and tests use.
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def can_receive_texts(e164: str) -> bool:
    """False for a number known to be a landline (or a pager, a premium line...): a text
    to it is lost. Mobiles and numbers of no known type may try."""
    number = phonenumbers.parse(e164)
    return phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        phonenumbers.PhoneNumberType.UNKNOWN,
    )
