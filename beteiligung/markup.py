"""Markdown to safe HTML, and the split of a consultation body into its sections."""

import re
import unicodedata

import nh3
from markdown_it import MarkdownIt

# Raw HTML in the source is not passed through; the sanitiser is a second line of defence.
_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "pre", "h3", "h4", "h5", "h6",
    "hr", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}

_HEADING = re.compile(r"^##[ \t]+(.+?)[ \t#]*$")
_FENCE = re.compile(r"^(```|~~~)")


# Control characters (PostgreSQL refuses NUL) and unpaired surrogates (no database stores them).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def clean_text(text):
    """User text without control characters and unpaired surrogates, line ends as \\n."""
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
