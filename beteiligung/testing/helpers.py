"""Small helpers the tests of the core (and of plugins) share: rows in the database, pages as elements.

``count_rows(db, Comment, Comment.hidden.is_(True))``, ``fresh(db, Poll, poll.id)`` (the stored state,
not the test's copy), ``audit_entries(db, "comment.hidden")``, ``text_of(response)``,
``elements(html, "input")`` (start tags with their attributes) and ``duplicate_ids(html)``.
"""

from collections import Counter
from html.parser import HTMLParser

from sqlalchemy import func, select


def count_rows(db, model, *conditions):
    """The number of rows of a model (matching the conditions)."""
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def fresh(db, model, id_):
    """The object as stored now: what a request wrote, not what the test's session remembers."""
    db.session.expire_all()
    return db.session.get(model, id_)


def audit_entries(db, action):
    """The audit entries of one action, oldest first."""
    from beteiligung.audit.models import AuditEntry

    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def text_of(response):
    return response.get_data(as_text=True)


class _StartTags(HTMLParser):
    """Every start tag of a page with its attributes, in document order."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def elements(html, tag=None):
    """[(tag, {attribute: value})] of every start tag (or of one tag) of a page, in document order."""
    return [(t, attrs) for t, attrs in _StartTags(html).found if tag is None or t == tag]


def duplicate_ids(html):
    """The ids that more than one element of the page carries, sorted."""
    counts = Counter(attrs["id"] for _tag, attrs in elements(html) if attrs.get("id"))
    return sorted(key for key, n in counts.items() if n > 1)
