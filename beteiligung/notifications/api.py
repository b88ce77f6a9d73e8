"""JSON API: follow and unfollow a consultation, a poll, a region or a process (``POST``/``DELETE …/follow``)."""

from flask import jsonify

from ..api import bp, require_api_user
from ..errors import NotFound
from ..extensions import db
from . import services


def _follow_json(target_type, target_id, following):
    return {"target_type": target_type, "target_id": target_id, "following": following}


def _region_id(slug):
    from ..regions.services import get_region_by_slug

    region = get_region_by_slug(slug)
    if region is None:
        raise NotFound(services.unknown_region_message())
    return region.id


def _follow(target_type, target_id):
    user = require_api_user()
    target = services.resolve_target(user, target_type, target_id)
    existed = services.is_following(user, target_type, target.id)
    services.follow(user, target_type, target)
    db.session.commit()
    return jsonify(_follow_json(target_type, target.id, True)), 200 if existed else 201


def _unfollow(target_type, target_id):
    user = require_api_user()
    services.unfollow(user, target_type, target_id)
    db.session.commit()
    return "", 204


@bp.route("/consultations/<int:consultation_id>/follow", methods=["POST"])
def follow_consultation(consultation_id):
    return _follow("consultation", consultation_id)


@bp.route("/consultations/<int:consultation_id>/follow", methods=["DELETE"])
def unfollow_consultation(consultation_id):
    return _unfollow("consultation", consultation_id)


@bp.route("/polls/<int:poll_id>/follow", methods=["POST"])
def follow_poll(poll_id):
    return _follow("poll", poll_id)


@bp.route("/polls/<int:poll_id>/follow", methods=["DELETE"])
def unfollow_poll(poll_id):
    return _unfollow("poll", poll_id)


@bp.route("/regions/<slug>/follow", methods=["POST"])
def follow_region(slug):
    require_api_user()  # 401 before 404: an unknown token learns nothing about regions
    return _follow("region", _region_id(slug))


@bp.route("/regions/<slug>/follow", methods=["DELETE"])
def unfollow_region(slug):
    require_api_user()  # 401 before 404: an unknown token learns nothing about regions
    return _unfollow("region", _region_id(slug))


@bp.route("/processes/<int:process_id>/follow", methods=["POST"])
def follow_process(process_id):
    return _follow("process", process_id)


@bp.route("/processes/<int:process_id>/follow", methods=["DELETE"])
def unfollow_process(process_id):
    return _unfollow("process", process_id)
