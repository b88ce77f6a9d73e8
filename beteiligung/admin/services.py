"""The queries behind the administration pages (accounts, audit log, plugins), and account look-ups."""

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..accounts.services import normalize_email
from ..audit.models import AuditEntry
from ..audit.sentences import describe_all
from ..extensions import db
from ..pagination import paginate
from ..plugins.services import enabled_by_region

SEARCH_MAX = 100


def search_accounts(search, page, per_page=25):
    """A page of accounts (with their regions), whose pseudonym or e-mail contains ``search``."""
    query = (select(User).options(selectinload(User.moderated_regions), selectinload(User.administered_regions))
             .order_by(User.pseudonym_key))
    search = (search or "").strip()[:SEARCH_MAX]
    if search:
        pattern = "%" + search.lower().replace("%", r"\%").replace("_", r"\_") + "%"
        query = query.where(or_(User.pseudonym_key.like(pattern, escape="\\"), User.email.like(pattern, escape="\\")))
    return paginate(query, page, per_page)


def audit_page(page, per_page=50):
    """(page, [(entry, sentence)]): the newest audit entries first, each as a sentence."""
    query = (select(AuditEntry).options(selectinload(AuditEntry.actor), selectinload(AuditEntry.region))
             .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()))
    result = paginate(query, page, per_page)
    return result, describe_all(result.items)


def plugins_by_region():
    """{region_id: {enabled plugin names}} for the plugins page."""
    return enabled_by_region()


def find_user_by_email(email):
    """The account with this e-mail address (compared as stored: lower-case), or None."""
    if not isinstance(email, str) or not email.strip():
        return None
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))
