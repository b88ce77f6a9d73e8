"""Proposal collections and proposals: the rules, for pages and the API alike.

Services check who may act (policy), validate, write, flush and record an audit entry; the caller
commits. A support is a row with a unique (proposal, user); the proposal's row is locked while its
supports change and ``support_count`` is recounted in the same transaction, so the count is always
the number of rows, also under concurrent requests.
"""

from flask_babel import gettext as _
from sqlalchemy import BigInteger, and_, cast, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from ..audit.services import record
from ..consultations.models import ConsultationStatus
from ..errors import Conflict, Invalid, NotAllowed, NotFound
from ..extensions import db
from ..markup import clean_text, render_markdown
from ..notifications import services as notifications
from ..pagination import paginate
from ..policy import (
    can_moderate,
    is_authenticated,
    require_confirmed,
    require_login,
    require_moderator,
    visible_where,
)
from ..processes import images
from ..timeutil import utcnow
from .labels import STATUS_LABELS
from .models import (
    ANSWER_MAX,
    BODY_MAX,
    BODY_MIN,
    CATEGORIES_MAX,
    CATEGORY_MAX,
    DESCRIPTION_MAX,
    IMAGE_ALT_MAX,
    PLACE_MAX,
    REASON_MAX,
    REASON_MIN,
    TITLE_MAX,
    TITLE_MIN,
    Proposal,
    ProposalCollection,
    ProposalState,
    ProposalStatus,
    ProposalSupport,
)

SORTS = ("newest", "supported", "commented", "random")
#: statuses that need the moderation's answer
ANSWER_REQUIRED = (ProposalStatus.REJECTED,)
RANDOM_MODULUS = 2147483647  # the prime 2**31 - 1: every product below stays under 2**62 (64-bit integers)
RANDOM_FACTOR = 2654435761
SEED_LIMIT = 2**20  # seeds are taken modulo this


def _check():
    return _("Bitte prüfen Sie die markierten Angaben.")


# --- collections ----------------------------------------------------------------------------------

def _clean_categories(categories):
    if isinstance(categories, str):
        categories = categories.split("\n")
    seen = []
    for item in categories or ():
        item = " ".join(clean_text(item).split())
        if item and item not in seen:
            seen.append(item)
    return seen


def _validate_collection(title, description, categories, opens_at, closes_at):
    errors = {}
    title = clean_text(title).strip()
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        errors["title"] = [_("Der Titel muss %(min)d bis %(max)d Zeichen lang sein.", min=TITLE_MIN, max=TITLE_MAX)]
    description = clean_text(description)
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = [_("Höchstens %(n)d Zeichen.", n=DESCRIPTION_MAX)]
    categories = _clean_categories(categories)
    if len(categories) > CATEGORIES_MAX or any(len(item) > CATEGORY_MAX for item in categories):
        errors["categories"] = [_("Höchstens %(count)d Kategorien mit je höchstens %(n)d Zeichen.",
                                  count=CATEGORIES_MAX, n=CATEGORY_MAX)]
    if opens_at and closes_at and closes_at <= opens_at:
        errors["closes_at"] = [_("Das Ende muss nach dem Beginn liegen.")]
    if errors:
        raise Invalid(_check(), errors)
    return title, description, categories


def create_collection(actor, region, title, description="", categories=(), premoderated=False, published=False,
                      opens_at=None, closes_at=None):
    require_moderator(actor, region)
    title, description, categories = _validate_collection(title, description, categories, opens_at, closes_at)
    collection = ProposalCollection(region=region, title=title, description=description,
                                    description_html=render_markdown(description),
                                    categories_text="\n".join(categories), premoderated=bool(premoderated),
                                    published=bool(published), opens_at=opens_at, closes_at=closes_at,
                                    created_by_id=actor.id)
    db.session.add(collection)
    db.session.flush()
    record(actor, "proposal_collection.created", collection, region, title=title)
    return collection


def update_collection(actor, collection, **changes):
    """Change title, description, categories, pre-moderation, dates or the published flag."""
    require_moderator(actor, collection.region)
    merged = {key: changes.get(key, getattr(collection, key))
              for key in ("title", "description", "categories", "opens_at", "closes_at")}
    title, description, categories = _validate_collection(**merged)
    collection.title, collection.description = title, description
    collection.description_html = render_markdown(description)
    collection.categories_text = "\n".join(categories)
    collection.opens_at, collection.closes_at = merged["opens_at"], merged["closes_at"]
    for key in ("premoderated", "published"):
        if key in changes:
            setattr(collection, key, bool(changes[key]))
    db.session.flush()
    record(actor, "proposal_collection.updated", collection, collection.region, fields=sorted(changes))
    return collection


def get_collection(viewer, collection_id):
    """A collection the viewer may see; drafts only for moderators of its region."""
    collection = db.session.get(ProposalCollection, collection_id) if isinstance(collection_id, int) else None
    if collection is None or (not collection.published and not can_moderate(viewer, collection.region)):
        raise NotFound(_("Diese Vorschlagssammlung gibt es nicht oder sie ist nicht veröffentlicht."))
    return collection


def collection_query(viewer=None, region=None):
    """Collections the viewer may see, newest first: published ones, and drafts of regions they moderate."""
    query = select(ProposalCollection)
    if region is not None:
        query = query.where(ProposalCollection.region_id == region.id)
    query = query.where(visible_where(viewer, ProposalCollection.published.is_(True), ProposalCollection.region_id))
    return query.order_by(ProposalCollection.created_at.desc(), ProposalCollection.id.desc())


# --- proposals ------------------------------------------------------------------------------------

def may_see(viewer, proposal):
    """Published proposals of a visible collection: everyone; pending ones: their author and the moderation;
    hidden and merged ones: the moderation only."""
    if can_moderate(viewer, proposal.collection.region):
        return True
    if not proposal.collection.published:
        return False
    if proposal.state == ProposalState.PUBLISHED:
        return True
    return (proposal.state == ProposalState.PENDING and is_authenticated(viewer)
            and proposal.author_id == viewer.id)


def get_proposal(viewer, proposal_id):
    proposal = db.session.get(Proposal, proposal_id) if isinstance(proposal_id, int) else None
    if proposal is None or not may_see(viewer, proposal):
        raise NotFound(_("Diesen Vorschlag gibt es nicht oder er ist nicht öffentlich."))
    return proposal


def _validate_proposal(collection, title, body, category, place, image=None):
    """The cleaned values, and the checked image ``((bytes, extension, width, height), alt)`` or None; Invalid
    with every field's problem at once."""
    errors = {}
    checked = None
    if image is not None:
        try:
            checked = images.checked(image[0], image[1], IMAGE_ALT_MAX, images.max_bytes("proposals"),
                                     images.max_pixels("proposals"), alt_field="image_alt")
        except Invalid as error:
            errors.update(error.fields)
    title = " ".join(clean_text(title).split())
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        errors["title"] = [_("Der Titel muss %(min)d bis %(max)d Zeichen lang sein.", min=TITLE_MIN, max=TITLE_MAX)]
    body = clean_text(body).strip()
    if not BODY_MIN <= len(body) <= BODY_MAX:
        errors["body"] = [_("Der Text muss %(min)d bis %(max)d Zeichen lang sein.", min=BODY_MIN, max=BODY_MAX)]
    category = " ".join(clean_text(category).split()) or None
    if category is not None and category not in collection.categories:
        errors["category"] = [_("Bitte wählen Sie eine der Kategorien der Sammlung.")]
    place = " ".join(clean_text(place).split()) or None
    if place is not None and len(place) > PLACE_MAX:
        errors["place"] = [_("Höchstens %(n)d Zeichen.", n=PLACE_MAX)]
    if errors:
        raise Invalid(_check(), errors)
    return title, body, category, place, checked


def submit_proposal(user, collection, title, body, category=None, place=None, image=None):
    """A confirmed account submits a proposal to an open collection; pre-moderated: it waits for release.

    ``image``: ``(bytes of the upload, alt text)`` or None. The image is checked with the other fields,
    re-encoded and stored under ``instance/uploads/proposals/``; a refused image stores nothing."""
    require_login(user)
    require_confirmed(user, collection.region, "proposal")
    if collection.status != ConsultationStatus.OPEN:
        raise Conflict(_("Diese Vorschlagssammlung nimmt gerade keine Vorschläge an."))
    title, body, category, place, checked = _validate_proposal(collection, title, body, category, place, image)
    state = ProposalState.PENDING if collection.premoderated else ProposalState.PUBLISHED
    proposal = Proposal(collection_id=collection.id, author_id=user.id, title=title, body=body,
                        body_html=render_markdown(body), category=category, place=place, state=state.value,
                        status=ProposalStatus.SUBMITTED.value)
    db.session.add(proposal)
    db.session.flush()
    if checked is not None:
        (encoded, extension, width, height), alt = checked
        proposal.image = images.write(images.uploads_folder("proposals"), proposal.id, encoded, extension,
                                      prefix="vorschlag")
        proposal.image_alt, proposal.image_width, proposal.image_height = alt, width, height
        db.session.flush()
    if state == ProposalState.PENDING:
        notifications.emit("proposal_submitted", notifications.moderators_of(collection.region),
                           {"title": collection.title}, notifications.link("proposals.moderate",
                                                                            collection_id=collection.id),
                           proposal.id, actor=user)
    return proposal


# --- supports -------------------------------------------------------------------------------------

def _lock(*proposals):
    """Lock the proposals' rows (PostgreSQL; SQLite serialises writers anyway), in id order, and reload them."""
    ids = sorted(p.id for p in proposals)
    db.session.scalars(select(Proposal).where(Proposal.id.in_(ids)).order_by(Proposal.id)
                       .with_for_update(of=Proposal).execution_options(populate_existing=True)).all()


def _recount(*proposals):
    for proposal in proposals:
        proposal.support_count = db.session.scalar(
            select(func.count(ProposalSupport.id)).where(ProposalSupport.proposal_id == proposal.id))
    db.session.flush()


def _own_support(user, proposal):
    return db.session.scalar(select(ProposalSupport).where(ProposalSupport.proposal_id == proposal.id,
                                                           ProposalSupport.user_id == user.id))


def _check_supportable(user, proposal):
    require_login(user)
    if not may_see(user, proposal):
        raise NotFound(_("Diesen Vorschlag gibt es nicht oder er ist nicht öffentlich."))
    require_confirmed(user, proposal.collection.region, "support")
    if proposal.state != ProposalState.PUBLISHED:
        raise Conflict(_("Diesen Vorschlag kann man nicht unterstützen."))
    if proposal.collection.status != ConsultationStatus.OPEN:
        raise Conflict(_("Diese Vorschlagssammlung ist nicht geöffnet."))


def support(user, proposal):
    """Support a proposal once; a second support is refused (409)."""
    _check_supportable(user, proposal)
    _lock(proposal)
    if proposal.state != ProposalState.PUBLISHED:  # merged or hidden while we waited for the lock
        raise Conflict(_("Diesen Vorschlag kann man nicht unterstützen."))
    if _own_support(user, proposal) is not None:
        raise Conflict(_("Sie unterstützen diesen Vorschlag bereits."))
    try:
        db.session.add(ProposalSupport(proposal_id=proposal.id, user_id=user.id))
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("Sie unterstützen diesen Vorschlag bereits.")) from None
    _recount(proposal)
    return proposal


def withdraw(user, proposal):
    """Withdraw one's support; without a support: 409."""
    _check_supportable(user, proposal)
    _lock(proposal)
    own = _own_support(user, proposal)
    if own is None:
        raise Conflict(_("Sie unterstützen diesen Vorschlag nicht."))
    db.session.delete(own)
    db.session.flush()
    _recount(proposal)
    return proposal


def supported_ids(user, proposal_ids):
    """The ids among these that the user supports (one query)."""
    if not is_authenticated(user) or not proposal_ids:
        return set()
    return set(db.session.scalars(select(ProposalSupport.proposal_id).where(
        ProposalSupport.user_id == user.id, ProposalSupport.proposal_id.in_(list(proposal_ids)))))


def supporter_ids(proposal):
    return list(db.session.scalars(select(ProposalSupport.user_id).where(ProposalSupport.proposal_id == proposal.id)))


def forget_supports_of(user):
    """An account is deleted: its supports go and the counts of what it supported are recounted."""
    ids = list(db.session.scalars(select(ProposalSupport.proposal_id).where(ProposalSupport.user_id == user.id)))
    if not ids:
        return 0
    db.session.execute(delete(ProposalSupport).where(ProposalSupport.user_id == user.id))
    count = (select(func.count(ProposalSupport.id)).where(ProposalSupport.proposal_id == Proposal.id)
             .scalar_subquery())
    db.session.execute(update(Proposal).where(Proposal.id.in_(ids)).values(support_count=count),
                       execution_options={"synchronize_session": False})
    db.session.flush()
    return len(ids)


def erase_texts_of(user):
    """"Delete my texts too": the author's proposals keep their place, supports and answer, not their text.
    Hidden ones keep it as evidence of what the moderation hid."""
    proposals = list(db.session.scalars(select(Proposal).where(Proposal.author_id == user.id,
                                                               Proposal.state != ProposalState.HIDDEN)))
    for proposal in proposals:
        proposal.title = _("Gelöschter Vorschlag")
        proposal.body = proposal.body_html = ""
        proposal.place = None
    db.session.flush()
    return len(proposals)


# --- moderation -----------------------------------------------------------------------------------

def _moderated(actor, proposal):
    require_moderator(actor, proposal.collection.region)


def _reason(reason, field="reason"):
    reason = clean_text(reason).strip()
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise Invalid(_check(), {field: [_("Bitte geben Sie eine Begründung mit %(min)d bis %(max)d Zeichen an.",
                                           min=REASON_MIN, max=REASON_MAX)]})
    return reason


def _url(proposal):
    return notifications.link("proposals.show", proposal_id=proposal.id)


def publish_proposal(actor, proposal):
    """Release a pending proposal (pre-moderation) or show a hidden one again."""
    _moderated(actor, proposal)
    if proposal.state not in (ProposalState.PENDING, ProposalState.HIDDEN):
        raise Conflict(_("Dieser Vorschlag ist bereits veröffentlicht oder zusammengeführt."))
    was = proposal.state
    proposal.state = ProposalState.PUBLISHED.value
    proposal.hidden_reason = None
    db.session.flush()
    entry = record(actor, "proposal.published" if was == ProposalState.PENDING else "proposal.restored", proposal,
                   proposal.collection.region, title=proposal.title)
    db.session.flush()
    if was == ProposalState.PENDING and proposal.author_id is not None:
        notifications.emit("proposal_published", [proposal.author_id], {"title": proposal.title}, _url(proposal),
                           entry.id, actor=actor)
    return proposal


def hide_proposal(actor, proposal, reason):
    """Hide a proposal with a reason: it leaves every list, count and API answer for the public."""
    _moderated(actor, proposal)
    reason = _reason(reason)
    if proposal.state in (ProposalState.HIDDEN, ProposalState.MERGED):
        raise Conflict(_("Dieser Vorschlag ist bereits ausgeblendet oder zusammengeführt."))
    proposal.state = ProposalState.HIDDEN.value
    proposal.hidden_reason = reason
    db.session.flush()
    entry = record(actor, "proposal.hidden", proposal, proposal.collection.region, title=proposal.title,
                   reason=reason)
    db.session.flush()
    if proposal.author_id is not None:
        notifications.emit("proposal_hidden", [proposal.author_id], {"title": proposal.title, "reason": reason},
                           notifications.link("proposals.collection", collection_id=proposal.collection_id),
                           entry.id, actor=actor)
    return proposal


def merge_proposal(actor, duplicate, target):
    """Merge a duplicate into another proposal of the same collection: its supports carry over, an account
    that supported both counts once; the duplicate leaves the lists."""
    _moderated(actor, duplicate)
    if not isinstance(target, Proposal) or target.collection_id != duplicate.collection_id \
            or target.id == duplicate.id:
        raise Invalid(_check(), {"target_id": [_("Bitte wählen Sie einen anderen Vorschlag derselben Sammlung.")]})
    _lock(duplicate, target)
    if duplicate.state == ProposalState.MERGED:
        raise Conflict(_("Dieser Vorschlag ist bereits zusammengeführt."))
    if target.state != ProposalState.PUBLISHED:
        raise Invalid(_check(), {"target_id": [_("Zusammenführen geht nur mit einem veröffentlichten Vorschlag.")]})
    both = select(ProposalSupport.user_id).where(ProposalSupport.proposal_id == target.id)
    db.session.execute(update(ProposalSupport).where(ProposalSupport.proposal_id == duplicate.id,
                                                     ProposalSupport.user_id.not_in(both))
                       .values(proposal_id=target.id), execution_options={"synchronize_session": False})
    db.session.execute(delete(ProposalSupport).where(ProposalSupport.proposal_id == duplicate.id))
    duplicate.state = ProposalState.MERGED.value
    duplicate.merged_into_id = target.id
    _recount(duplicate, target)
    entry = record(actor, "proposal.merged", duplicate, duplicate.collection.region, title=duplicate.title,
                   merged_into=target.title)
    db.session.flush()
    if duplicate.author_id is not None:
        notifications.emit("proposal_merged", [duplicate.author_id],
                           {"title": duplicate.title, "merged_into": target.title}, _url(target), entry.id,
                           actor=actor)
    return target


def remove_image(actor, proposal):
    """The moderation takes a proposal's image away (the text stays); returns the file's name, for the caller to
    remove after the commit, or None when there was none."""
    _moderated(actor, proposal)
    previous = proposal.image
    if previous is not None:
        proposal.image = proposal.image_alt = None
        proposal.image_width = proposal.image_height = None
        db.session.flush()
        record(actor, "proposal.image_removed", proposal, proposal.collection.region, title=proposal.title)
    return previous


def status_label(status):
    return str(STATUS_LABELS.get(status, status))


def set_status(actor, proposal, status, answer=""):
    """The official answer with a status; "abgelehnt" needs a reason. Author and supporters are notified."""
    _moderated(actor, proposal)
    if status not in {member.value for member in ProposalStatus}:
        raise Invalid(_check(), {"status": [_("Unbekannter Status.")]})
    answer = clean_text(answer).strip()
    if len(answer) > ANSWER_MAX:
        raise Invalid(_check(), {"answer": [_("Höchstens %(n)d Zeichen.", n=ANSWER_MAX)]})
    if status in ANSWER_REQUIRED and len(answer) < REASON_MIN:
        raise Invalid(_check(), {"answer": [_("Eine Ablehnung braucht eine Begründung.")]})
    if proposal.state in (ProposalState.HIDDEN, ProposalState.MERGED):
        raise Conflict(_("Ein ausgeblendeter oder zusammengeführter Vorschlag bekommt keinen Status."))
    previous = proposal.status
    proposal.status = status
    proposal.answer, proposal.answer_html = answer, render_markdown(answer)
    proposal.answered_at = utcnow()
    db.session.flush()
    entry = record(actor, "proposal.status", proposal, proposal.collection.region, title=proposal.title,
                   status=status, previous=previous)
    db.session.flush()
    recipients = set(supporter_ids(proposal))
    if proposal.author_id is not None:
        recipients.add(proposal.author_id)
    if proposal.state == ProposalState.PUBLISHED and recipients:
        notifications.emit("proposal_status", sorted(recipients),
                           {"title": proposal.title, "status": status_label(status)}, _url(proposal), entry.id,
                           actor=actor)
    return proposal


# --- lists ----------------------------------------------------------------------------------------

def proposal_query(viewer, collection=None, sort="newest", category=None, status=None, state=None, seed=0,
                   region=None):
    """Proposals the viewer may see in lists: published ones of visible collections; with ``state`` (the
    moderation's view of one collection) the given state, for its moderators only."""
    query = select(Proposal).join(ProposalCollection, ProposalCollection.id == Proposal.collection_id)
    if collection is not None:
        query = query.where(Proposal.collection_id == collection.id)
    if region is not None:
        query = query.where(ProposalCollection.region_id == region.id)
    if state is not None and collection is not None and can_moderate(viewer, collection.region):
        query = query.where(Proposal.state == state)
    else:
        query = query.where(Proposal.state == ProposalState.PUBLISHED.value)
        if collection is None or not can_moderate(viewer, collection.region):
            query = query.where(ProposalCollection.published.is_(True))
    if category:
        query = query.where(Proposal.category == category)
    if status:
        query = query.where(Proposal.status == status)
    if sort == "supported":
        return query.order_by(Proposal.support_count.desc(), Proposal.id.desc())
    if sort == "commented":
        return query.order_by(Proposal.comment_count.desc(), Proposal.id.desc())
    if sort == "random":
        return query.order_by(random_key(Proposal.id, seed), Proposal.id)
    return query.order_by(Proposal.created_at.desc(), Proposal.id.desc())


def random_key(id_column, seed):
    """A visitor's stable shuffle of the ids, computed in SQL (SQLite and PostgreSQL alike): the same seed gives
    the same order on every page. Two squarings modulo a prime mix the ids, so that an order is no arithmetic
    progression of submission order (a linear key would show evenly spaced proposals: the three-gap theorem)."""
    seed = int(seed) % SEED_LIMIT
    key = (cast(id_column, BigInteger) * RANDOM_FACTOR + seed * 40503 + 12345) % RANDOM_MODULUS
    key = (key * key + seed) % RANDOM_MODULUS
    return (key * key + 2 * seed + 1) % RANDOM_MODULUS


def list_proposals(viewer, collection, page, per_page, **filters):
    return paginate(proposal_query(viewer, collection, **filters), page, per_page)


def published_counts(collection_ids):
    """{collection id: number of published proposals} in one query."""
    if not collection_ids:
        return {}
    return dict(db.session.execute(
        select(Proposal.collection_id, func.count()).where(
            and_(Proposal.collection_id.in_(list(collection_ids)), Proposal.state == ProposalState.PUBLISHED.value))
        .group_by(Proposal.collection_id)).all())


def merge_candidates(proposal):
    """(id, title) of the published proposals of the same collection (a merge form's choices)."""
    return [(row.id, row.title) for row in db.session.execute(select(Proposal.id, Proposal.title).where(
        Proposal.collection_id == proposal.collection_id, Proposal.id != proposal.id,
        Proposal.state == ProposalState.PUBLISHED.value).order_by(Proposal.title))]


def refuse_other_region(actor, collection):
    if not can_moderate(actor, collection.region):
        raise NotAllowed(_("Sie sind nicht Moderatorin oder Moderator der Region %(region)s.",
                           region=collection.region.name))


def export_of(user):
    """The account's proposals and supports, for the data export (sections "proposals", "proposal_supports")."""
    from ..timeutil import isoformat

    proposals = db.session.scalars(select(Proposal).where(Proposal.author_id == user.id).order_by(Proposal.id)).all()
    supports = db.session.execute(
        select(ProposalSupport.proposal_id, Proposal.title, ProposalSupport.created_at)
        .join(Proposal, Proposal.id == ProposalSupport.proposal_id)
        .where(ProposalSupport.user_id == user.id).order_by(ProposalSupport.id)).all()
    return {
        "proposals": [{"id": p.id, "collection_id": p.collection_id, "collection": p.collection.title,
                       "title": p.title, "body": p.body, "category": p.category, "place": p.place, "state": p.state,
                       "status": p.status, "answer": p.answer, "created_at": isoformat(p.created_at)}
                      for p in proposals],
        "proposal_supports": [{"proposal_id": proposal_id, "proposal": title, "created_at": isoformat(created_at)}
                              for proposal_id, title, created_at in supports],
    }
