"""A proposal's optional image (issue 12, point 4): checked by its content, re-encoded without metadata, with a
required description; refused with a clear message and nothing stored; served only to who may see the proposal."""

import io
import os

import pytest
from proposal_fixtures import collection, make_collection, moderator, neighbour, region  # noqa: F401
from sqlalchemy import select

from beteiligung.errors import Invalid
from beteiligung.proposals import services
from beteiligung.proposals.models import Proposal
from beteiligung.testing.helpers import audit_entries, count_rows, text_of


def image_bytes(fmt="PNG", size=(64, 32), mode="RGB", **options):
    from PIL import Image

    out = io.BytesIO()
    Image.new(mode, size, "white" if mode != "1" else 0).save(out, fmt, **options)
    return out.getvalue()


def submit(client, collection, data=None, alt="Eine Bank unter einer Linde", filename="bild.png",
           title="Bänke am Teich"):
    form = {"title": title, "body": "Am Teich fehlen Bänke zum Ausruhen.", "category": "", "place": ""}
    if data is not None:
        form["image"] = (io.BytesIO(data), filename)
        form["image_alt"] = alt
    return client.post(f"/vorschlagssammlungen/{collection.id}/vorschlaege", content_type="multipart/form-data",
                       data=form)


def uploads(app):
    folder = os.path.join(app.instance_path, "uploads", "proposals")
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def test_a_proposal_with_an_image_stores_it_reencoded_and_shows_it_with_its_description(app, db, client, auth,
                                                                                        collection, citizen):
    from PIL import Image

    exif = Image.Exif()
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # where the photo was taken
    auth.login(citizen)
    page = text_of(client.get(f"/vorschlagssammlungen/{collection.id}"))
    assert 'enctype="multipart/form-data"' in page and '<label for="image_alt">' in page
    response = submit(client, collection, image_bytes("JPEG", exif=exif.tobytes()), filename="foto.jpg")
    assert response.status_code == 303
    proposal = db.session.scalar(select(Proposal))
    assert proposal.image.startswith(f"vorschlag-{proposal.id}-") and proposal.image.endswith(".jpg")
    assert (proposal.image_alt, proposal.image_width, proposal.image_height) == (
        "Eine Bank unter einer Linde", 64, 32)
    with Image.open(os.path.join(app.instance_path, "uploads", "proposals", proposal.image)) as saved:
        assert saved.format == "JPEG" and not saved.getexif()
    html = text_of(client.get(f"/vorschlaege/{proposal.id}"))
    assert f'src="/vorschlaege/{proposal.id}/bild/{proposal.image}"' in html
    assert 'alt="Eine Bank unter einer Linde" width="64" height="32"' in html
    auth.logout()
    served = client.get(f"/vorschlaege/{proposal.id}/bild/{proposal.image}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert client.get(f"/vorschlaege/{proposal.id}/bild/anderes.jpg").status_code == 404
    data = client.get(f"/api/v1/proposals/{proposal.id}").get_json()
    assert data["image"]["alt"] == "Eine Bank unter einer Linde" and data["image"]["url"].endswith(proposal.image)


def test_a_proposal_without_an_image_is_fine(db, client, auth, collection, citizen):
    auth.login(citizen)
    assert submit(client, collection).status_code == 303
    proposal = db.session.scalar(select(Proposal))
    assert proposal.image is None
    assert "/bild/" not in text_of(client.get(f"/vorschlaege/{proposal.id}"))


@pytest.mark.parametrize(("data", "filename", "alt", "message"), [
    (b"Das ist kein Bild, auch wenn es so heisst.", "bild.png", "Eine Bank", "kein lesbares Bild"),
    ("gif", "animation.gif", "Eine Bank", "JPEG, PNG oder WebP"),
    ("bomb", "bombe.png", "Eine Bank", "zu viele Bildpunkte"),
    ("png", "bild.png", "", "Bitte beschreiben Sie das Bild"),
    (b"", "leer.png", "Eine Bank", "Bitte wählen Sie eine Bilddatei aus."),  # a description without an image
])
def test_what_is_not_a_fitting_image_refuses_the_proposal_with_a_message(app, db, client, auth, collection, citizen,
                                                                         data, filename, alt, message):
    if data == "gif":
        data = image_bytes("GIF")
    elif data == "bomb":
        data = image_bytes("PNG", size=(8000, 8000), mode="1")  # 64 million pixels in a few kilobytes
        assert len(data) < 100_000
    elif data == "png":
        data = image_bytes()
    auth.login(citizen)
    response = submit(client, collection, data, alt=alt, filename=filename)
    assert response.status_code == 422
    page = text_of(response)
    assert message in page
    assert 'value="Bänke am Teich"' in page  # what was typed stays in the form
    assert count_rows(db, Proposal) == 0 and uploads(app) == []


def test_oversized_images_are_refused(app, db, client, auth, collection, citizen):
    app.config["PROPOSAL_IMAGE_MAX_BYTES"] = 2000
    auth.login(citizen)
    big = image_bytes("PNG", size=(200, 200), compress_level=0)
    response = submit(client, collection, big)
    assert response.status_code == 422 and "Das Bild ist zu groß" in text_of(response)
    # Far beyond the limit, the request itself is refused before it is read.
    assert submit(client, collection, b"0" * 600_000).status_code == 413
    assert count_rows(db, Proposal) == 0 and uploads(app) == []


def test_the_service_checks_image_and_fields_together(db, collection, citizen):
    with pytest.raises(Invalid) as error:
        services.submit_proposal(citizen, collection, "x", "Am Teich fehlen Bänke.", image=(b"kein Bild", ""))
    assert set(error.value.fields) == {"title", "image", "image_alt"}
    assert count_rows(db, Proposal) == 0


def test_a_hidden_proposals_image_is_served_to_nobody_but_the_moderation(db, client, auth, collection, citizen,
                                                                         moderator, neighbour):
    auth.login(citizen)
    assert submit(client, collection, image_bytes()).status_code == 303
    proposal = db.session.scalar(select(Proposal))
    url = f"/vorschlaege/{proposal.id}/bild/{proposal.image}"
    services.hide_proposal(moderator, proposal, "Beleidigend")
    db.session.commit()
    auth.logout()
    assert client.get(url).status_code == 404
    auth.login(neighbour)
    assert client.get(url).status_code == 404
    auth.login(moderator)
    assert client.get(url).status_code == 200


def test_the_moderation_removes_an_image_and_its_file(app, db, client, auth, collection, citizen, moderator,
                                                      neighbour):
    auth.login(citizen)
    assert submit(client, collection, image_bytes()).status_code == 303
    proposal = db.session.scalar(select(Proposal))
    assert len(uploads(app)) == 1
    for someone in (citizen, neighbour):  # not the author, not another citizen
        auth.login(someone)
        assert client.post(f"/vorschlaege/{proposal.id}/bild/entfernen").status_code == 403
    auth.login(moderator)
    assert "Bild entfernen" in text_of(client.get(f"/vorschlaege/{proposal.id}"))
    assert client.post(f"/vorschlaege/{proposal.id}/bild/entfernen").status_code == 303
    db.session.expire_all()
    stored = db.session.get(Proposal, proposal.id)
    assert stored.image is None and stored.body == "Am Teich fehlen Bänke zum Ausruhen." and uploads(app) == []
    [entry] = audit_entries(db, "proposal.image_removed")
    assert entry.details["title"] == "Bänke am Teich"

