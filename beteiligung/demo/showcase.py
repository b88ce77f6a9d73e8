"""Demo projects of the Projektschaufenster (``data/showcase.toml``): at least three per model region, made with
the same services as a moderator's, with links, materials (a small PDF or PNG generated here) and the region's
demo processes and measures they relate to."""

import io

from PIL import Image, ImageDraw
from sqlalchemy import select

from ..extensions import db
from ..measures.models import Measure
from ..processes.models import Process
from ..showcase import materials, services
from ..showcase.models import ShowcaseProject
from .content import read

PROJECTS = read("showcase.toml")["projects"]


def _pdf_text(text):
    return text.encode("cp1252", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def demo_pdf(title, subtitle):
    """A one-page PDF (A4) with a title and a line of text, built byte by byte (no library needed)."""
    content = (b"BT /F1 20 Tf 72 760 Td (" + _pdf_text(title) + b") Tj ET\n"
               b"BT /F1 12 Tf 72 730 Td (" + _pdf_text(subtitle) + b") Tj ET\n")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"endstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def demo_png(title):
    """A small PNG: a coloured panel with the title (an invented illustration)."""
    image = Image.new("RGB", (480, 270), (0, 92, 143))
    draw = ImageDraw.Draw(image)
    draw.rectangle((16, 16, 463, 253), outline=(255, 255, 255), width=3)
    draw.text((32, 120), title[:60], fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _by_title(model, region, titles):
    if not titles:
        return []
    if model is Process:
        query = select(Process).where(Process.region_id == region.id, Process.title.in_(titles))
    else:
        query = (select(Measure).join(Process, Process.id == Measure.process_id)
                 .where(Process.region_id == region.id, Measure.title.in_(titles)))
    return list(db.session.scalars(query))


def load_showcase(regions, moderators):
    """Create the demo projects that do not exist yet (by region and title); returns how many were created."""
    created = 0
    for data in PROJECTS:
        region, moderator = regions.get(data["region"]), moderators.get(data["region"])
        if region is None or moderator is None:
            continue
        exists = db.session.scalar(select(ShowcaseProject.id).where(ShowcaseProject.region_id == region.id,
                                                                     ShowcaseProject.title == data["title"]))
        if exists is not None:
            continue
        contact = data.get("contact", {})
        project = services.create_project(
            moderator, region, data["title"], data["summary"], data["starts_on"], data["ends_on"],
            description=data.get("description", "").strip(), status=data["status"], office=data.get("office", ""),
            contact_name=contact.get("name", ""), contact_email=contact.get("email", ""),
            contact_phone=contact.get("phone", ""), contact_consent=contact.get("consent", False), published=True)
        for link in data.get("links", []):
            services.add_link(moderator, project, link["title"], link["url"])
        for material in data.get("materials", []):
            content = (demo_pdf(material["title"], f"{data['title']} – {region.name}") if material["kind"] == "pdf"
                       else demo_png(material["title"]))
            materials.add_material(moderator, project, material["title"], content)
        for process in _by_title(Process, region, data.get("processes")):
            services.relate(moderator, project, "process", process.id)
        for measure in _by_title(Measure, region, data.get("measures")):
            services.relate(moderator, project, "measure", measure.id)
        created += 1
    db.session.flush()
    return created
