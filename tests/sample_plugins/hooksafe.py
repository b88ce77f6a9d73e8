"""Two tests-only plugins for the savepoint around each hook (tests/test_hook_savepoints.py).

Both write a row into ``hooksafe_marks`` (a table the test creates and drops; no model, so the
core's metadata stays as it is). ``hookwriter`` stops there; ``hookfailer`` then runs a statement
that the database refuses: a missing table after a comment, a NOT NULL violation after a ballot,
a Python exception after a consultation is published, and an ORM object that cannot be flushed
when a poll is closed.
"""

from sqlalchemy import text

from beteiligung.plugin_api import Plugin, db, hookimpl

CREATE_TABLE = ("CREATE TABLE hooksafe_marks (plugin VARCHAR(40) NOT NULL, "
                "hook VARCHAR(40) NOT NULL, ref INTEGER NOT NULL)")
DROP_TABLE = "DROP TABLE IF EXISTS hooksafe_marks"


def mark(plugin, hook, ref):
    db.session.execute(text("INSERT INTO hooksafe_marks (plugin, hook, ref) VALUES (:plugin, :hook, :ref)"),
                       {"plugin": plugin, "hook": hook, "ref": ref})


class WriterPlugin(Plugin):
    title = "Schreibt"
    core_version = ">=0.1,<1"

    @hookimpl
    def comment_created(self, comment):
        mark("hookwriter", "comment_created", comment.id)

    @hookimpl
    def ballot_submitted(self, ballot, poll):
        mark("hookwriter", "ballot_submitted", poll.id)

    @hookimpl
    def consultation_published(self, consultation):
        mark("hookwriter", "consultation_published", consultation.id)

    @hookimpl
    def poll_closed(self, poll):
        mark("hookwriter", "poll_closed", poll.id)


class FailerPlugin(Plugin):
    title = "Scheitert"
    core_version = ">=0.1,<1"

    @hookimpl
    def comment_created(self, comment):
        mark("hookfailer", "comment_created", comment.id)
        db.session.execute(text("INSERT INTO hooksafe_missing_table (id) VALUES (1)"))

    @hookimpl
    def ballot_submitted(self, ballot, poll):
        mark("hookfailer", "ballot_submitted", poll.id)
        db.session.execute(text("INSERT INTO hooksafe_marks (plugin, hook, ref) VALUES ('hookfailer', NULL, 0)"))

    @hookimpl
    def consultation_published(self, consultation):
        mark("hookfailer", "consultation_published", consultation.id)
        raise RuntimeError("Plugin-Fehler nach dem Schreiben")

    @hookimpl
    def poll_closed(self, poll):
        from beteiligung.regions.models import Region

        mark("hookfailer", "poll_closed", poll.id)
        db.session.add(Region(slug=None, name=None))  # flushed when the savepoint is released: refused

    @hookimpl
    def comment_validators(self, body):
        db.session.execute(text("SELECT * FROM hooksafe_missing_table"))
