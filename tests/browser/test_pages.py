"""Every page type, as each kind of account sees it, in Chromium at 320 px: axe-core finds no WCAG 2.1
A/AA violation, nothing is wider than the viewport, and every radio button and checkbox stands on
one line with its (normal-weight, clickable) label. Forms are checked with their errors shown too."""

import pytest
from browser_support import check_page
from sqlalchemy import select

REGIONS = ("gelsenkirchen", "aachen", "paderborn", "soest", "wuppertal")


@pytest.fixture(scope="session")
def ids(live_server):
    """Ids of the demo data that the page list refers to (looked up once, by title and template)."""
    from beteiligung.comments.models import Comment
    from beteiligung.consultations.models import Consultation
    from beteiligung.polls.models import Poll
    from beteiligung.regions.models import Region

    def lookup():
        from beteiligung.extensions import db

        polls = db.session.scalars(select(Poll)).all()
        by_template = {p.template: p.id for p in polls if p.template}
        by_title = {p.title: p.id for p in polls}
        consultation = db.session.scalar(select(Consultation).where(
            Consultation.title == "Offenes Datenportal für Gelsenkirchen"))
        closed = db.session.scalar(select(Consultation.id).where(
            Consultation.title == "Kommunale Datenstrategie: Wem gehören die Daten der Stadt?"))
        draft = db.session.scalar(select(Consultation.id).where(
            Consultation.title == "Digitaler Assistent für das Bürgertelefon"))
        from beteiligung.measures.models import Measure
        from beteiligung.processes.models import Process
        from beteiligung.proposals.models import Proposal, ProposalCollection

        process = db.session.scalar(select(Process.id).where(Process.title == "Datenstrategie Gelsenkirchen"))
        collection = db.session.scalar(select(ProposalCollection.id).where(
            ProposalCollection.title == "Ihre Vorschläge für die Datenstrategie"))
        proposal = db.session.scalar(select(Proposal.id).where(
            Proposal.title == "Haushaltsdaten als offene Daten veröffentlichen"))
        measure = db.session.scalar(select(Measure.id).where(Measure.title == "Open-Data-Portal der Stadt"))
        from beteiligung.showcase.models import ShowcaseProject

        project = db.session.scalar(select(ShowcaseProject.id).where(ShowcaseProject.published.is_(True))
                                    .order_by(ShowcaseProject.id))
        comment = db.session.scalar(select(Comment.id).where(Comment.consultation_id == consultation.id,
                                                             Comment.official.is_(False))
                                    .order_by(Comment.id))
        return {
            "consultation": consultation.id, "closed_consultation": closed, "draft_consultation": draft,
            "comment": comment, "process": process, "collection": collection, "proposal": proposal,
            "measure": measure, "showcase_project": project,
            "survey": by_title["Offene Daten in Gelsenkirchen: Was wünschen Sie sich?"],
            "closed_survey": by_title["Digitales Lernen an der Volkshochschule"],
            "ranking_survey": by_title["Das digitale Rathaus: Wie war Ihr letzter Behördengang?"],
            "problem_poll": by_title["Mobilität auf dem Land: Was drückt am meisten?"],
            "gelsenkirchen_survey": by_template["gelsenkirchen:datenwuensche"],
            "gelsenkirchen_problems": by_template["gelsenkirchen:datenthemen"],
            "aachen_matrix": by_template["aachen:digitales_lernen"],
            "paderborn_survey": by_template["paderborn:online_dienste"],
            "soest_problems": by_template["soest:mobilitaet"],
            "soest_district": by_template["soest:ortsbefragung"],
            "wuppertal_journey": by_template["wuppertal:digitales_rathaus"],
            "regions": [r.slug for r in db.session.scalars(select(Region).order_by(Region.slug))],
        }

    return live_server.query(lookup)


@pytest.fixture(scope="session")
def dataset_id(live_server):
    """Gelsenkirchen publishes a closed poll with ballots as open data: make one such poll."""
    def publish():
        from beteiligung_gelsenkirchen.models import Dataset

        from beteiligung.accounts.models import User
        from beteiligung.extensions import db
        from beteiligung.polls import services
        from beteiligung.regions.models import Region

        moderator = db.session.scalar(select(User).where(User.email == "moderation.gelsenkirchen@example.org"))
        region = db.session.scalar(select(Region).where(Region.slug == "gelsenkirchen"))
        poll = services.create_poll(moderator, region, {
            "title": "Browsertest: Welche Daten nutzen Sie?", "kind": "survey", "results_visibility": "live",
            "questions": [{"type": "single_choice", "text": "Welche Daten nutzen Sie am meisten?",
                           "required": True, "options": ["Verkehr", "Umwelt", "Haushalt"]}]})
        services.open_poll(moderator, poll)
        option_ids = [option.id for option in poll.questions[0].options]
        citizens = db.session.scalars(select(User).where(User.role == "citizen").order_by(User.id).limit(6))
        for index, citizen in enumerate(citizens):
            services.submit_ballot(services.Participant(user=citizen), poll,
                                   {poll.questions[0].id: option_ids[index % 3]})
        services.close_poll(moderator, poll)
        db.session.commit()
        return db.session.scalar(select(Dataset.id).where(Dataset.poll_id == poll.id))

    dataset = live_server.query(publish)
    assert dataset is not None, "closing a Gelsenkirchen poll with ballots published no data set"
    return dataset


def _region_page(app, slug):
    return f"/regionen/{slug}" if "regions.show" in app.view_functions else f"/?region={slug}"


# (test id, account, path with {placeholders} from `ids`)
PAGES = [
    ("home", "anonymous", "/"),
    ("home-citizen", "citizen", "/"),
    ("regions", "anonymous", "/regionen"),
    *[(f"region-{slug}", "anonymous", "{region_page:" + slug + "}") for slug in REGIONS],
    ("consultation-list-filtered", "anonymous", "/beteiligungen/?region=soest&status=open"),
    ("archive", "anonymous", "/archiv"),
    ("archive-processes", "anonymous", "/archiv?art=prozesse&region=gelsenkirchen"),
    ("showcase", "anonymous", "/projektschaufenster"),
    ("showcase-project", "anonymous", "/projektschaufenster/{showcase_project}"),
    ("showcase-project-moderator", "moderator-gelsenkirchen", "/projektschaufenster/{showcase_project}"),
    ("style-guide", "anonymous", "/gestaltung"),
    ("consultation", "anonymous", "/beteiligungen/{consultation}"),
    ("consultation-citizen", "citizen", "/beteiligungen/{consultation}"),
    ("consultation-moderator", "moderator-gelsenkirchen", "/beteiligungen/{consultation}"),
    ("consultation-closed", "anonymous", "/beteiligungen/{closed_consultation}"),
    ("consultation-draft-moderator", "moderator-wuppertal", "/beteiligungen/{draft_consultation}"),
    ("consultation-new", "moderator-gelsenkirchen", "/beteiligungen/neu"),
    ("consultation-edit", "moderator-gelsenkirchen", "/beteiligungen/{consultation}/bearbeiten"),
    ("comment-report", "citizen", "/beitraege/{comment}/melden"),
    ("comment-hide", "moderator-gelsenkirchen", "/beitraege/{comment}/ausblenden"),
    ("polls", "anonymous", "/umfragen/"),
    ("polls-moderator", "moderator-soest", "/umfragen/"),
    ("survey-anonymous", "anonymous", "/umfragen/{survey}"),
    ("survey-taken", "citizen", "/umfragen/{survey}"),
    ("survey-gelsenkirchen", "citizen", "/umfragen/{gelsenkirchen_survey}"),
    ("survey-aachen-matrix", "citizen", "/umfragen/{aachen_matrix}"),
    ("survey-wuppertal-journey", "citizen", "/umfragen/{wuppertal_journey}"),
    ("survey-soest-district", "citizen", "/umfragen/{soest_district}"),
    ("survey-paderborn-catalogue", "citizen", "/umfragen/{paderborn_survey}"),
    ("survey-closed", "citizen", "/umfragen/{closed_survey}"),
    ("survey-access-code", "anonymous", "/umfragen/{wuppertal_journey}"),
    ("comparison", "citizen", "/umfragen/{problem_poll}"),
    ("comparison-soest", "citizen", "/umfragen/{soest_problems}"),
    ("results-survey", "anonymous", "/umfragen/{survey}/ergebnisse"),
    ("results-ranking", "anonymous", "/umfragen/{ranking_survey}/ergebnisse"),
    ("results-closed", "anonymous", "/umfragen/{closed_survey}/ergebnisse"),
    ("results-problem-ranking", "anonymous", "/umfragen/{problem_poll}/ergebnisse"),
    ("results-moderator", "moderator-wuppertal", "/umfragen/{wuppertal_journey}/ergebnisse"),
    ("results-matrix-moderator", "moderator-aachen", "/umfragen/{aachen_matrix}/ergebnisse"),
    ("results-soest-by-place", "moderator-soest", "/soest/soest/umfragen/{soest_district}/nach-ort"),
    ("gelsenkirchen-dashboard", "anonymous", "/gelsenkirchen/gelsenkirchen/"),
    ("gelsenkirchen-datasets", "anonymous", "/gelsenkirchen/gelsenkirchen/offene-daten/"),
    ("gelsenkirchen-dataset", "anonymous", "/gelsenkirchen/gelsenkirchen/offene-daten/{dataset}"),
    ("paderborn-catalogue", "anonymous", "/paderborn/paderborn/dienste/"),
    ("paderborn-manage", "moderator-paderborn", "/paderborn/paderborn/dienste/verwaltung"),
    ("paderborn-new-service", "moderator-paderborn", "/paderborn/paderborn/dienste/neu"),
    ("login", "anonymous", "/konto/anmelden"),
    ("register", "anonymous", "/konto/registrieren"),
    ("registered", "anonymous", "/konto/registriert"),
    ("terms", "anonymous", "/konto/nutzungsbedingungen"),
    ("privacy", "anonymous", "/konto/datenschutz"),
    ("account", "citizen", "/konto/"),
    ("account-moderator", "moderator-aachen", "/konto/"),
    ("account-password", "citizen", "/konto/passwort"),
    ("password-reset", "anonymous", "/konto/passwort-vergessen"),
    ("account-email", "citizen", "/konto/email"),
    ("account-profile", "citizen", "/konto/profil"),
    ("my-participation", "citizen", "/konto/beteiligung"),
    ("notifications", "citizen", "/benachrichtigungen"),
    ("notification-settings", "citizen", "/benachrichtigungen/einstellungen"),
    ("processes", "anonymous", "/regionen/gelsenkirchen/prozesse"),
    ("process", "anonymous", "/prozesse/{process}"),
    ("process-edit", "moderator-gelsenkirchen", "/prozesse/{process}/bearbeiten"),
    ("process-new", "moderator-gelsenkirchen", "/regionen/gelsenkirchen/prozesse/neu"),
    ("admin-delivery", "admin", "/verwaltung/zustellung"),
    ("search", "anonymous", "/suche?q=Daten"),
    ("search-empty", "anonymous", "/suche"),
    ("proposal-collections", "anonymous", "/regionen/gelsenkirchen/vorschlagssammlungen"),
    ("proposal-collection", "citizen", "/vorschlagssammlungen/{collection}"),
    ("proposal", "citizen", "/vorschlaege/{proposal}"),
    ("proposal-moderator", "moderator-gelsenkirchen", "/vorschlaege/{proposal}"),
    ("proposal-moderation", "moderator-gelsenkirchen", "/vorschlagssammlungen/{collection}/moderation"),
    ("measure", "anonymous", "/massnahmen/{measure}"),
    ("measure-edit", "moderator-gelsenkirchen", "/massnahmen/{measure}/bearbeiten"),
    ("moderation-queue", "moderator-gelsenkirchen", "/moderation/meldungen"),
    ("poll-new", "moderator-aachen", "/umfragen/neu"),
    ("poll-edit-draft", "moderator-aachen", "{new_draft:aachen}"),
    ("poll-edit-matrix", "moderator-aachen", "/umfragen/{aachen_matrix}/bearbeiten"),
    ("poll-edit-problems", "moderator-soest", "/umfragen/{problem_poll}/bearbeiten"),
    ("poll-problem-moderation", "moderator-soest", "/umfragen/{problem_poll}/probleme/moderation"),
    ("access-codes", "moderator-wuppertal", "/umfragen/{wuppertal_journey}/zugangscodes"),
    ("admin-index", "admin", "/verwaltung/"),
    ("admin-users", "admin", "/verwaltung/konten"),
    ("admin-plugins", "admin", "/verwaltung/plugins"),
    ("region-settings", "admin", "/regionen/gelsenkirchen/verwaltung"),
    ("admin-audit", "admin", "/verwaltung/protokoll"),
    ("not-found", "anonymous", "/umfragen/999999"),
]


def _draft_poll(live_server, slug):
    """A fresh draft survey with one question of each core type (the edit page's question list)."""
    def create():
        from beteiligung.accounts.models import User
        from beteiligung.extensions import db
        from beteiligung.polls import services
        from beteiligung.regions.models import Region
        from beteiligung.testing.fixtures import SAMPLE_QUESTIONS

        moderator = db.session.scalar(select(User).where(User.email == f"moderation.{slug}@example.org"))
        region = db.session.scalar(select(Region).where(Region.slug == slug))
        poll = services.create_poll(moderator, region, {"title": "Entwurf für den Browsertest", "kind": "survey",
                                                        "questions": SAMPLE_QUESTIONS})
        db.session.commit()
        return poll.id

    return f"/umfragen/{live_server.query(create)}/bearbeiten"


def _resolve(path, request, live_server):
    if path.startswith("{region_page:"):
        return _region_page(live_server.app, path[len("{region_page:"):-1])
    if path.startswith("{new_draft:"):
        return _draft_poll(live_server, path[len("{new_draft:"):-1])
    values = dict(request.getfixturevalue("ids"))
    if "{dataset}" in path:
        values["dataset"] = request.getfixturevalue("dataset_id")
    return path.format(**values)


def _assert_page_ok(page, axe_source, what):
    problems = check_page(page, axe_source)
    assert not problems, f"{what} ({page.url}):\n  " + "\n  ".join(problems)


@pytest.mark.parametrize(("role", "path"), [pytest.param(role, path, id=name) for name, role, path in PAGES])
def test_page(role, path, request, live_server, open_page, axe_source):
    url = _resolve(path, request, live_server)
    page = open_page(role)
    response = page.goto(url)
    expected = 404 if url == "/umfragen/999999" else 200
    assert response.status == expected, f"{url} as {role}: HTTP {response.status}"
    _assert_page_ok(page, axe_source, f"{url} as {role}")


def _submit(page, form="main form.stack"):
    """Send the page's main form as a person would (its submit button), and wait for the answer."""
    with page.expect_navigation():
        page.locator(form).last.locator("button[type=submit]").last.click()


def test_login_errors(open_page, axe_source):
    page = open_page()
    page.goto("/konto/anmelden")
    page.fill("#email", "niemand@example.org")
    page.fill("#password", "falsches-passwort")
    _submit(page)
    assert page.locator(".field-error, .flash.error").count() > 0
    _assert_page_ok(page, axe_source, "log-in with errors")


def test_register_errors(open_page, axe_source):
    page = open_page()
    page.goto("/konto/registrieren")
    page.fill("#email", "kein-at-zeichen")
    page.fill("#pseudonym", "x")
    page.fill("#password", "kurz")
    page.fill("#password_confirm", "anders")
    _submit(page)
    assert page.locator(".field-error").count() >= 1
    assert page.locator("[aria-invalid=true]").count() >= 1
    _assert_page_ok(page, axe_source, "registration with errors")


@pytest.mark.parametrize("poll_key", ["gelsenkirchen_survey", "aachen_matrix", "wuppertal_journey",
                                      "soest_district", "paderborn_survey"])
def test_survey_errors(poll_key, ids, open_page, axe_source):
    """A survey sent without its required answers shows the errors beside the questions."""
    page = open_page("citizen")
    page.goto(f"/umfragen/{ids[poll_key]}")
    _submit(page, "main form.poll")
    assert page.locator(".field-error").count() >= 1, "no error shown for the missing required answers"
    _assert_page_ok(page, axe_source, f"survey {poll_key} with errors")


def test_comment_errors(ids, open_page, axe_source):
    page = open_page("citizen")
    page.goto(f"/beteiligungen/{ids['consultation']}")
    page.fill("#body-neu", "   ")
    _submit(page, "#beitrag-schreiben form")
    _assert_page_ok(page, axe_source, "comment with errors")


def test_poll_form_errors(open_page, axe_source):
    page = open_page("moderator-aachen")
    page.goto("/umfragen/neu")
    _submit(page)
    assert page.locator(".field-error, .flash.error").count() >= 1
    _assert_page_ok(page, axe_source, "new poll with errors")


def test_question_form_errors(live_server, open_page, axe_source):
    page = open_page("moderator-aachen")
    page.goto(_draft_poll(live_server, "aachen"))
    form = page.locator("form[action$='/fragen']")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    _assert_page_ok(page, axe_source, "new question with errors")


def test_english_pages(ids, open_page, axe_source):
    """The English version: lang attribute and layout hold too."""
    page = open_page("citizen")
    page.goto(f"/umfragen/{ids['aachen_matrix']}?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    _assert_page_ok(page, axe_source, "matrix survey in English")
