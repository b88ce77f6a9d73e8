"""The main journeys, by keyboard alone: every control is reached with Tab and used with the keys
a keyboard user has (typing, Space, Enter, arrow keys); no mouse click anywhere. What each journey
wrote is checked in the database, and each page on the way passes the page checks."""

import itertools
from urllib.parse import urlsplit

import pytest
from browser_support import check_page
from sqlalchemy import func, select

WIDE = {"width": 1024, "height": 800}
_counter = itertools.count(1)


def tab_to(page, selector, limit=250):
    """Press Tab until the element matching selector has the focus; fails if Tab never gets there."""
    target = page.locator(selector)
    assert target.count() == 1, f"{selector}: {target.count()} elements"
    handle = target.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("el => document.activeElement === el", handle):
            return
    raise AssertionError(f"{selector} is not reachable with the Tab key ({limit} presses)")


def type_into(page, selector, text):
    tab_to(page, selector)
    page.keyboard.type(text)


def press_and_wait(page, selector, key="Enter"):
    """Tab to a button or link and press a key on it; wait for the page it leads to."""
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press(key)


def choose_option(page, selector, value):
    """Pick an option of a (closed) select with the arrow keys."""
    values = page.locator(selector).evaluate("s => [...s.options].map(o => o.value)")
    assert value in values, f"{value} is not offered in {selector}: {values}"
    tab_to(page, selector)
    page.keyboard.press("Home")
    for _ in range(values.index(value)):
        page.keyboard.press("ArrowDown")
    assert page.locator(selector).input_value() == value


def assert_page_ok(page, axe_source):
    problems = check_page(page, axe_source)
    assert not problems, f"{page.url}:\n  " + "\n  ".join(problems)


def _fresh_citizen(live_server):
    """A new citizen account (the demo citizens have answered the demo polls already)."""
    from beteiligung.accounts.services import register_user
    from beteiligung.extensions import db

    number = next(_counter)
    email, password = f"tastatur{number}@example.org", "tastatur-geheim-42"

    def create():
        register_user(email, password, f"Tastatur {number}", accepted_terms=True)
        db.session.commit()

    live_server.query(create)
    return email, password


def _log_in(page, email, password):
    page.goto("/konto/anmelden")
    type_into(page, "#email", email)
    type_into(page, "#password", password)
    press_and_wait(page, "main form button[type=submit]")
    assert "/konto/anmelden" not in page.url, "log-in by keyboard failed"


def _user_id(live_server, email):
    from beteiligung.accounts.models import User
    from beteiligung.extensions import db

    return live_server.query(lambda: db.session.scalar(select(User.id).where(User.email == email)))


def test_register_comment_reply_vote(live_server, open_page, axe_source):
    from beteiligung.comments.models import Comment, CommentVote
    from beteiligung.consultations.models import Consultation
    from beteiligung.extensions import db

    page = open_page(viewport=WIDE)
    page.goto("/")
    press_and_wait(page, "header a[href='/konto/registrieren']")
    type_into(page, "#email", "tastatur.neu@example.org")
    type_into(page, "#pseudonym", "Tastatur Neu")
    type_into(page, "#password", "tastatur-geheim-42")
    type_into(page, "#password_confirm", "tastatur-geheim-42")
    tab_to(page, "#accept_terms")
    page.keyboard.press("Space")
    assert page.locator("#accept_terms").is_checked()
    press_and_wait(page, "main form.stack button[type=submit]")
    assert page.locator(".flash.success").count() == 1, "registration did not succeed"
    assert "/konto/registriert" in page.url
    user_id = _user_id(live_server, "tastatur.neu@example.org")
    assert user_id is not None

    # Confirm the address with the mailed link (the embedded default writes mails to the outbox folder),
    # by keyboard, then log in.
    from beteiligung.testing.fixtures import MailOutbox

    outbox = MailOutbox(live_server.app)
    for _ in range(50):  # the mail is delivered right after the response, in the server's thread
        links = [link for mail in outbox.to("tastatur.neu@example.org") for link in outbox.links(mail)
                 if "/konto/bestaetigen/" in link]
        if links:
            break
        page.wait_for_timeout(100)
    assert links, "no confirmation link was mailed"
    page.goto(urlsplit(links[-1]).path)
    assert_page_ok(page, axe_source)
    press_and_wait(page, "main form button[type=submit]")
    assert page.locator(".flash.success").count() == 1, "confirming did not succeed"
    _log_in(page, "tastatur.neu@example.org", "tastatur-geheim-42")

    consultation_id = live_server.query(lambda: db.session.scalar(select(Consultation.id).where(
        Consultation.title == "Online-Terminvergabe für Bürgerbüro und Fachämter")))
    page.goto(f"/beteiligungen/{consultation_id}")
    type_into(page, "#body-neu", "Bitte auch samstags Termine anbieten.")
    press_and_wait(page, "#beitrag-schreiben button[type=submit]")
    assert_page_ok(page, axe_source)
    mine = live_server.query(lambda: db.session.scalar(select(Comment.id).where(
        Comment.author_id == user_id, Comment.body == "Bitte auch samstags Termine anbieten.")))
    assert mine is not None, "the comment was not stored"

    # Reply to someone else's comment: open its "Antworten" disclosure with Enter, write, send.
    other = live_server.query(lambda: db.session.scalar(
        select(Comment.id).where(Comment.consultation_id == consultation_id, Comment.author_id != user_id,
                                 Comment.depth == 0, Comment.status == "visible").order_by(Comment.id)))
    tab_to(page, f"#beitrag-{other} > article details > summary")
    page.keyboard.press("Enter")
    type_into(page, f"#body-antwort-{other}", "Da stimme ich zu.")
    press_and_wait(page, f"#beitrag-{other} > article details button[type=submit]")
    reply = live_server.query(lambda: db.session.scalar(select(Comment.parent_id).where(
        Comment.author_id == user_id, Comment.body == "Da stimme ich zu.")))
    assert reply == other, "the reply was not stored under the comment"

    # Vote on that comment with the keyboard.
    press_and_wait(page, f"#beitrag-{other} > article .actions button[name=value][value='1']")
    vote = live_server.query(lambda: db.session.scalar(select(CommentVote.value).where(
        CommentVote.comment_id == other, CommentVote.user_id == user_id)))
    assert vote == 1, "the vote was not stored"
    assert page.locator(f"#beitrag-{other} > article .actions button[value='1']").get_attribute(
        "aria-pressed") == "true"


def test_answer_survey(live_server, open_page, axe_source):
    from beteiligung.extensions import db
    from beteiligung.polls.models import Answer, Ballot, Poll

    email, password = _fresh_citizen(live_server)
    page = open_page(viewport=WIDE)
    _log_in(page, email, password)
    poll = live_server.query(lambda: db.session.scalar(select(Poll).where(
        Poll.title == "Offene Daten in Gelsenkirchen: Was wünschen Sie sich?")))
    questions = live_server.query(lambda: [(q.id, q.type, [o.id for o in q.options])
                                           for q in db.session.get(Poll, poll.id).questions])
    page.goto(f"/umfragen/{poll.id}")
    single, multiple, scale, text = questions
    # Radio buttons: Tab enters the group, Space chooses the focused one, arrow keys move on.
    tab_to(page, f"#q{single[0]}-{single[2][0]}")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    assert page.locator(f"#q{single[0]}-{single[2][1]}").is_checked()
    for option in multiple[2][:2]:
        tab_to(page, f"#q{multiple[0]}-{option}")
        page.keyboard.press("Space")
    tab_to(page, f"#q{scale[0]}-1")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.locator(f"#q{scale[0]}-3").is_checked()
    type_into(page, f"#q{text[0]}", "Für eine Karte der Radwege.")
    press_and_wait(page, "main form.poll button[type=submit]")
    assert_page_ok(page, axe_source)

    user_id = _user_id(live_server, email)

    def stored():
        ballot = db.session.scalar(select(Ballot.id).where(Ballot.poll_id == poll.id, Ballot.user_id == user_id))
        if ballot is None:
            return None
        return {(a.question_id, a.option_id, a.number, a.text)
                for a in db.session.scalars(select(Answer).where(Answer.ballot_id == ballot))}

    answers = live_server.query(stored)
    assert answers is not None, f"no ballot stored (page {page.url})"
    options = {(q, o) for q, o, _n, _t in answers if o is not None}
    assert (single[0], single[2][1]) in options
    assert {(multiple[0], o) for o in multiple[2][:2]} <= options
    assert any(q == scale[0] and n == 3 for q, _o, n, _t in answers)
    assert any(q == text[0] and t == "Für eine Karte der Radwege." for q, _o, _n, t in answers)


def test_compare_problems(live_server, open_page, axe_source):
    from beteiligung.extensions import db
    from beteiligung.polls.models import Comparison, Poll

    email, password = _fresh_citizen(live_server)
    page = open_page(viewport=WIDE)
    _log_in(page, email, password)
    poll_id = live_server.query(lambda: db.session.scalar(select(Poll.id).where(
        Poll.title == "Mobilität auf dem Land: Was drückt am meisten?")))
    user_id = _user_id(live_server, email)
    page.goto(f"/umfragen/{poll_id}")
    for _round in range(3):
        first = page.locator("form.pair button.choice").first.get_attribute("value")
        press_and_wait(page, f"form.pair button.choice[value='{first}']")
        assert page.locator(".flash.success").count() == 1
    assert_page_ok(page, axe_source)
    comparisons = live_server.query(lambda: db.session.scalar(select(func.count()).select_from(Comparison).where(
        Comparison.poll_id == poll_id, Comparison.user_id == user_id)))
    assert comparisons == 3


TEMPLATES = [("gelsenkirchen", "gelsenkirchen:datenwuensche"), ("gelsenkirchen", "gelsenkirchen:datenthemen"),
             ("aachen", "aachen:digitales_lernen"), ("paderborn", "paderborn:online_dienste"),
             ("soest", "soest:mobilitaet"), ("soest", "soest:ortsbefragung"),
             ("wuppertal", "wuppertal:digitales_rathaus")]


@pytest.mark.parametrize(("region", "template"), TEMPLATES, ids=[t for _r, t in TEMPLATES])
def test_moderator_creates_poll_from_template(region, template, live_server, open_page, axe_source):
    from beteiligung.extensions import db
    from beteiligung.polls.models import Poll

    def polls_from_template():
        return set(db.session.scalars(select(Poll.id).where(Poll.template == template)))

    before = live_server.query(polls_from_template)
    page = open_page(f"moderator-{region}", viewport=WIDE)
    page.goto("/umfragen/")
    press_and_wait(page, "main a[href='/umfragen/neu']")
    choose_option(page, "#vorlage", template)
    press_and_wait(page, "main form[method=get] button[type=submit]")
    assert page.locator("input[name=template]").input_value() == template
    press_and_wait(page, "form[method=post].stack button[type=submit]")
    assert "/bearbeiten" in page.url, f"no draft created ({page.url})"
    assert_page_ok(page, axe_source)
    press_and_wait(page, "button[name=action][value=open]")

    new = live_server.query(polls_from_template) - before
    assert len(new) == 1, "no poll was created from the template"
    state = live_server.query(lambda: db.session.get(Poll, new.pop()).state)
    assert state == "open"
