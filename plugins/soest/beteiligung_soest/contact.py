"""Contact data in comments: German phone numbers and e-mail addresses.

A public comment with a phone number or an e-mail address exposes its author (or somebody else).
The patterns look for the shapes contact data has in Germany and leave alone what citizens write
about buses and places: years, dates, times, prices, postal codes with a town, line numbers, counts.
"""

import re

INTRO = ("Bitte veröffentlichen Sie keine Telefonnummern oder E-Mail-Adressen – zum Schutz Ihrer Daten und "
         "der Daten anderer.")
OUTRO = ("Bitte entfernen Sie die Angabe und senden Sie Ihren Beitrag erneut. Wer mit Ihnen ins Gespräch kommen "
         "möchte, kann hier auf Ihren Beitrag antworten.")
FOUND = {"phone": "Ihr Beitrag enthält offenbar eine Telefonnummer.",
         "email": "Ihr Beitrag enthält offenbar eine E-Mail-Adresse."}

# A number with the German trunk prefix 0 or the country code +49/0049: area code, then the
# subscriber number (which never starts with 0). Dots and commas are no separators (dates, prices).
GERMAN_PHONE = re.compile(r"""
    (?<![\w+])
    (?P<prefix>(?:\+|00)[ ]?49[ ]?[-/]?[ ]?(?:\(0\)[ ]?)? | \(?0)
    (?P<area>[1-9]\d{1,4})\)?
    (?P<sep>[ \t]*[-/][ \t]*|[ \t]+|)
    (?P<number>[1-9](?:[ \t-]?\d){2,9})
    (?!\d|[ \t]*(?:Uhr|h)\b)
    """, re.VERBOSE)
# Any other country code: at least eight digits after the plus sign.
FOREIGN_PHONE = re.compile(r"(?<![\w+])\+(?!49)[1-9]\d{0,2}[ /-]?(?:\(0\)[ ]?)?\d(?:[ \t/-]?\d){6,12}(?!\d)")
# A number announced as one ("Tel. 12345", "Handy: 234 56 78"), even without an area code.
ANNOUNCED_PHONE = re.compile(
    r"\b(?:tel|telefon|telefonnummer|rufnummer|festnetz|handy|handynummer|mobil|mobilnummer|fax|whats ?app)\b"
    r"[ \t.-]*(?:nr\.?|nummer)?[ \t]*:?[ \t]*\(?\d[\d \t/()-]{3,}\d", re.IGNORECASE)
YEAR = re.compile(r"(?:19|20)\d\d")

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
# Written out to fool machines: "name(at)example.de", "name [at] example [punkt] de", "name at web dot de".
EMAIL_BRACKETED = re.compile(
    r"[\w.+-]+[ \t]*[(\[{][ \t]*(?:at|ät|@)[ \t]*[)\]}][ \t]*[\w-]+"
    r"(?:[ \t]*(?:[(\[{][ \t]*(?:dot|punkt)[ \t]*[)\]}]|\.)[ \t]*[\w-]+)+", re.IGNORECASE)
EMAIL_SPELLED = re.compile(r"\b[\w.+-]+ +(?:at|ät) +[\w-]+ +(?:dot|punkt) +[^\W\d_]{2,}\b", re.IGNORECASE)


def _is_german_phone(match):
    digits = re.sub(r"\D", "", match.group(0))
    prefix = match.group("prefix")
    if prefix.startswith(("+", "00")):  # +49 or 0049, maybe with "(0)": the national number is 0 + the rest
        national = "0" + digits[(4 if prefix.startswith("00") else 2):].removeprefix("0")
    else:
        national = digits
    if not 8 <= len(national) <= 13:
        return False
    # "0815/2024" is a file or council reference number with a year, not a call to Ense.
    area_digits = len(match.group("area")) + 1
    return not ("/" in match.group("sep") and area_digits <= 4 and YEAR.fullmatch(match.group("number")))


def contact_kind(text):
    """"phone" or "email" if the text contains contact data, else None."""
    if EMAIL.search(text) or EMAIL_BRACKETED.search(text) or EMAIL_SPELLED.search(text):
        return "email"
    if any(_is_german_phone(match) for match in GERMAN_PHONE.finditer(text)):
        return "phone"
    if FOREIGN_PHONE.search(text):
        return "phone"
    for match in ANNOUNCED_PHONE.finditer(text):
        if len(re.sub(r"\D", "", match.group(0))) >= 5:
            return "phone"
    return None


def refusal(text):
    """The message that refuses a comment with contact data, or None."""
    kind = contact_kind(text)
    return None if kind is None else f"{INTRO} {FOUND[kind]} {OUTRO}"
