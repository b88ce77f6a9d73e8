"""Materials of the Projektschaufenster: downloadable files (PDF or image) of a project, checked by their content,
stored under ``instance/uploads/showcase/`` (the same path on shared storage in production), served by the
project's page with the right Content-Type."""

import os
import secrets

from flask import current_app, url_for
from flask_babel import gettext as _

from ..audit.services import record
from ..errors import Invalid, NotFound
from ..extensions import db
from ..markup import clean_text
from ..policy import require_moderator
from ..processes import images
from .models import MATERIAL_TITLE_MAX, MATERIALS_MAX, ShowcaseMaterial

#: the largest material accepted when SHOWCASE_MATERIAL_MAX_BYTES is not set
MATERIAL_MAX_BYTES = 10 * 1024 * 1024
UPLOAD_KIND = "showcase"  # the folder under instance/uploads/
PDF_MEDIA_TYPE = "application/pdf"
MEDIA_TYPES = {"pdf": PDF_MEDIA_TYPE, **images.MEDIA_TYPES}


def _check():
    return _("Bitte prüfen Sie die markierten Angaben.")


def material_max_bytes():
    return int(current_app.config.get("SHOWCASE_MATERIAL_MAX_BYTES", MATERIAL_MAX_BYTES))


def uploads_folder():
    return images.uploads_folder(UPLOAD_KIND)


def megabytes(limit):
    return f"{limit / 1024 / 1024:.2g}" if limit < 1024 * 1024 else f"{limit / 1024 / 1024:g}"


def checked_material(data, limit_bytes):
    """(bytes, extension) of an upload: a PDF by its first bytes (kept as it is), an image (JPEG, PNG, WebP)
    re-encoded without metadata; Invalid (field ``file``) with a German message for anything else."""
    def refuse(message):
        return Invalid(message, {"file": [message]})

    if not data:
        raise refuse(_("Bitte wählen Sie eine Datei aus."))
    if len(data) > limit_bytes:
        raise refuse(_("Die Datei ist zu groß: höchstens %(mb)s MB.", mb=megabytes(limit_bytes)))
    if data.startswith(b"%PDF-"):
        return data, "pdf"
    if data[:4] in (b"\x89PNG", b"RIFF") or data[:3] == b"\xff\xd8\xff":
        try:
            encoded, extension, _width, _height = images.reencode(
                data, limit_bytes, int(current_app.config.get("SHOWCASE_MATERIAL_MAX_PIXELS", images.MAX_PIXELS)))
        except Invalid as error:
            message = error.fields.get("image", [error.message])[0]
            raise refuse(message) from None
        return encoded, extension
    raise refuse(_("Bitte laden Sie ein PDF-Dokument oder ein Bild (JPEG, PNG oder WebP) hoch."))


def add_material(actor, project, title, data, limit_bytes=None):
    """Store an upload as a material of the project; a refused file stores nothing (no row, no file). The file
    is written before the caller commits: if the commit fails, the caller removes it (``remove_files``)."""
    require_moderator(actor, project.region)
    errors = {}
    title = clean_text(title or "").strip()
    if not 2 <= len(title) <= MATERIAL_TITLE_MAX:
        errors["title"] = [_("Der Titel des Materials muss 2 bis %(n)d Zeichen lang sein.", n=MATERIAL_TITLE_MAX)]
    if len(project.materials) >= MATERIALS_MAX:
        errors["file"] = [_("Höchstens %(n)d Materialien je Projekt.", n=MATERIALS_MAX)]
    stored = None
    if "file" not in errors:
        try:
            stored = checked_material(data, material_max_bytes() if limit_bytes is None else limit_bytes)
        except Invalid as error:
            errors.update(error.fields)
    if errors:
        raise Invalid(_check(), errors)
    content, extension = stored
    folder = uploads_folder()
    os.makedirs(folder, exist_ok=True)
    name = f"projekt-{project.id}-{secrets.token_hex(8)}.{extension}"
    with open(os.path.join(folder, name), "wb") as f:
        f.write(content)
    material = ShowcaseMaterial(title=title, file_name=name, media_type=MEDIA_TYPES[extension], size=len(content))
    project.materials.append(material)
    db.session.flush()
    record(actor, "showcase.material_added", project, project.region, title=project.title, material=title)
    return material


def remove_material(actor, project, material_id):
    """Remove a material; returns its file's name, which the caller removes after the commit."""
    require_moderator(actor, project.region)
    material = next((material for material in project.materials if material.id == material_id), None)
    if material is None:
        raise NotFound(_("Dieses Material gibt es nicht."))
    project.materials.remove(material)
    db.session.flush()
    record(actor, "showcase.material_removed", project, project.region, title=project.title,
           material=material.title)
    return material.file_name


def get_material(project, material_id):
    material = next((material for material in project.materials if material.id == material_id), None)
    if material is None:
        raise NotFound(_("Dieses Material gibt es nicht."))
    return material


def remove_files(names):
    for name in names:
        images.remove(uploads_folder(), name)


def material_url(project, material, external=False):
    return url_for("showcase.material", project_id=project.id, material_id=material.id, name=material.file_name,
                   _external=external)
