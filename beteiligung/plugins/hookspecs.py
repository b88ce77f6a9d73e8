"""The hooks a plugin may implement (pluggy). One plugin manager per app.

Notification hooks run after the change, inside the same transaction, only for plugins enabled
in the region where it happened. An exception in any hook is logged and contained: the citizen's
action still succeeds, a failing validator refuses nothing, a failing slot renders nothing.
"""

import pluggy

PROJECT = "beteiligung"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def comment_created(comment, consultation, region):
    """A comment (or reply) was written.

    :param comment: the new ``Comment`` (already has an id)
    :param consultation: its ``Consultation``
    :param region: the consultation's ``Region``
    :return: ignored
    """


@hookspec
def consultation_published(consultation, region):
    """A consultation became public (created as published, or published later).

    :return: ignored
    """


@hookspec
def ballot_submitted(ballot, poll, region):
    """A participant's ballot was stored. Fired by the poll engine.

    :return: ignored
    """


@hookspec
def poll_closed(poll, region):
    """A poll was closed (by hand or because its closing date passed). Fired by the poll engine.

    :return: ignored
    """


@hookspec
def comment_validators(body, consultation, author, region):
    """Check a comment before it is stored; fires for new and edited comments.

    :param body: the cleaned text
    :return: ``None`` to accept, or a message (German, addressed to the author) to refuse the
        comment; the first refusal wins and is shown to the author as a 422 / form message.
    """


@hookspec
def render_slot(slot, context, region):
    """Contribute HTML to a named place in a core template.

    Only called for plugins that list ``slot`` in their class attribute ``slots`` and are enabled
    in ``region``. Core slots: ``consultation.before_comments`` and ``consultation.aside`` (context:
    ``consultation``), ``region.page`` (context: empty; the region is ``region``).

    :param context: a dict with the objects the page shows
    :return: ``None``, or ``(priority, html)``; contributions are ordered by ascending priority
        (then plugin name). ``html`` is inserted as it is: escape user data (``markupsafe.escape``
        or a template).
    """


@hookspec
def navigation_entries(region):
    """Name the plugin's pages in a region, so that people can find them.

    Called only for plugins enabled in ``region``, when a page lists them: the region's page
    (``/regionen/<slug>``) and ``/<plugin>/``, which leads to the first entry (one region: a
    redirect; several: a page to choose the region). Called on GET requests: read, never write;
    keep it to a constant number of queries (none is best, ``url_for`` needs none).

    :param region: the ``Region`` whose page is being shown
    :return: ``None`` or a list of entries, most important first; an entry is a ``(label, url)``
        pair or a dict ``{"label", "url", "description"?}``. ``label`` and ``description`` are
        translated texts (``plugin_api.gettext``); ``url`` is usually
        ``url_for("<plugin>.<endpoint>", region_slug=region.slug)``. An entry without a label or
        a URL is dropped; a failing plugin contributes no entries.
    """


@hookspec
def cli_commands(cli):
    """Add commands to ``flask --app wsgi …``.

    :param cli: the app's click group; call ``cli.add_command(group)`` with a group named like the
        plugin, e.g. ``flask --app wsgi soest import-stops``.
    :return: ignored
    """


@hookspec
def demo_data(region, moderator):
    """``flask demo load`` ran: add the plugin's demo content to a region where it is enabled.

    Called once per region where the plugin is enabled, after the core's demo data and before
    the core makes a demo poll from each of the plugin's templates (so a template built from plugin
    data finds it). Must be idempotent: the command runs on every ``make run``.

    :param moderator: the region's demo moderator (a ``User``)
    :return: ignored
    """
