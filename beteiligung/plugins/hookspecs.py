"""The hooks a plugin may implement (pluggy). One plugin manager per app. docs/plugins.md, section 3.

A plugin's implementation may take any subset of a hook's arguments. Hooks are called only for
plugins enabled in the region of the event (``cli_commands`` excepted).

Transactions: the event hooks (``comment_created``, ``consultation_published``,
``ballot_submitted``, ``poll_closed``, ``demo_data``) run after the core's change is flushed and
before the request (or command) commits, in the same transaction: their writes with ``db.session``
are committed with the citizen's comment or ballot. Every plugin's implementation runs in its own
SAVEPOINT (``beteiligung.plugins.runtime.call_contained``): an exception or a failed SQL statement
rolls back only that plugin's writes of that call, is logged (logger ``beteiligung.plugins``), and
the citizen's action still succeeds; the other plugins' writes stay. Never commit or roll back in a
hook. The read hooks (``comment_validators``, ``render_slot``, ``navigation_entries``) run in a
savepoint too and must not write: a failing validator refuses nothing, a failing slot renders
nothing, failing navigation contributes no entries.
"""

import pluggy

PROJECT = "beteiligung"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def comment_created(comment, consultation, region):
    """A comment (or reply) was stored, from the page form or the API.

    Runs in the request's transaction, in the plugin's own savepoint; may write.

    :param comment: the new ``Comment`` (already has an id)
    :param consultation: its ``Consultation``
    :param region: the consultation's ``Region``
    :return: ignored
    """


@hookspec
def consultation_published(consultation, region):
    """A consultation became public (created as published, or published later).

    Runs in the request's transaction, in the plugin's own savepoint; may write.

    :param consultation: the ``Consultation``
    :param region: its ``Region``
    :return: ignored
    """


@hookspec
def ballot_submitted(ballot, poll, region):
    """A participant's ballot was stored (page, API or access code). Fired by the poll engine.

    Runs in the request's transaction, in the plugin's own savepoint; may write.

    :param ballot: the stored ``Ballot``
    :param poll: its ``Poll``
    :param region: the poll's ``Region``
    :return: ignored
    """


@hookspec
def poll_closed(poll, region):
    """A poll was closed: by a moderator (in that request) or because its closing date passed (in
    ``flask polls settle``). Exactly once per poll. Fired by the poll engine.

    Runs in the request's or the command's transaction, in the plugin's own savepoint; may write.

    :param poll: the ``Poll``, already closed
    :param region: its ``Region``
    :return: ignored
    """


@hookspec
def comment_validators(body, consultation, author, region):
    """Check a comment before it is stored; fires for new and edited comments.

    Runs in the request's transaction, in a savepoint; read only.

    :param body: the cleaned text
    :param consultation: the ``Consultation`` commented on
    :param author: the ``User`` writing (for an edit: the comment's author)
    :return: ``None`` to accept, or a message (German, addressed to the author) to refuse the
        comment; the first refusal wins and is shown to the author as a 422 / form message.
    """


@hookspec
def render_slot(slot, context, region):
    """Contribute HTML to a named place in a core template.

    Only called for plugins that list ``slot`` in their class attribute ``slots`` and are enabled
    in ``region``. Runs while the page renders, in a savepoint; read only. Core slots:
    ``consultation.before_comments`` and ``consultation.aside`` (context: ``consultation``),
    ``region.page`` (context: empty; the region is ``region``).

    :param context: a dict with the objects the page shows
    :return: ``None``, or ``(priority, html)``; contributions are ordered by ascending priority
        (then plugin name). ``html`` is inserted as it is: escape user data (``markupsafe.escape``
        or a template).
    """


@hookspec
def navigation_entries(region):
    """Name the plugin's pages in a region, so that people can find them.

    Called only for plugins enabled in ``region``, when a page lists them: the main menu (the
    first entry) of every page that belongs to the region (its page, consultations, polls, lists
    filtered by it, the plugin's own pages), the region's page (``/regionen/<slug>``), the regions
    page, and ``/<plugin>/``, which leads to the first entry (one region: a redirect; several: a page to
    choose the region). Runs in a savepoint on nearly every page of the region: read, never write;
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
    """Add commands to ``flask --app wsgi …``. Called once at app start, for every loaded plugin.

    :param cli: the app's click group; call ``cli.add_command(group)`` with a group named like the
        plugin, e.g. ``flask --app wsgi soest import-stops``.
    :return: ignored
    """


@hookspec
def demo_data(region, moderator):
    """``flask demo load`` ran: add the plugin's demo content to a region where it is enabled.

    Called once per region where the plugin is enabled, after the core's demo data and before
    the core makes a demo poll from each of the plugin's templates (so a template built from plugin
    data finds it). Must be idempotent: the command runs on every ``make run``. Runs in the
    command's transaction, in the plugin's own savepoint; may write.

    :param moderator: the region's demo moderator (a ``User``)
    :return: ignored
    """
