"""The plugin facade (beteiligung.plugin_api): its pinned names, its version and deprecations, and the
functions that carry the core's rules (small groups, statistics, audit, pagination, queries)."""

import ast
import re
import warnings
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import render_template_string
from sqlalchemy import select

import beteiligung.plugin_api as api_module
from beteiligung import api_version, plugin_api
from beteiligung.audit.models import AuditEntry
from beteiligung.plugin_api import Plugin, lazy_gettext
from beteiligung.polls.models import Ballot
from beteiligung.statistics import last_months
from beteiligung.testing.fixtures import plugin_entry_point
from beteiligung.timeutil import utcnow

PLUGINS = Path(__file__).resolve().parent.parent / "plugins"

# The exact facade. A name leaves only through plugin_api.deprecated() (docs/plugins.md, "The stability promise").
PINNED = [
    "API_VERSION", "Answer", "AnswerError", "Ballot", "Cell", "Comment", "Conflict", "Consultation",
    "DataCategory", "DefinitionError", "FlaskForm", "Invalid", "NotAllowed", "NotFound", "Option", "Plugin", "Poll",
    "Question",
    "QuestionType", "Region", "Setting", "User", "apply_errors", "audit", "bar_chart", "can_moderate",
    "can_see_results", "clean_text", "column_chart", "consultations_query", "core_version", "core_version_problem",
    "csv_text", "current_region", "current_user", "db", "format_dt", "format_number", "gettext", "hookimpl",
    "int_setting", "is_enabled", "lazy_gettext", "line_chart", "login_required", "min_group_size",
    "month_label", "monthly_activity", "ngettext", "page_arg", "paginate", "participation", "pgettext", "poll_results",
    "polls_query", "require_moderator", "results_csv_rows", "scale_settings", "share", "strict_int",
    "suppress_small_groups", "withheld",
    "NotificationKind", "flag_comment", "notify_followers", "notify_moderators", "notify_users",
    "InstrumentKind", "Process", "phase_of", "processes_query",
    "answer_counts",
]


class NotesPlugin(Plugin):
    """A plugin without tables: enough to write audit entries in its name."""

    title = "Notizen"
    core_version = ">=0.1"


@pytest.fixture
def app_config():
    return {"PLUGIN_ENTRY_POINTS": [plugin_entry_point("notes", "test_plugin_api:NotesPlugin")]}


# --- the names ---------------------------------------------------------------------------------------

def test_all_is_pinned_and_every_name_exists():
    assert sorted(plugin_api.__all__) == sorted(PINNED)
    assert len(set(plugin_api.__all__)) == len(plugin_api.__all__)
    missing = [name for name in plugin_api.__all__ if not hasattr(plugin_api, name)]
    assert missing == []


def test_the_reexports_are_the_libraries_own():
    from flask_login import current_user, login_required
    from flask_wtf import FlaskForm

    assert plugin_api.current_user is current_user and plugin_api.login_required is login_required
    assert plugin_api.FlaskForm is FlaskForm


# --- version and deprecation -------------------------------------------------------------------------

def test_the_api_version_is_major_dot_minor():
    assert re.fullmatch(r"[1-9][0-9]*\.[0-9]+", plugin_api.API_VERSION)


@pytest.mark.parametrize(("specifier", "problem"), [
    (">=1.1,<2", None),
    (">=1.0", None),
    (">=0.1,<1", None),                       # a range of the core's own version (0.1.0), as before 1.1
    (">=1.2,<2", "diese hat die Version 1.1"),
    ("<0.1", "diese hat die Version 1.1"),
    (">=0.2,<1", "diese hat die Version 1.1"),
    ("", "core_version fehlt"),
    (None, "core_version fehlt"),
    ("neueste", "kein gültiger PEP-440-Bereich"),
])
def test_core_version_is_checked_against_the_api_version(specifier, problem, monkeypatch):
    monkeypatch.setattr(api_version, "API_VERSION", "1.1")
    monkeypatch.setattr(api_version, "core_version", "0.1.0")
    result = plugin_api.core_version_problem(specifier)
    assert result == problem if problem is None else problem in result


def test_the_older_meaning_ends_with_api_2(monkeypatch):
    monkeypatch.setattr(api_version, "API_VERSION", "2.0")
    monkeypatch.setattr(api_version, "core_version", "0.1.0")
    assert "diese hat die Version 2.0" in plugin_api.core_version_problem(">=0.1,<1")


def test_the_shipped_plugins_fit_the_api_version():
    for init in sorted(PLUGINS.glob("*/beteiligung_*/__init__.py")):
        spec = re.search(r'core_version = "([^"]+)"', init.read_text(encoding="utf-8")).group(1)
        assert plugin_api.core_version_problem(spec) is None, init


@pytest.fixture
def cleanup_deprecations():
    yield
    api_module._DEPRECATED.clear()


def test_a_deprecated_name_keeps_working_with_a_warning(cleanup_deprecations):
    plugin_api.deprecated("min_group", "min_group_size", removed_in="2.0")
    with pytest.warns(DeprecationWarning, match=r"plugin_api\.min_group is deprecated .* 2\.0; use min_group_size"):
        from beteiligung.plugin_api import min_group  # noqa: F401 - the import itself is the use
    with pytest.warns(DeprecationWarning):
        assert plugin_api.min_group is plugin_api.min_group_size
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert plugin_api.withheld  # names of the facade do not warn
    with pytest.raises(AttributeError):
        plugin_api.never_was  # noqa: B018


def test_deprecating_refuses_names_that_make_no_sense(cleanup_deprecations):
    with pytest.raises(ValueError, match="still defined"):
        plugin_api.deprecated("withheld", "min_group_size", removed_in="2.0")
    with pytest.raises(ValueError, match="not a name"):
        plugin_api.deprecated("old_rule", "no_such_rule", removed_in="2.0")


# --- the small-group rule --------------------------------------------------------------------------

def test_withheld_follows_the_setting(app):
    app.config["POLL_MIN_GROUP_SIZE"] = 3
    with app.app_context():
        assert plugin_api.min_group_size() == 3
        assert [plugin_api.withheld(n) for n in (0, 2, 3, 10)] == [True, True, False, False]
        assert plugin_api.withheld(3, limit=4)


def groups(*counts):
    return [{"label": label, "count": count} for label, count in zip("ABCDEFGH", counts, strict=False)]


@pytest.mark.parametrize(("counts", "shown", "rest", "combined"), [
    ((7, 6, 5), "ABC", 0, False),            # nothing below the limit
    ((7, 6, 0), "AB", 0, False),             # an empty group hides nothing
    ((7, 6, 2), "A", 8, True),               # 2 alone could be worked out: the smallest shown (6) joins it
    ((7, 5, 2, 3), "AB", 5, True),           # 2 + 3 reach the limit together
    ((7, 5, 5, 1), "AB", 6, True),           # a tie: the later one of the smallest shown joins the rest
    ((2, 1), "", 3, False),                  # all below, their sum too: nothing shown, not even combined
    ((9, 1), "", 10, True),                  # one group alone would give away the other
])
def test_small_groups_are_suppressed_with_their_complement(app, counts, shown, rest, combined):
    app.config["POLL_MIN_GROUP_SIZE"] = 5
    with app.app_context():
        result = plugin_api.suppress_small_groups(groups(*counts))
    assert "".join(group["label"] for group in result.shown) == shown
    assert (result.rest, result.combined) == (rest, combined)
    assert len(result.shown) + len(result.hidden) == len(counts)


def test_suppression_without_complement_and_with_a_tiebreak(app):
    with app.app_context():
        plain = plugin_api.suppress_small_groups(groups(7, 6, 2), complementary=False, limit=5)
        by_label = plugin_api.suppress_small_groups(groups(7, 5, 5, 1), limit=5, tiebreak=lambda g: g["label"])
        tuples = plugin_api.suppress_small_groups([("x", 9), ("y", 1)], count=lambda g: g[1], limit=5)
    assert [g["label"] for g in plain.shown] == ["A", "B"] and plain.rest == 2 and not plain.combined
    assert [g["label"] for g in by_label.shown] == ["A", "C"]  # equal counts: "B" sorts first, so it joins
    assert tuples.shown == [] and tuples.rest == 10


# --- queries and statistics -----------------------------------------------------------------------

def test_consultations_query_gives_the_public_ones_by_status(db, create_region, create_consultation):
    region, other = create_region(), create_region()
    running = create_consultation(region, status="open", title="Läuft")
    create_consultation(region, status="closed", title="Vorbei")
    create_consultation(region, status="draft", title="Entwurf")
    create_consultation(other, status="open", title="Anderswo")
    titles = db.session.scalars(plugin_api.consultations_query(region)).all()
    assert sorted(c.title for c in titles) == ["Läuft", "Vorbei"]
    assert db.session.scalars(plugin_api.consultations_query(region, "open")).all() == [running]
    with pytest.raises(ValueError, match="status"):
        plugin_api.consultations_query(region, "draft")


def test_participation_counts_by_the_cores_rules(db, app, create_region, create_user, create_consultation,
                                                 create_comment, create_poll):
    region, other = create_region(), create_region()
    anna, bernd = create_user(), create_user()
    consultation = create_consultation(region)
    create_comment(consultation, anna)
    create_comment(consultation, anna, body="Noch ein Gedanke dazu.")
    hidden = create_comment(consultation, bernd, body="Wird ausgeblendet.")
    hidden.status = "hidden"
    withdrawn = create_consultation(region)
    create_comment(withdrawn, bernd, body="Später zurückgezogen.")
    withdrawn.published = False  # unpublished: neither it nor its comments count
    create_comment(create_consultation(other), bernd, body="Anderswo geschrieben.")
    poll = create_poll(region)
    create_poll(region, status="draft")
    earlier = utcnow() - timedelta(days=40)
    db.session.add_all([Ballot(poll_id=poll.id, user_id=anna.id), Ballot(poll_id=poll.id, user_id=bernd.id,
                                                                          created_at=earlier),
                        Ballot(poll_id=poll.id)])  # an access code (since deleted): one more person
    db.session.commit()
    with app.test_request_context():
        totals = plugin_api.participation(region)
        recent = plugin_api.participation(region, since=utcnow() - timedelta(days=7))
        old = plugin_api.participation(region, until=utcnow() - timedelta(days=7))
    assert (totals.consultations, totals.comments, totals.polls, totals.ballots, totals.participants) == \
        (1, 2, 1, 3, 3)  # anna (comments and ballot), bernd (ballot), the access code
    assert (recent.comments, recent.ballots, recent.participants) == (2, 2, 2)
    assert (old.comments, old.ballots, old.participants) == (0, 1, 1)


def test_monthly_activity_fills_every_month(db, app, create_region, create_user, create_consultation,
                                            create_comment, create_poll):
    region = create_region()
    create_comment(create_consultation(region), create_user())
    poll = create_poll(region)
    now = utcnow()
    db.session.add(Ballot(poll_id=poll.id, user_id=create_user().id, created_at=now - timedelta(days=62)))
    db.session.commit()
    with app.test_request_context():
        series = plugin_api.monthly_activity(region, months=4, now=now)
    assert [key for key, _c, _b in series] == last_months(4, now)
    assert series[-1][1] == 1 and sum(b for _k, _c, b in series) == 1 and series[-1][2] == 0


def test_last_months_run_back_over_the_turn_of_the_year():
    assert last_months(4, datetime(2026, 2, 10)) == ["2025-11", "2025-12", "2026-01", "2026-02"]


# --- pagination and form macros ------------------------------------------------------------------

def test_paginate_reads_the_page_and_keeps_to_the_last(db, app, create_region):
    from beteiligung.regions.models import Region

    for number in range(5):
        create_region(slug=f"ort-{number}", name=f"Ort {number}")
    query = select(Region).order_by(Region.slug)
    with app.test_request_context("/?page=2"):
        page = plugin_api.paginate(query, per_page=2)
        assert ([r.slug for r in page.items], page.page, page.pages, page.total) == (["ort-2", "ort-3"], 2, 3, 5)
    with app.test_request_context("/?page=9"):
        assert [r.slug for r in plugin_api.paginate(query, per_page=2).items] == ["ort-4"]
    with app.test_request_context("/?page=x"):
        assert plugin_api.paginate(query, per_page=2).page == 1


def test_the_form_macros_are_a_stable_template_import(app):
    from flask_wtf import FlaskForm
    from wtforms import StringField
    from wtforms.validators import DataRequired

    from beteiligung.pagination import Page

    class Form(FlaskForm):
        name = StringField("Name", validators=[DataRequired()])

    template = ('{% from "plugin_api/forms.html" import field, pagination %}'
                '{{ field(form.name, "Ein Hinweis") }}{{ pagination(page, "Seiten") }}')
    with app.test_request_context("/liste?page=2&q=bus", method="POST", data={}):
        form = Form(meta={"csrf": False})
        form.validate()
        form.name.errors = ["Bitte einen Namen."]
        html = render_template_string(template, form=form, page=Page([], 2, 10, 25))
    assert '<label for="name">Name</label>' in html and 'aria-describedby="name-hint name-error"' in html
    assert 'aria-invalid="true"' in html and "Bitte einen Namen." in html
    assert 'href="/liste?page=1&amp;q=bus" rel="prev"' in html and 'href="/liste?page=3&amp;q=bus" rel="next"' in html


def test_apply_errors_places_messages_once(app):
    from flask_wtf import FlaskForm
    from wtforms import StringField

    from beteiligung.plugin_api import Invalid

    class Form(FlaskForm):
        name = StringField("Name")

    with app.test_request_context():
        form = Form(meta={"csrf": False})
        form.name.errors = ["Zu kurz."]
        rest = plugin_api.apply_errors(form, Invalid("Nein.", {"name": ["Zu kurz.", "Vergeben."], "x": ["Sonst."]}))
        assert form.name.errors == ["Zu kurz.", "Vergeben."] and rest == ["Sonst."]
        assert plugin_api.apply_errors(form, {"name": ["Vergeben."]}) == [] and form.name.errors.count("Vergeben.") == 1


# --- audit -----------------------------------------------------------------------------------------

SENTENCE = lazy_gettext("%(actor)s hat die Notiz „%(title)s“ in %(region)s angeheftet.")


def test_a_plugins_act_is_audited_with_its_sentence(db, app, client, auth, create_region, create_user):
    region = create_region(slug="lippstadt", name="Lippstadt")
    moderator = create_user(role="moderator", regions=[region], pseudonym="Moderation Lippstadt")
    with app.test_request_context():
        entry = plugin_api.audit("notes.pinned", region, SENTENCE, region=region, actor=moderator, title="Markt")
    db.session.commit()
    assert (entry.action, entry.actor_id, entry.region_id, entry.target_type, entry.target_id) == (
        "notes.pinned", moderator.id, region.id, "regions", region.id)
    assert entry.details == {"plugin": "notes", "sentence": "%(actor)s hat die Notiz „%(title)s“ in %(region)s "
                                                            "angeheftet.", "title": "Markt"}
    auth.login(create_user(role="admin"))
    html = re.sub(r"\s+", " ", client.get("/verwaltung/protokoll").get_data(as_text=True))
    assert "Moderation Lippstadt hat die Notiz „Markt“ in Lippstadt angeheftet." in html


def test_a_sentence_that_does_not_fit_its_details_still_reads(db, app, client, auth, create_region, create_user):
    region = create_region(slug="lippstadt", name="Lippstadt")
    with app.test_request_context():
        plugin_api.audit("notes.pinned", region, "%(actor)s hat %(missing)s getan.", region=region,
                         actor=create_user(pseudonym="Moderation Lippstadt"))
    db.session.commit()
    auth.login(create_user(role="admin"))
    html = re.sub(r"\s+", " ", client.get("/verwaltung/protokoll").get_data(as_text=True))
    assert "Moderation Lippstadt: Aktion „notes.pinned“ (Region #" in html and "%(missing)s" not in html


@pytest.mark.parametrize(("action", "sentence", "problem"), [
    ("other.pinned", SENTENCE, "loaded plugin"),
    ("notes", SENTENCE, "'notes.<what>'"),
    ("notes.pin it", SENTENCE, "letters, digits"),
    ("notes.pinned", lazy_gettext("%(actor)s hat %(x)s.", x=1), "without arguments"),
    ("notes.pinned", "", "non-empty"),
], ids=["unknown-plugin", "no-dot", "space", "lazy-with-arguments", "empty"])
def test_audit_refuses_what_it_cannot_store(db, app, create_region, action, sentence, problem):
    region = create_region()
    with app.test_request_context(), pytest.raises(ValueError, match=problem):
        plugin_api.audit(action, region, sentence)
    assert db.session.scalar(select(AuditEntry.id)) is None


# --- the shipped plugins use the facade only -------------------------------------------------------

def _core_imports(path):
    """Modules of the beteiligung package that a Python file imports (absolute imports only)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else \
            [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else []
        found += [name for name in names if name == "beteiligung" or name.startswith("beteiligung.")]
    return found


def test_the_shipped_plugins_import_the_core_only_through_the_facade():
    checked, wrong = 0, []
    for plugin in sorted(path for path in PLUGINS.iterdir() if (path / "setup.cfg").exists()):
        for package in plugin.glob("beteiligung_*"):
            if not package.is_dir() or package.name.endswith(".egg-info"):
                continue
            for path in package.rglob("*.py"):
                checked += 1
                wrong += [f"{path}: {name}" for name in _core_imports(path) if name != "beteiligung.plugin_api"]
        for path in (plugin / "tests").rglob("*.py"):
            checked += 1
            wrong += [f"{path}: {name}" for name in _core_imports(path)
                      if name != "beteiligung.plugin_api" and not name.startswith("beteiligung.testing")]
    assert checked > 40 and wrong == []


def test_the_facade_grep_catches_a_core_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from beteiligung.polls.services import results\nimport beteiligung.plugin_api\n"
                      "from beteiligung import plugin_api\nfrom . import views\n", encoding="utf-8")
    assert _core_imports(sample) == ["beteiligung.polls.services", "beteiligung.plugin_api", "beteiligung"]


READS_SETTING = re.compile(r"""config(\[["']|\.get\(["']|\.)POLL_MIN_GROUP_SIZE""")


def test_no_shipped_plugin_reads_the_small_group_setting_itself():
    """The small-group rule comes from plugin_api (withheld, suppress_small_groups, min_group_size)."""
    assert READS_SETTING.search('x = current_app.config["POLL_MIN_GROUP_SIZE"]')
    assert READS_SETTING.search("{{ config.POLL_MIN_GROUP_SIZE }}")
    hits = [str(path) for plugin in PLUGINS.iterdir() for path in plugin.glob("beteiligung_*/**/*")
            if path.suffix in (".py", ".html") and READS_SETTING.search(path.read_text(encoding="utf-8"))]
    assert hits == []


# --- answer_counts: a question's counts from the tallies ---------------------------------------------

def test_answer_counts_gives_a_questions_cells_and_texts(app, db, create_poll, create_user):
    from beteiligung.polls import services

    poll = create_poll()
    by_type = {question.type: question for question in poll.questions}
    choice, text = by_type["single_choice"], by_type["text"]
    for i in range(3):
        services.submit_ballot(services.Participant(user=create_user()), poll, {
            choice.id: choice.options[i % 2].id if i < 2 else {"other": "Mit dem Lastenrad"},
            text.id: f"Mehr Bänke, bitte ({i})"})
    db.session.commit()
    with app.test_request_context():
        counts = plugin_api.answer_counts(choice)
        texts = plugin_api.answer_counts(text)
    assert counts == {(choice.options[0].id, None): (1, 0), (choice.options[1].id, None): (1, 0), (None, None): (1, 1)}
    assert texts == {(None, None): (3, 3)}
    with app.test_request_context():
        assert plugin_api.answer_counts(by_type["scale"]) == {}  # nobody answered it


def test_month_label_follows_the_locale(app):
    from flask_babel import refresh

    with app.test_request_context("/?lang=en"):
        refresh()  # the locale is kept per app context, which the fixture's context shares
        english = [plugin_api.month_label(key) for key in ("2025-12", "2026-03")]
    with app.test_request_context("/"):
        refresh()
        german = [plugin_api.month_label(key) for key in ("2025-12", "2026-03")]
    assert german == ["Dez. 25", "März 26"]
    assert english == ["Dec 25", "Mar 26"]
