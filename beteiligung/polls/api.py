"""Poll endpoints of /api/v1 (DESIGN.md): polls, ballots, results, problems, pairs and comparisons."""

from flask import current_app, jsonify, request
from flask_babel import gettext as _

from ..api import api_user, bp, load, load_changes, page_args, paged, require_api_user
from ..consultations.schemas import dates_to_utc
from ..errors import Invalid, Unauthorized
from ..extensions import db, limiter
from ..pagination import paginate
from ..policy import can_moderate
from ..regions.services import get_region_by_slug
from . import services
from .models import PollStatus, ProblemStatus
from .schemas import (
    AccessCodesSchema,
    BallotSchema,
    ComparisonSchema,
    PollCreateSchema,
    PollPatchSchema,
    ProblemPatchSchema,
    ProblemSchema,
    poll_to_json,
    problem_to_json,
)

FILTER_STATUSES = tuple(PollStatus)


def _address_key():
    return request.remote_addr or "anonymous"


def _code_limit():
    return current_app.config["ACCESS_CODE_RATE_LIMIT"]


def _not_a_code_request():
    return request.headers.get("Authorization", "").partition(" ")[0].lower() != "accesscode"


# Guessing codes: every guessed code has its own write bucket (beteiligung.api.write_key), so requests with
# codes are also limited per client address (generous: a whole workshop may share one address).
# override_defaults=False: the API's one write limit (beteiligung.api) applies to these routes as well.
code_limit = limiter.limit(_code_limit, key_func=_address_key, exempt_when=_not_a_code_request,
                           override_defaults=False)


def participant():
    """Who takes part: ``Authorization: AccessCode <code>`` (workshop) or a bearer token (account)."""
    scheme, _sep, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "accesscode":
        if not value.strip():
            raise Unauthorized(_("Bitte geben Sie den Zugangscode an (Authorization: AccessCode …)."))
        return services.Participant(code=services.code_for(value))
    return services.Participant(user=require_api_user())


def _region_arg(required=False):
    slug = request.args.get("region")
    if not slug:
        return None
    region = get_region_by_slug(slug)
    if region is None:
        raise Invalid(_("Unbekannte Region."), {"region": [_("Unbekannte Region.")]})
    return region


@bp.route("/polls")
def list_polls():
    region = _region_arg()
    status = request.args.get("status") or None
    if status is not None and status not in FILTER_STATUSES:
        raise Invalid(_("Unbekannter Status."),
                      {"status": [_("Erlaubt: %(values)s", values=", ".join(FILTER_STATUSES))]})
    page = paginate(services.poll_query(api_user(), region, status), *page_args())
    return paged(page, [poll_to_json(poll, with_questions=False) for poll in page.items])


@bp.route("/polls", methods=["POST"])
def create_poll():
    user = require_api_user()
    data = dates_to_utc(load(PollCreateSchema()))
    region = get_region_by_slug(data.pop("region"))
    if region is None:
        raise Invalid(_("Unbekannte Region."), {"region": [_("Unbekannte Region.")]})
    if not data.get("template") and not data.get("title"):
        raise Invalid(_("Bitte geben Sie einen Titel oder eine Vorlage an."), {"title": [_("Pflichtangabe fehlt.")]})
    poll = services.create_poll(user, region, data)
    db.session.commit()
    return jsonify(poll_to_json(poll)), 201


@bp.route("/polls/<int:poll_id>")
def get_poll(poll_id):
    return jsonify(poll_to_json(services.get_poll(api_user(), poll_id)))


@bp.route("/polls/<int:poll_id>", methods=["PATCH"])
def update_poll(poll_id):
    user = require_api_user()
    poll = services.get_poll(user, poll_id)
    data = dates_to_utc(load_changes(PollPatchSchema()))
    services.update_poll(user, poll, data)
    db.session.commit()
    return jsonify(poll_to_json(poll))


@bp.route("/polls/<int:poll_id>", methods=["DELETE"])
def delete_poll(poll_id):
    user = require_api_user()
    services.delete_poll(user, services.get_poll(user, poll_id))
    db.session.commit()
    return "", 204


@bp.route("/polls/<int:poll_id>/open", methods=["POST"])
def open_poll(poll_id):
    user = require_api_user()
    poll = services.open_poll(user, services.get_poll(user, poll_id))
    db.session.commit()
    return jsonify(poll_to_json(poll))


@bp.route("/polls/<int:poll_id>/close", methods=["POST"])
def close_poll(poll_id):
    user = require_api_user()
    poll = services.close_poll(user, services.get_poll(user, poll_id))
    db.session.commit()
    return jsonify(poll_to_json(poll))


@bp.route("/polls/<int:poll_id>/access-codes", methods=["POST"])
def create_access_codes(poll_id):
    user = require_api_user()
    poll = services.get_poll(user, poll_id)
    data = load(AccessCodesSchema())
    codes = services.generate_codes(user, poll, data["count"])
    db.session.commit()
    return jsonify({"codes": [services.format_code(code.code) for code in codes]}), 201


@bp.route("/polls/<int:poll_id>/ballots", methods=["POST"])
@code_limit
def submit_ballot(poll_id):
    who = participant()
    poll = services.get_poll(who.user, poll_id, with_questions=True)
    data = load(BallotSchema())
    answers = {}
    for index, answer in enumerate(data["answers"]):
        if answer["question_id"] in answers:
            raise Invalid(_("Jede Frage kann nur einmal beantwortet werden."),
                          {f"answers.{index}": [_("Frage doppelt.")]})
        answers[answer["question_id"]] = answer["value"]
    ballot = services.submit_ballot(who, poll, answers)
    body = {"id": ballot.id, "poll_id": poll.id, "message": _("Vielen Dank für Ihre Teilnahme!")}
    db.session.commit()  # (the answer is read before: after the commit, reading it would reload the rows)
    return jsonify(body), 201


def _results(poll_id):
    user = api_user()
    poll = services.get_poll(user, poll_id)
    services.require_results_visible(user, poll)
    return poll, services.results(poll, moderator=can_moderate(user, poll.region))


@bp.route("/polls/<int:poll_id>/results")
def results(poll_id):
    return jsonify(_results(poll_id)[1])


def csv_response(rows, filename):
    response = current_app.response_class(services.csv_text(rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/polls/<int:poll_id>/results.csv")
def results_csv(poll_id):
    poll, data = _results(poll_id)
    return csv_response(services.csv_rows(poll, data), f"umfrage-{poll.id}-ergebnisse.csv")


@bp.route("/polls/<int:poll_id>/problems")
def list_problems(poll_id):
    user = api_user()
    poll = services.get_poll(user, poll_id)
    status = request.args.get("status") or None
    if status is not None and status not in tuple(ProblemStatus):
        raise Invalid(_("Unbekannter Status."), {"status": [_("Erlaubt: pending, approved, rejected, merged")]})
    page = paginate(services.problems_of(user, poll, status), *page_args())
    return paged(page, [problem_to_json(problem) for problem in page.items])


@bp.route("/polls/<int:poll_id>/problems", methods=["POST"])
@code_limit
def submit_problem(poll_id):
    who = participant()
    poll = services.get_poll(who.user, poll_id)
    data = load(ProblemSchema())
    problem = services.submit_problem(who, poll, data["text"])
    db.session.commit()
    return jsonify(problem_to_json(problem)), 201


@bp.route("/problems/<int:problem_id>", methods=["PATCH"])
def moderate_problem(problem_id):
    user = require_api_user()
    problem = services.get_problem(problem_id)
    data = load(ProblemPatchSchema())
    services.moderate_problem(user, problem, data["status"], data["reason"], data["merged_into"])
    db.session.commit()
    return jsonify(problem_to_json(problem))


@bp.route("/polls/<int:poll_id>/pair")
@code_limit
def next_pair(poll_id):
    who = participant()
    poll = services.get_poll(who.user, poll_id)
    pair = services.next_pair(who, poll)
    if pair is None:
        return "", 204
    return jsonify({"problems": [{"id": problem.id, "text": problem.text} for problem in pair]})


@bp.route("/polls/<int:poll_id>/comparisons", methods=["POST"])
@code_limit
def compare(poll_id):
    who = participant()
    poll = services.get_poll(who.user, poll_id)
    data = load(ComparisonSchema())
    comparison = services.compare(who, poll, data["winner_id"], data["loser_id"], data["undecided"])
    db.session.commit()
    return jsonify({"id": comparison.id, "winner_id": comparison.winner_id,
                    "problems": [comparison.first_id, comparison.second_id]}), 201
