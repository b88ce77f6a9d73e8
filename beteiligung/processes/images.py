"""Uploaded images (a process's header image, a proposal's image): checked by their content (not their
name), re-encoded without metadata, stored under ``instance/uploads/<kind>/`` (``processes``,
``proposals``; the same path on shared storage in production).

Refused with a clear message: what is no JPEG, PNG or WebP image, a file over PROCESS_IMAGE_MAX_BYTES,
and an image over PROCESS_IMAGE_MAX_PIXELS (a decompression bomb: a small file that unpacks into
gigabytes) – the pixels are counted from the header before anything is decoded.
"""

import io
import os
import secrets
import warnings

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import Invalid

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2400  # larger images are scaled down: a header needs no more
# format found in the content -> (file extension, format written, modes kept as they are)
FORMATS = {"JPEG": ("jpg", "JPEG", ("RGB", "L")), "PNG": ("png", "PNG", ("RGB", "RGBA", "L", "LA")),
           "WEBP": ("webp", "WEBP", ("RGB", "RGBA"))}
MEDIA_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


#: the kinds of upload (their folder's name) and the prefix of their settings
SETTINGS = {"processes": "PROCESS_IMAGE", "proposals": "PROPOSAL_IMAGE"}


def max_bytes(kind="processes"):
    """The largest upload of a kind (PROCESS_IMAGE_MAX_BYTES, PROPOSAL_IMAGE_MAX_BYTES)."""
    return int(current_app.config.get(f"{SETTINGS[kind]}_MAX_BYTES", MAX_BYTES))


def max_pixels(kind="processes"):
    return int(current_app.config.get(f"{SETTINGS[kind]}_MAX_PIXELS", MAX_PIXELS))


def uploads_folder(kind="processes"):
    return os.path.join(current_app.instance_path, "uploads", kind)


def _refuse(message):
    return Invalid(message, {"image": [message]})


def reencode(data, limit_bytes, limit_pixels):
    """(bytes, extension, width, height) of the image in ``data``, re-encoded in its own format without
    metadata; Invalid with a German message for anything else."""
    if not data:
        raise _refuse(_("Bitte wählen Sie eine Bilddatei aus."))
    if len(data) > limit_bytes:
        raise _refuse(_("Das Bild ist zu groß: höchstens %(mb)s MB.", mb=f"{limit_bytes / 1024 / 1024:g}"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind = FORMATS.get(image.format)
                if kind is None:
                    raise _refuse(_("Bitte laden Sie ein Bild im Format JPEG, PNG oder WebP hoch."))
                width, height = image.size
                if width * height > limit_pixels:
                    raise _refuse(_("Das Bild hat zu viele Bildpunkte (höchstens %(n)s Millionen).",
                                    n=f"{limit_pixels / 1_000_000:g}"))
                image.load()
                image = ImageOps.exif_transpose(image)  # turned as the camera meant; the EXIF itself goes
                extension, out_format, modes = kind
                if image.mode not in modes:
                    image = image.convert("RGBA" if "RGBA" in modes and "A" in image.getbands() else "RGB")
                image.thumbnail((MAX_SIDE, MAX_SIDE))
                out = io.BytesIO()
                options = {"quality": 85} if out_format in ("JPEG", "WEBP") else {"optimize": True}
                image.save(out, out_format, **options)  # no exif=, no icc_profile=: metadata stays behind
                return out.getvalue(), extension, image.width, image.height
    except Invalid:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(_("Das Bild hat zu viele Bildpunkte (höchstens %(n)s Millionen).",
                        n=f"{limit_pixels / 1_000_000:g}")) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise _refuse(_("Die Datei ist kein lesbares Bild. Bitte laden Sie ein Bild im Format JPEG, PNG oder "
                        "WebP hoch.")) from None


def checked(data, alt, alt_max, limit_bytes, limit_pixels, alt_field="alt"):
    """((bytes, extension, width, height), alt) of an upload with its description, or Invalid naming every
    problem at once (fields ``image`` and ``alt_field``): the image's as in :func:`reencode`, an alt text
    outside 3 to ``alt_max`` characters."""
    from ..markup import clean_text

    alt = clean_text(alt or "").strip()
    errors = {}
    if not 3 <= len(alt) <= alt_max:
        errors[alt_field] = [_("Bitte beschreiben Sie das Bild in 3 bis %(n)d Zeichen (für Menschen, die es nicht "
                               "sehen).", n=alt_max)]
    encoded = None
    try:
        encoded = reencode(data, limit_bytes, limit_pixels)
    except Invalid as error:
        errors.update(error.fields)
    if errors:
        raise Invalid(_("Bitte prüfen Sie die markierten Angaben."), errors)
    return encoded, alt


def write(folder, owner_id, data, extension, prefix="prozess"):
    """Store the re-encoded image under a new name (old names stay valid until removed): the name."""
    os.makedirs(folder, exist_ok=True)
    name = f"{prefix}-{owner_id}-{secrets.token_hex(8)}.{extension}"
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)
    return name


def send(kind, name, max_age, private=False):
    """The stored image as a response; ``private``: for the viewer only (a hidden proposal's image must not
    stay in a shared cache)."""
    from flask import send_from_directory

    extension = name.rsplit(".", 1)[-1]
    response = send_from_directory(uploads_folder(kind), name, mimetype=MEDIA_TYPES.get(extension), max_age=max_age)
    if private:
        response.cache_control.public = False
        response.cache_control.private = True
    return response


def remove(folder, name):
    if name:
        path = os.path.join(folder, os.path.basename(name))
        if os.path.isfile(path):
            os.remove(path)
