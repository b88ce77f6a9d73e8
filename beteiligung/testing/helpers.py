"""Small helpers the tests of the core (and of plugins) share: rows in the database, pages as elements.

``count_rows(db, Comment, Comment.hidden.is_(True))``, ``fresh(db, Poll, poll.id)`` (the stored state,
not the test's copy), ``audit_entries(db, "comment.hidden")``, ``text_of(response)``,
``elements(html, "input")`` (start tags with their attributes), ``duplicate_ids(html)`` and
``writes_during(db)`` (the statements that wrote while a block ran: a GET must write none).
"""

import contextlib
from collections import Counter
from html.parser import HTMLParser

from sqlalchemy import event, func, select

WRITE_STATEMENTS = ("INSERT", "UPDATE", "DELETE", "REPLACE", "UPSERT")


@contextlib.contextmanager
def writes_during(db):
    """``with writes_during(db) as writes: client.get(…)`` – ``writes`` lists the SQL statements that wrote
    (INSERT, UPDATE, DELETE, REPLACE, UPSERT) on the app's engine while the block ran."""
    writes = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().split(None, 1)[0].upper() in WRITE_STATEMENTS:
            writes.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield writes
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


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


def at_once(app, db, requests, timeout=120):
    """Send each request ``(method, url, json body or None, headers or None)`` from its own thread at the same
    moment, each in its own app context (concurrency tests, PostgreSQL); returns ``[(status, JSON or None)]``
    in the order of the requests."""
    import threading

    barrier = threading.Barrier(len(requests), timeout=timeout)
    results = [None] * len(requests)

    def worker(index, method, url, body, headers):
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            response = client.open(url, method=method, json=body, headers=headers)
            results[index] = (response.status_code, response.get_json(silent=True))
            db.session.remove()

    threads = [threading.Thread(target=worker, args=(index, *request)) for index, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert all(result is not None for result in results), f"a request did not finish within {timeout} s"
    return results
