"""Contact data in comments: German phone numbers and e-mail addresses.

A public comment with a phone number or an e-mail address exposes its author (or somebody else).
The patterns look for the shapes contact data has in Germany and leave alone what citizens write
about buses and places: years, dates, times, prices, postal codes with a town, line numbers, counts.
"""

import re
import unicodedata

from beteiligung.plugin_api import gettext as _

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


# Invisible format characters (zero-width spaces and joiners, soft hyphen, bidi marks) split digits
# or addresses for the eye of a machine only.
_INVISIBLE = re.compile(r"[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
# Dashes and slashes of other shapes; spaces of other widths (NFKC leaves some of them alone).
_DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
_SPACES = re.compile(r"[^\S\n]+")
# An area code in brackets after the country code: "+49 (171) 123-45-67" is "+49 171 123-45-67";
# "(0)" stays, the phone pattern knows it.
_BRACKETED_AREA = re.compile(r"\((\d{2,5})\)")
# Digits written one or two at a time, "0 1 7 1 1 2 3 4 5 6 7" or "01 71 12 34 56 7": five or more such
# groups become one number (which the patterns below still have to recognise as a phone number).
_SPACED_DIGITS = re.compile(r"(?<![\w.,])\d\d?(?:(?: ?[/-] ?| )\d\d?){4,}(?!\w)")


def normalise(text):
    """The text as the patterns read it: full-width and other look-alike characters folded (NFKC:
    "＠" is "@", "．" is ".", "０" is "0"), invisible characters removed, separators unified, digits
    written one by one joined."""
    text = unicodedata.normalize("NFKC", text if isinstance(text, str) else "")
    text = _INVISIBLE.sub("", text)
    text = _DASHES.sub("-", text)
    text = _SPACES.sub(" ", text)
    text = _BRACKETED_AREA.sub(r"\1", text)
    return _SPACED_DIGITS.sub(lambda match: re.sub(r"\D", "", match.group(0)), text)


def contact_kind(text):
    """"phone" or "email" if the text contains contact data, else None."""
    text = normalise(text)
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
    if kind is None:
        return None
    found = (_("Ihr Beitrag enthält offenbar eine Telefonnummer.") if kind == "phone"
             else _("Ihr Beitrag enthält offenbar eine E-Mail-Adresse."))
    return " ".join((_("Bitte veröffentlichen Sie keine Telefonnummern oder E-Mail-Adressen – zum Schutz Ihrer "
                       "Daten und der Daten anderer."), found,
                     _("Bitte entfernen Sie die Angabe und senden Sie Ihren Beitrag erneut. Wer mit Ihnen ins "
                       "Gespräch kommen möchte, kann hier auf Ihren Beitrag antworten.")))
