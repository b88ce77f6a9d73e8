"""The header at 1280 px: the main navigation stays on one line for every role, the header on two."""

import pytest
from browser_support import check_page

WIDE = {"width": 1280, "height": 800}


@pytest.mark.parametrize("role", ["anonymous", "citizen", "moderator-gelsenkirchen", "admin"])
@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_navigation_does_not_wrap_at_1280_px(role, lang, open_page):
    page = open_page(role, viewport=WIDE)
    page.goto(f"/?lang={lang}")
    sizes = page.evaluate("""() => {
        const box = (selector) => document.querySelector(selector).getBoundingClientRect();
        const line = parseFloat(getComputedStyle(document.querySelector("header.site nav li")).lineHeight);
        const tops = (selector) => new Set([...document.querySelectorAll(selector)]
            .map((item) => Math.round(item.getBoundingClientRect().top)));
        return {line: line, header: box("header.site").height,
                mainRows: tops("header.site nav[aria-label] > ul:not(.inner) > li").size,
                barRows: tops("header.site .account-bar li").size,
                brandTop: Math.round(box("header.site .brand").top),
                mainTop: Math.round(box("header.site .inner > nav li").top)};
    }""")
    assert sizes["mainRows"] == 1, sizes
    assert sizes["barRows"] == 1, sizes
    # Brand and main navigation share one row; with the account bar the header is two rows high.
    assert abs(sizes["brandTop"] - sizes["mainTop"]) < sizes["line"], sizes
    assert sizes["header"] <= 3 * sizes["line"] + 24, sizes


@pytest.fixture(scope="session")
def own_comment(live_server):
    """A visible comment of the demo citizen (anna@example.org)."""
    def lookup():
        from sqlalchemy import select

        from beteiligung.accounts.models import User
        from beteiligung.comments.models import Comment
        from beteiligung.extensions import db

        return db.session.scalar(select(Comment.id).join(User, Comment.author_id == User.id)
                                 .where(User.email == "anna@example.org", Comment.status == "visible")
                                 .order_by(Comment.id))

    comment_id = live_server.query(lookup)
    assert comment_id is not None
    return comment_id


def test_the_delete_confirmation_page_is_accessible(own_comment, open_page, axe_source):
    page = open_page("citizen")
    response = page.goto(f"/beitraege/{own_comment}/loeschen")
    assert response.status == 200
    assert page.locator("button[name=confirm][value=ja]").count() == 1
    problems = check_page(page, axe_source)
    assert not problems, "\n".join(problems)
