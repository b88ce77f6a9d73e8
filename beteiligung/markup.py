"""Markdown to safe HTML, and the split of a consultation body into its sections."""

import re
import unicodedata

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

# Raw HTML in the source is not passed through; the sanitiser is a second line of defence.
_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "pre", "h3", "h4", "h5", "h6",
    "hr", "table", "thead", "tbody", "tr", "th", "td",
}
# "start": a list the author numbered from 3 on keeps its numbers ("3. …" is not shown as "1. …").
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}

IMAGE_NOTE = "[Bild: {alt}]"
IMAGE_NOTE_WITHOUT_ALT = "[Bild ohne Beschreibung]"


def _image_as_note(renderer, tokens, index, options, env):
    """An image is shown as its description: the page loads nothing from other hosts, and nothing vanishes."""
    alt = " ".join(renderer.renderInlineAsText(tokens[index].children or [], options, env).split())
    return escapeHtml(IMAGE_NOTE.format(alt=alt) if alt else IMAGE_NOTE_WITHOUT_ALT)


_md.add_render_rule("image", _image_as_note)

_HEADING = re.compile(r"^##[ \t]+(.+?)[ \t#]*$")
_FENCE = re.compile(r"^(```|~~~)")


# Control characters (PostgreSQL refuses NUL), unpaired surrogates (no database stores them) and
# the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): these reorder
# the text around them, so "Antrag\u202efdp.exe" would show as "Antragexe.pdf". The plain marks LRM,
# RLM and ALM stay: they cannot reorder more than the character next to them, and right-to-left
# scripts need them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def clean_text(text):
    """User text without control characters, bidi overrides and unpaired surrogates, line ends as \\n.

    Every text a user writes (comments, reasons, titles, pseudonyms, problems, poll answers) passes
    through here before it is checked and stored.
    """
    if not isinstance(text, str):
        return ""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def render_markdown(text):
    html = _md.render(text or "")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="nofollow noopener noreferrer")


def split_sections(body):
    """Return the introduction and a list of (title, markdown) for each level-2 heading."""
    intro, sections, current, in_fence = [], [], None, False
    for line in (body or "").splitlines():
        if _FENCE.match(line.strip()):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match:
            current = (match.group(1).strip(), [])
            sections.append(current)
        elif current is None:
            intro.append(line)
        else:
            current[1].append(line)
    return "\n".join(intro).strip(), [(title, "\n".join(lines).strip()) for title, lines in sections]


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})


def slugify(text, max_length=70):
    text = unicodedata.normalize("NFKD", text.translate(_UMLAUTS)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:max_length].strip("-") or "abschnitt"
