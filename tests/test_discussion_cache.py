"""Cached discussions (anonymous page, comments JSON) always reflect the latest change."""


def _page(client, consultation):
    return client.get(f"/beteiligungen/{consultation.id}").get_data(as_text=True)


def _api(client, consultation):
    return client.get(f"/api/v1/consultations/{consultation.id}/comments").json


def test_new_comment_appears_in_cached_page_and_json(client, create_user, create_consultation, api_headers):
    consultation = create_consultation()
    assert "Noch keine Beiträge" in _page(client, consultation)
    assert _api(client, consultation)["total"] == 0

    client.post(f"/api/v1/consultations/{consultation.id}/comments", json={"body": "Mehr Radwege bitte"},
                headers=api_headers(create_user()))

    assert "Mehr Radwege bitte" in _page(client, consultation)
    assert _api(client, consultation)["items"][0]["body"] == "Mehr Radwege bitte"


def test_vote_hide_and_edit_invalidate_the_cache(client, create_user, create_region, create_consultation,
                                                 create_comment, api_headers):
    region = create_region()
    consultation = create_consultation(region=region)
    author = create_user()
    comment = create_comment(consultation, author, body="Ursprünglicher Text")
    _page(client, consultation), _api(client, consultation)

    client.post(f"/api/v1/comments/{comment.id}/votes", json={"value": 1}, headers=api_headers(create_user()))
    assert _api(client, consultation)["items"][0]["upvotes"] == 1
    assert "+1 / −0" in _page(client, consultation)

    client.patch(f"/api/v1/comments/{comment.id}", json={"body": "Geänderter Text"}, headers=api_headers(author))
    assert _api(client, consultation)["items"][0]["body"] == "Geänderter Text"
    assert "Geänderter Text" in _page(client, consultation)

    moderator = create_user(role="moderator", regions=[region])
    client.patch(f"/api/v1/comments/{comment.id}", json={"hidden": True, "reason": "Beleidigung"},
                 headers=api_headers(moderator))
    html = _page(client, consultation)
    assert "Geänderter Text" not in html and "Beleidigung" in html
    assert _api(client, consultation)["items"][0]["status"] == "hidden"


def test_consultation_edit_invalidates_the_cached_page(client, create_user, create_region, create_consultation,
                                                       api_headers):
    region = create_region()
    consultation = create_consultation(region=region, title="Alter Titel")
    assert "Alter Titel" in _page(client, consultation)

    moderator = create_user(role="moderator", regions=[region])
    response = client.patch(f"/api/v1/consultations/{consultation.id}", json={"title": "Neuer Titel"},
                            headers=api_headers(moderator))

    assert response.status_code == 200
    html = _page(client, consultation)
    assert "Neuer Titel" in html and "Alter Titel" not in html


def test_signed_in_readers_get_their_own_page_not_the_cached_one(client, auth, create_user, create_consultation):
    consultation = create_consultation()
    _page(client, consultation)
    user = create_user()
    auth.login(user)

    html = _page(client, consultation)

    assert "Ihr Beitrag" in html  # the comment form, which anonymous readers do not get
    assert user.pseudonym in html
