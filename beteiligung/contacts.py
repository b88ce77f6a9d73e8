"""Public contact details written by staff (a region's moderation team, a showcase project's contact person):
one check for an e-mail address and a phone number, used by the regions and the Projektschaufenster."""

import re

from email_validator import EmailNotValidError, validate_email

#: digits, spaces and + / - ( ) . – as people write German phone numbers ("0209 169-0", "+49 (0)2921 30-0")
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ()/.\-]{2,38}$")


def normalized_email(text):
    """The address in its normal form (lower case), or None when it is no valid address."""
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def is_phone(text):
    return bool(PHONE_PATTERN.match(text))
