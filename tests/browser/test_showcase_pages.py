"""The Projektschaufenster's pages in Chromium at 320 px: axe-core finds no WCAG 2.1 A/AA violation and nothing
is wider than the viewport, for the public and the region's moderators, forms with their errors shown too."""

import pytest
from browser_support import check_page
from sqlalchemy import select


@pytest.fixture(scope="session")
def showcase(live_server):
    """The demo projects (loaded here when the demo loader does not load them yet): the id of a published
    Gelsenkirchen project with materials."""
    def load():
        from beteiligung.accounts.models import User
        from beteiligung.demo.showcase import load_showcase
        from beteiligung.extensions import db
        from beteiligung.regions.models import Region
        from beteiligung.showcase.models import ShowcaseProject

        regions = {region.slug: region for region in db.session.scalars(select(Region))}
        moderators = {slug: db.session.scalar(select(User).where(User.email == f"moderation.{slug}@example.org"))
                      for slug in regions}
        load_showcase(regions, {slug: user for slug, user in moderators.items() if user is not None})
        db.session.commit()
        return db.session.scalar(select(ShowcaseProject.id).where(
            ShowcaseProject.title == "Urbane Datenplattform Gelsenkirchen"))

    project = live_server.query(load)
    assert project is not None
    return project


@pytest.mark.parametrize(("role", "path"), [
    ("anonymous", "/projektschaufenster"),
    ("anonymous", "/projektschaufenster?region=soest&status=running&q=dorf"),
    ("anonymous", "/projektschaufenster/{project}"),
    ("moderator-gelsenkirchen", "/projektschaufenster"),
    ("moderator-gelsenkirchen", "/projektschaufenster/{project}"),
    ("moderator-gelsenkirchen", "/projektschaufenster/neu"),
    ("moderator-gelsenkirchen", "/projektschaufenster/{project}/bearbeiten"),
    ("moderator-gelsenkirchen", "/projektschaufenster/{project}/loeschen"),
])
def test_showcase_page(role, path, showcase, open_page, axe_source):
    page = open_page(role)
    response = page.goto(path.format(project=showcase))
    assert response.status == 200, f"{path} as {role}: HTTP {response.status}"
    problems = check_page(page, axe_source)
    assert not problems, f"{path} as {role}:\n  " + "\n  ".join(problems)


def test_showcase_forms_with_errors(showcase, open_page, axe_source):
    page = open_page("moderator-gelsenkirchen")
    page.goto("/projektschaufenster/neu")
    page.fill("#title", "ab")
    with page.expect_navigation():
        page.locator("main form.stack button[type=submit]").last.click()
    assert page.locator(".field-error").count() > 0
    problems = check_page(page, axe_source)
    assert not problems, "new project with errors:\n  " + "\n  ".join(problems)

    page.goto(f"/projektschaufenster/{showcase}")
    page.fill("#material-title", "Leer")
    with page.expect_navigation():
        page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    assert page.locator(".field-error").count() > 0
    problems = check_page(page, axe_source)
    assert not problems, "material refused:\n  " + "\n  ".join(problems)
