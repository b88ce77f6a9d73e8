"""Poll results as pages and downloads (CSV, JSON), for whoever the poll's visibility allows.

The routes belong to the blueprint of ``views``; that module imports this one to register them.
"""

import json

from flask import current_app, render_template
from flask_login import current_user

from ..policy import can_moderate
from . import services
from .api import csv_response
from .views import bp


def _visible_results(poll_id):
    poll = services.get_poll(current_user, poll_id)
    services.require_results_visible(current_user, poll)
    moderator = can_moderate(current_user, poll.region)
    return poll, services.results(poll, moderator=moderator), moderator


@bp.route("/<int:poll_id>/ergebnisse")
def results(poll_id):
    poll, data, moderator = _visible_results(poll_id)
    questions = {question.id: question for question in poll.questions}
    return render_template("polls/results.html", poll=poll, data=data, moderator=moderator, questions=questions,
                           types=services.question_types())


@bp.route("/<int:poll_id>/ergebnisse.csv")
def results_csv(poll_id):
    poll, data, _moderator = _visible_results(poll_id)
    return csv_response(services.csv_rows(poll, data), f"umfrage-{poll.id}-ergebnisse.csv")


@bp.route("/<int:poll_id>/ergebnisse.json")
def results_json(poll_id):
    _poll, data, _moderator = _visible_results(poll_id)
    response = current_app.response_class(json.dumps(data, ensure_ascii=False, indent=2),
                                          mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="umfrage-{poll_id}-ergebnisse.json"'
    return response
