"""Checks for English pages: no German from a catalogue outside ``lang="de"``, user content marked German.

For the tests of plugins (and the core): ``german_left(html, po_path)`` lists the German texts of a
catalogue that an English page still shows; ``unmarked(html, text)`` lists the places where a text
people wrote appears without a ``lang="de"`` around it. Charts (``<svg>``) are skipped: the table
next to each chart carries the same data; so is the document's ``<title>``, which can't mark a part.
"""

import re
from html.parser import HTMLParser

from babel.messages.pofile import read_po

PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%%")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Texts(HTMLParser):
    """The page's text, each piece with the language of the element around it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, lang)
        self.texts = []  # (text, lang)
        self.skip = 0

    def lang(self):
        return next((lang for _tag, lang in reversed(self.stack) if lang is not None), None)

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        if tag in ("svg", "script", "style", "title") or self.skip:
            self.skip += 1
        self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.stack:
            open_tag, _lang = self.stack.pop()
            if self.skip:
                self.skip -= 1
            if open_tag == tag:
                break

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.texts.append((" ".join(data.split()), self.lang()))


def texts(html):
    parser = _Texts()
    parser.feed(html)
    return parser.texts


def catalogue_texts(po_path, min_length=12):
    """The German source texts of a catalogue, cut at their placeholders, pieces of ``min_length`` or more."""
    with open(po_path, "rb") as f:
        catalog = read_po(f)
    pieces = set()
    for message in catalog:
        if not message.id:
            continue
        for msgid in message.id if isinstance(message.id, tuple) else (message.id,):
            pieces.update(piece.strip(" .,:;–()„“") for piece in PLACEHOLDER.split(msgid))
    return sorted(piece for piece in pieces if len(piece) >= min_length)


def outside_german(html):
    """The page's text outside ``lang="de"`` elements, as one string."""
    return " | ".join(text for text, lang in texts(html) if lang != "de")


def german_left(html, po_path, min_length=12):
    """The German texts of the catalogue that the page shows outside ``lang="de"`` elements."""
    shown = outside_german(html)
    return [piece for piece in catalogue_texts(po_path, min_length) if piece in shown]


def unmarked(html, text):
    """Pieces of the page's text that contain ``text`` but are not inside a ``lang="de"`` element."""
    found = [(piece, lang) for piece, lang in texts(html) if text in piece]
    assert found, f"{text!r} is not on the page"
    return [piece for piece, lang in found if lang != "de"]


def english_page(client, url, catalogue, german_words=(), status=200, **kwargs):
    """Open ``url`` in English and check it: the status, ``<html lang="en">``, no German text of the
    catalogue and none of ``german_words`` outside ``lang="de"``. Returns the page's HTML."""
    response = client.open(url + ("&" if "?" in url else "?") + "lang=en", **kwargs)
    assert response.status_code == status, url
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html, url
    assert german_left(html, catalogue) == [], url
    shown = outside_german(html)
    assert [word for word in german_words if word in shown] == [], url
    return html
