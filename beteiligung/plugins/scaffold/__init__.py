"""``flask --app wsgi plugins new NAME``: a new plugin package from the templates in ``files/``.

Every file under ``files/`` ends in ``.tmpl`` (so that neither Python nor a linter reads the templates
as code); its path and its text hold placeholders ``@@NAME@@`` etc., replaced by plain text
substitution (the generated Jinja templates keep their own ``{{ }}``).
"""

import io
import json
import keyword
import re
from datetime import date
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

FILES = Path(__file__).resolve().parent / "files"
SUFFIX = ".tmpl"
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
REGION_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: Constraint names carry the name (``uq_<name>_entries_region_id_title``); PostgreSQL allows 63 characters.
MAX_NAME_LENGTH = 30


class ScaffoldError(ValueError):
    """The plugin cannot be generated; the message (German) says why."""


def check_name(name, taken=(), reserved=()):
    """Refuse a name that cannot be a plugin's: not an identifier, taken by a plugin, or a path of the core."""
    if not NAME_PATTERN.match(name or ""):
        raise ScaffoldError(f"„{name}“ ist kein gültiger Plugin-Name: nur Kleinbuchstaben, Ziffern und _, am Anfang "
                            "ein Buchstabe (z. B. hamm oder rhein_erft).")
    if keyword.iskeyword(name) or name.endswith("_") or "__" in name:
        raise ScaffoldError(f"„{name}“ ist kein gültiger Plugin-Name: kein Python-Schlüsselwort, kein _ am Ende und "
                            "kein doppeltes _.")
    if len(name) > MAX_NAME_LENGTH:
        raise ScaffoldError(f"„{name}“ ist zu lang: höchstens {MAX_NAME_LENGTH} Zeichen (der Name steht in jedem "
                            "Tabellen- und Constraint-Namen).")
    if name in taken:
        raise ScaffoldError(f"Ein Plugin „{name}“ ist schon installiert; wählen Sie einen anderen Namen.")
    if name in reserved:
        raise ScaffoldError(f"„{name}“ ist schon ein Pfad der Plattform (/{name}/…); wählen Sie einen anderen Namen.")


def check_title(title):
    title = " ".join((title or "").split())
    if not 1 <= len(title) <= 100:
        raise ScaffoldError("Der Titel muss 1 bis 100 Zeichen lang sein.")
    return title


def check_region(region):
    if region is not None and not REGION_PATTERN.match(region):
        raise ScaffoldError(f"„{region}“ ist keine Kurzbezeichnung einer Region (Kleinbuchstaben, Ziffern und -, "
                            "z. B. hamm).")
    return region


def class_name(name):
    return "".join(part.capitalize() for part in name.split("_")) + "Plugin"


def py_literal(value):
    """A Python literal in the project's style: double-quoted strings, None, tuples of strings."""
    if value is None:
        return "None"
    if isinstance(value, tuple):
        return "(" + ", ".join(py_literal(item) for item in value) + ("," if len(value) == 1 else "") + ")"
    return json.dumps(value, ensure_ascii=False)


def placeholders(name, title, region, core_head, core_version, core_requirement, today=None):
    return {
        "@@NAME@@": name,
        "@@DIST@@": name.replace("_", "-"),
        "@@CLASS@@": class_name(name),
        "@@TITLE@@": title,
        "@@TITLE_PY@@": py_literal(title),
        "@@REGION_PY@@": py_literal(region),
        "@@CORE_HEAD_PY@@": py_literal(core_head),
        "@@CORE_VERSION@@": core_version,
        "@@CORE_REQUIREMENT@@": core_requirement,
        "@@DATE@@": (today or date.today()).isoformat(),
    }


def render(text, values):
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    left = re.findall(r"@@[A-Z_]+@@", text)
    if left:  # a template with a placeholder nobody fills is a bug of the core, not of the user
        raise RuntimeError(f"Unbekannte Platzhalter in der Vorlage: {', '.join(sorted(set(left)))}")
    return text


def template_files():
    """The template files, relative to ``files/``, sorted."""
    return sorted(path.relative_to(FILES) for path in FILES.rglob(f"*{SUFFIX}") if path.is_file())


def render_file(relative, values):
    """One generated file: (its path relative to the package root, its text)."""
    target = render(str(relative)[: -len(SUFFIX)], values)
    return Path(target), render((FILES / relative).read_text(encoding="utf-8"), values)


def generate(target, name, title, region, core_head, core_version, core_requirement, today=None):
    """Write the plugin package into ``target`` (a missing or empty folder); return the files written.

    ``core_head``: the core revision(s) the first migration depends on; ``core_version``: the plugin class's
    ``core_version`` specifier; ``core_requirement``: the version range of ``install_requires``."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ScaffoldError(f"Den Ordner {target} gibt es schon, und er ist nicht leer; wählen Sie mit --path einen "
                            "anderen.")
    values = placeholders(name, title, region, core_head, core_version, core_requirement, today)
    written = []
    for relative in template_files():
        path, text = render_file(relative, values)
        destination = target / path
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(text, encoding="utf-8")
        written.append(destination)
    for po in [path for path in written if path.suffix == ".po"]:
        written.append(compile_catalogue(po))
    return written


def compile_catalogue(po_path):
    """``messages.po`` → ``messages.mo`` next to it (what ``pybabel compile`` does)."""
    with open(po_path, "rb") as f:
        catalog = read_po(f)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    mo_path = Path(po_path).with_suffix(".mo")
    mo_path.write_bytes(buffer.getvalue())
    return mo_path
