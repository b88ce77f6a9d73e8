"""Pages of the plugin under /gelsenkirchen/<region>/: the dashboard and the open data sets."""

import csv
import io
import json

from flask import Blueprint, abort, current_app, render_template, url_for
from sqlalchemy import select

from beteiligung.plugin_api import current_region, db, month_label, monthly_activity, participation

from .models import Dataset
from .opendata import CONTEXT, dcat_record

bp = Blueprint("gelsenkirchen", __name__)

MONTHS = 12


@bp.route("/")
def dashboard():
    """The core's participation figures of the region (plugin_api.participation and monthly_activity)."""
    region = current_region()
    totals = participation(region)
    series = [(month_label(key), comments, ballots) for key, comments, ballots in monthly_activity(region, MONTHS)]
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
