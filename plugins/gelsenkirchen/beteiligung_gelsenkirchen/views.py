"""Pages of the plugin under /gelsenkirchen/<region>/: the dashboard and the open data sets."""

import csv
import io
import json
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, render_template, url_for
from sqlalchemy import func, select

from beteiligung.plugin_api import Ballot, Comment, Consultation, Poll, current_region, db, polls_query
from beteiligung.plugin_api import lazy_gettext as _l

from .models import Dataset
from .opendata import CONTEXT, dcat_record

bp = Blueprint("gelsenkirchen", __name__)

MONTHS = 12
MONTH_NAMES = (_l("Jan."), _l("Feb."), _l("März"), _l("Apr."), _l("Mai"), _l("Juni"), _l("Juli"), _l("Aug."),
               _l("Sept."), _l("Okt."), _l("Nov."), _l("Dez."))


def _month(column):
    """SQL for the "YYYY-MM" of a timestamp column, on SQLite and PostgreSQL."""
    if db.engine.dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def last_months(now, count=MONTHS):
    """["2025-12", …, "2026-11"]: the current month and the ones before it, oldest first."""
    year, month = now.year, now.month
    keys = []
    for _ in range(count):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return keys[::-1]


def month_label(key):
    year, month = key.split("-")
    return f"{MONTH_NAMES[int(month) - 1]} {year[2:]}"


def _per_month(query, since):
    return dict(db.session.execute(query.where(since)).all())


@bp.route("/")
def dashboard():
    region = current_region()
    now = datetime.now(UTC).replace(tzinfo=None)
    months = last_months(now)
    first = datetime(int(months[0][:4]), int(months[0][5:]), 1)
    published = Consultation.region_id == region.id, Consultation.published.is_(True)
    totals = db.session.execute(select(
        select(func.count(Consultation.id)).where(*published).scalar_subquery(),
        select(func.count(Comment.id)).join(Consultation, Consultation.id == Comment.consultation_id)
        .where(*published, Comment.status == "visible").scalar_subquery(),
        # The public polls by the core's status rule (dates included), not by the stored state.
        select(func.count()).select_from(polls_query(region).order_by(None).subquery()).scalar_subquery(),
        select(func.coalesce(func.sum(Poll.ballot_count), 0)).where(Poll.region_id == region.id)
        .scalar_subquery(),
    )).one()
    comment_month = _month(Comment.created_at)
    comments = _per_month(
        select(comment_month, func.count(Comment.id)).join(Consultation, Consultation.id == Comment.consultation_id)
        .where(*published, Comment.status == "visible").group_by(comment_month), Comment.created_at >= first)
    ballot_month = _month(Ballot.created_at)
    ballots = _per_month(
        select(ballot_month, func.count(Ballot.id)).join(Poll, Poll.id == Ballot.poll_id)
        .where(Poll.region_id == region.id).group_by(ballot_month), Ballot.created_at >= first)
    series = [(month_label(key), comments.get(key, 0), ballots.get(key, 0)) for key in months]
    return render_template("gelsenkirchen/dashboard.html", region=region, totals=totals, series=series)


@bp.route("/offene-daten/")
def datasets():
    region = current_region()
    items = db.session.scalars(select(Dataset).where(Dataset.region_id == region.id)
                               .order_by(Dataset.issued_at.desc(), Dataset.id.desc())).all()
    return render_template("gelsenkirchen/datasets.html", region=region, datasets=items)


def _dataset(dataset_id):
    dataset = db.session.get(Dataset, dataset_id)
    if dataset is None or dataset.region_id != current_region().id:
        abort(404)
    return dataset


def _urls(dataset):
    return (url_for(".dataset", dataset_id=dataset.id, _external=True),
            url_for(".dataset_csv", dataset_id=dataset.id, _external=True),
            url_for(".catalog", _external=True))


@bp.route("/offene-daten/<int:dataset_id>")
def dataset(dataset_id):
    item = _dataset(dataset_id)
    preview = list(csv.reader(io.StringIO(item.csv)))[:16]
    return render_template("gelsenkirchen/dataset.html", region=current_region(), dataset=item, preview=preview)


@bp.route("/offene-daten/<int:dataset_id>.csv")
def dataset_csv(dataset_id):
    item = _dataset(dataset_id)
    response = current_app.response_class(item.csv, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{current_region().slug}-datensatz-{item.id}.csv"'
    return response


def _jsonld(body):
    return current_app.response_class(json.dumps(body, ensure_ascii=False, indent=2),
                                      mimetype="application/ld+json")


@bp.route("/offene-daten/<int:dataset_id>.jsonld")
def dataset_metadata(dataset_id):
    item = _dataset(dataset_id)
    return _jsonld({"@context": CONTEXT, **dcat_record(item, current_region(), *_urls(item))})


@bp.route("/offene-daten/katalog.jsonld")
def catalog():
    """All data sets of the region as one DCAT catalogue, for the state's portal to harvest."""
    region = current_region()
    items = db.session.scalars(select(Dataset).where(Dataset.region_id == region.id).order_by(Dataset.id)).all()
    catalog_url = url_for(".catalog", _external=True)
    return _jsonld({
        "@context": CONTEXT, "@id": catalog_url, "@type": "dcat:Catalog",
        "dct:title": f"Offene Daten aus der Bürgerbeteiligung – {region.name}",
        "dct:description": "Ergebnisse beendeter Umfragen und Problemsammlungen der Beteiligungsplattform.",
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": f"Stadt {region.name}"},
        "dcat:homepage": {"@id": url_for(".datasets", _external=True)},
        "dcat:dataset": [dcat_record(item, region, *_urls(item)) for item in items],
    })
