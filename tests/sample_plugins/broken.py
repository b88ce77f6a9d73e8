"""Plugins that break the contract, one way each."""

from sqlalchemy.orm import Mapped, mapped_column

from beteiligung.plugin_api import Plugin, db, hookimpl


class WrongPrefixNote(db.Model):
    __tablename__ = "notes_without_prefix"

    id: Mapped[int] = mapped_column(primary_key=True)


class WrongPrefixPlugin(Plugin):
    core_version = ">=0.1"
    models = (WrongPrefixNote,)


class OldCorePlugin(Plugin):
    core_version = "<0.1"


class NoCoreVersionPlugin(Plugin):
    pass


class InvalidTemplatePlugin(Plugin):
    core_version = ">=0.1"
    poll_templates = ({"key": "leer", "title": "Ohne Fragen", "kind": "survey", "questions": []},)


class NotAPlugin:
    core_version = ">=0.1"


class UnknownHookPlugin(Plugin):
    core_version = ">=0.1"

    @hookimpl
    def comment_deleted(self, comment):
        """No such hook."""


class RaisingPlugin(Plugin):
    """Raises in every hook kind: the platform must carry on."""

    core_version = ">=0.1"
    slots = ("consultation.aside",)

    @hookimpl
    def comment_created(self, comment):
        raise RuntimeError("kaputt")

    @hookimpl
    def consultation_published(self, consultation):
        raise RuntimeError("kaputt")

    @hookimpl
    def comment_validators(self, body):
        raise RuntimeError("kaputt")

    @hookimpl
    def render_slot(self, slot):
        raise RuntimeError("kaputt")

    @hookimpl
    def ballot_submitted(self, ballot):
        raise RuntimeError("kaputt")

    @hookimpl
    def poll_closed(self, poll):
        raise RuntimeError("kaputt")


raise_on_import = False
