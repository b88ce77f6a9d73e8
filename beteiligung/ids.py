"""The one id parser: URLs, form values and JSON ids all go through ``parse_id``.

An id is a whole number from 1 to MAX_ID (the database's integer range), written in ASCII
digits when it comes as text. Anything else ("²", "٣", "-1", "1e3", 20 digits, true) names
nothing: callers answer 404 (URLs) or a field error (forms, JSON), never a 500.
"""

import re

from .extensions import MAX_ID

ID_TEXT = re.compile(r"[0-9]{1,10}")


def parse_id(value, minimum=1):
    """``value`` (str or int) as an id in ``minimum`` … MAX_ID, or None if it cannot be one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        if not ID_TEXT.fullmatch(value):
            return None
        value = int(value)
    if not isinstance(value, int):
        return None
    return value if minimum <= value <= MAX_ID else None
