"""Closed polls as open data: the results CSV and a DCAT-AP.de metadata record (JSON-LD)."""

from datetime import UTC, datetime

from sqlalchemy import select

from beteiligung.plugin_api import csv_text, db, poll_results, results_csv_rows

from .models import Dataset

LICENSE = "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
LICENSE_TEXT = "Datenlizenz Deutschland – Namensnennung – Version 2.0"
THEME = "http://publications.europa.eu/resource/authority/data-theme/GOVE"
CSV_FORMAT = "http://publications.europa.eu/resource/authority/file-type/CSV"
GEOCODING_LEVEL = "http://dcat-ap.de/def/politicalGeocoding/Level/municipality"
# Amtlicher Regionalschlüssel of the city of Gelsenkirchen (other regions: no geocoding entry).
REGIONAL_KEYS = {"gelsenkirchen": "055130000000"}


def _utcnow():
    return datetime.now(UTC).replace(tzinfo=None)


def publish_results(poll, region):
    """Store the public results of a closed poll as a data set (once per poll).

    Polls whose results only moderators may see are not published, nor polls in which nobody took
    part (no ballot; in a problem-definition poll: nobody compared): their "results" would be empty
    or the seed order of the problems. The small-group rule of the results applies: withheld
    breakdowns are not in the data set either.
    """
    if poll.results_visibility == "moderators":
        return None
    if db.session.scalar(select(Dataset.id).where(Dataset.poll_id == poll.id)) is not None:
        return None
    data = poll_results(poll, moderator=False)
    if not data["total_ballots"]:
        return None
    rows = results_csv_rows(poll, data)
    kind = "Problemsammlung" if poll.kind == "problem_definition" else "Umfrage"
    count = (f"{data.get('total_comparisons', 0)} Paarvergleiche" if poll.kind == "problem_definition"
             else f"{data['total_ballots']} Teilnahmen")
    description = (f"Ergebnisse der {kind} „{poll.title}“ der Beteiligungsplattform ({region.name}), {count}. "
                   f"Aufschlüsselungen mit weniger als {data['min_group_size']} Antworten sind zum Schutz der "
                   "Teilnehmenden nicht enthalten.")
    if poll.description:
        description += "\n\n" + poll.description
    dataset = Dataset(region_id=region.id, poll_id=poll.id, title=f"Ergebnisse: {poll.title}"[:300],
                      description=description, keywords=["Bürgerbeteiligung", kind, region.name],
                      csv=csv_text(rows), rows=max(len(rows) - 1, 0), starts_at=poll.opened_at or poll.opens_at,
                      ends_at=poll.closed_at or poll.closes_at, issued_at=_utcnow())
    db.session.add(dataset)
    db.session.flush()
    return dataset


def _iso(value):
    return None if value is None else value.replace(microsecond=0).isoformat() + "Z"


def dcat_record(dataset, region, page_url, csv_url, catalog_url):
    """The data set as a DCAT-AP.de record in JSON-LD, ready for the state's open-data portal."""
    publisher = {"@type": "foaf:Organization", "foaf:name": f"Stadt {region.name}"}
    record = {
        "@id": page_url,
        "@type": "dcat:Dataset",
        "dct:identifier": page_url,
        "dct:title": dataset.title,
        "dct:description": dataset.description,
        "dct:issued": {"@value": _iso(dataset.issued_at), "@type": "xsd:dateTime"},
        "dct:modified": {"@value": _iso(dataset.issued_at), "@type": "xsd:dateTime"},
        "dct:publisher": publisher,
        "dcatde:maintainer": publisher,
        "dcat:contactPoint": {"@type": "vcard:Organization", "vcard:fn": f"Beteiligung {region.name}"},
        "dcat:keyword": dataset.keywords,
        "dcat:theme": {"@id": THEME},
        "dct:accessRights": {"@id": "http://publications.europa.eu/resource/authority/access-right/PUBLIC"},
        "dcat:landingPage": {"@id": page_url},
        "dct:isPartOf": {"@id": catalog_url},
        "dcat:distribution": [{
            "@type": "dcat:Distribution",
            "dct:title": f"{dataset.title} (CSV)",
            "dcat:accessURL": {"@id": csv_url},
            "dcat:downloadURL": {"@id": csv_url},
            "dct:format": {"@id": CSV_FORMAT},
            "dcat:mediaType": "text/csv",
            "dct:license": {"@id": LICENSE},
            "dcatde:licenseAttributionByText": f"Stadt {region.name}, Beteiligungsplattform",
            "dcat:byteSize": {"@value": len(dataset.csv.encode()), "@type": "xsd:decimal"},
        }],
        "dct:license": {"@id": LICENSE},
        "dcatde:licenseAttributionByText": f"Stadt {region.name}, Beteiligungsplattform",
    }
    if dataset.starts_at or dataset.ends_at:
        record["dct:temporal"] = {"@type": "dct:PeriodOfTime",
                                  "dcat:startDate": _iso(dataset.starts_at), "dcat:endDate": _iso(dataset.ends_at)}
    key = REGIONAL_KEYS.get(region.slug)
    if key:
        record["dcatde:politicalGeocodingLevelURI"] = {"@id": GEOCODING_LEVEL}
        record["dcatde:politicalGeocodingURI"] = {"@id": f"http://dcat-ap.de/def/politicalGeocoding/regionalKey/{key}"}
    return record


CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dcatde": "http://dcat-ap.de/def/dcatde/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
