"""What administrators see of mail delivery: counts, mails that failed or hang, failed jobs."""

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from ..audit.services import record
from ..errors import Conflict, NotFound
from ..extensions import db
from ..pagination import paginate
from ..policy import require_admin
from ..timeutil import utcnow
from . import delivery
from .models import JobFailure, OutgoingMail

#: a mail claimed this long ago and not recorded as sent hangs (its worker probably died)
STUCK_AFTER = timedelta(minutes=10)
PER_PAGE = 50


def _needs_attention():
    return or_(OutgoingMail.status == "failed",
               (OutgoingMail.status == "sending") & (OutgoingMail.claimed_at < utcnow() - STUCK_AFTER))


def delivery_overview(page):
    counts = dict(db.session.execute(select(OutgoingMail.status, func.count()).group_by(OutgoingMail.status)).all())
    mails = paginate(select(OutgoingMail).where(_needs_attention())
                     .order_by(OutgoingMail.created_at.desc(), OutgoingMail.id.desc()), page, PER_PAGE)
    failures = db.session.scalars(select(JobFailure).order_by(JobFailure.failed_at.desc(), JobFailure.id.desc())
                                  .limit(PER_PAGE)).all()
    return {"counts": {status: counts.get(status, 0) for status in ("pending", "sending", "sent", "failed")},
            "page": mails, "failures": failures}


def retry_mail(actor, mail_id):
    require_admin(actor)
    mail = db.session.scalar(select(OutgoingMail).where(OutgoingMail.id == mail_id, _needs_attention()))
    if mail is None:
        if db.session.get(OutgoingMail, mail_id) is None:
            raise NotFound(_("Diese Mail gibt es nicht."))
        raise Conflict(_("Diese Mail wartet nicht auf eine Entscheidung (sie ist zugestellt, wartet oder wird "
                         "gerade zugestellt)."))
    delivery.retry(mail)
    record(actor, "mail.retried", mail)
    db.session.flush()
    return mail
