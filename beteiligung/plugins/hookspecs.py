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
def comment_created(comment, consultation, region, subject):
    """A comment (or reply) was stored, from the page form or the API.

    Runs in the request's transaction, in the plugin's own savepoint; may write.

    :param comment: the new ``Comment`` (already has an id)
    :param consultation: its ``Consultation``; ``None`` for a comment on a proposal
    :param region: the ``Region`` of what is commented on
    :param subject: what is commented on: the ``Consultation`` or the ``Proposal`` (plugin API 1.3)
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
def comment_validators(body, consultation, author, region, subject):
    """Check a comment before it is stored; fires for new and edited comments, on consultations and proposals.

    Runs in the request's transaction, in a savepoint; read only.

    :param body: the cleaned text
    :param consultation: the ``Consultation`` commented on; ``None`` for a comment on a proposal
    :param subject: what is commented on: the ``Consultation`` or the ``Proposal`` (plugin API 1.3)
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


# --- personal data (GDPR): docs/plugins.md, "Personal data" --------------------------------------
# A plugin whose tables refer to accounts (a foreign key to ``users``) must implement all three; the
# contract test (beteiligung.testing.contract.personal_data_problems) checks it. They are called for
# every loaded plugin, enabled in a region or not: data stay when a plugin is disabled.


@hookspec
def personal_data_categories():
    """Describe the kinds of personal data the plugin stores, for the privacy page and the export.

    Runs in a savepoint; read only (the privacy page calls it on every view).

    :return: a list of ``plugin_api.DataCategory``; each ``key`` names the section of
        ``export_personal_data`` that holds it (the core prefixes it with the plugin's name:
        ``"<plugin>.<key>"``). ``exported=False`` for data that can't be tied to the account.
    """


@hookspec
def export_personal_data(user):
    """The account's data export (GDPR Art. 15 and 20) asks for what the plugin stores about ``user``.

    Runs in a savepoint; read only. A failing plugin's sections are missing, and the export says so
    under ``"incomplete"``.

    :param user: the ``User`` asking for their data
    :return: ``None`` when the plugin stores nothing about the account, else a dict
        ``{key: JSON-serialisable data}`` with one entry per exported category of
        ``personal_data_categories`` (the export shows it as ``"<plugin>.<key>"``)
    """


@hookspec
def delete_personal_data(user, delete_texts):
    """The account is being deleted: delete (or anonymise) the plugin's rows about ``user``.

    Runs in the deletion's transaction, before the core deletes anything, in the plugin's own
    savepoint; must write (``db.session``), never commit. If it raises, the whole deletion is
    refused and nothing is deleted – neither by this plugin nor the others nor the core – and the
    person is told which plugin failed; nothing personal is left behind silently.

    :param user: the ``User`` being deleted (still in the database)
    :param delete_texts: ``True`` when the person asked to delete the texts they wrote as well (as
        the core does with comments: the place stays, the text goes)
    :return: ignored
    """


@hookspec
def notification_kinds():
    """Define the plugin's own kinds of notification. Called once at app start, for every loaded plugin.

    Accounts see each kind on their notification settings (immediately, daily digest, or no mail)
    and in the notification centre. Emit an event of the kind with ``plugin_api.notify_users``,
    ``notify_followers`` or ``notify_moderators`` from a hook or a plugin page (never on a GET).

    :return: a list of ``plugin_api.NotificationKind(key, sentence, label, default_channel="immediate",
        audience="participants")``: ``key`` is ``"<plugin>.<what>"`` (lower-case letters, digits, ``_``,
        40 characters at most); ``sentence`` is ``lazy_gettext("…")`` with ``%(name)s`` placeholders filled
        from the event's params, read in each recipient's language; ``label`` names the kind on the
        settings page; ``audience="moderators"`` limits it to accounts with the moderator or admin role.
        A malformed or duplicate kind stops the app from starting.
    """


@hookspec
def process_templates():
    """Offer templates for participation processes. Called once at app start, for every loaded plugin;
    moderators see a plugin's templates only in regions where it is enabled.

    :return: a list of dicts ``{"key", "title", "description"?, "summary"?, "body"?, "phases": [{"title",
        "description"?, "instruments": [...]}]}``; an instrument is ``{"kind": "consultation", "title",
        "summary"?, "body"?}``, ``{"kind": "poll", "poll": {…a poll template without key…}}`` or ``{"kind":
        "poll", "poll_template": "<plugin>:<key>"}`` (one of the plugin's own ``poll_templates``), each with
        ``"follows_phase_dates"?: bool`` (default true). Creating a process from the template makes the
        phases and a draft of each instrument. Keys become ``"<plugin>:<key>"``. A malformed template
        leaves out all of the plugin's process templates (logged; ``PLUGINS_STRICT`` refuses to start).
    """


@hookspec
def instrument_kinds():
    """Add kinds of instrument that a process phase can hold (besides consultations, polls and proposal
    collections). Called once at app start, for every loaded plugin; moderators can attach the plugin's
    objects, and the process page shows them, only in regions where the plugin is enabled.

    :return: a list of ``plugin_api.InstrumentKind`` instances, each with ``key = "<plugin>.<what>"``
        (lower-case letters, digits and _, 40 characters at most), a ``label``, a ``model`` with
        ``id``, ``region_id`` and ``title``, and the methods ``url``, ``status`` (draft, upcoming, open
        or closed) and ``follow_dates``. A malformed or duplicate kind leaves out all of the plugin's
        kinds (logged; ``PLUGINS_STRICT`` refuses to start).
    """
