"""Helpers for the StrEnum classes that own the values of the models' columns (polls, comments, …).

A member of a StrEnum equals its string: the database, the JSON and the forms keep the plain
strings, and each set of values is written down once, in its module's models.py.
"""

from sqlalchemy import CheckConstraint


def values(enum):
    """The plain strings of an enum's members, in order (for schema choices and the like)."""
    return tuple(member.value for member in enum)


def one_of(column, enum):
    """The check constraint ``<column> IN (<the enum's values>)``, named after the column."""
    return CheckConstraint(f"{column} IN ({', '.join(repr(value) for value in values(enum))})", name=column)
