"""Full-text search over the public processes, consultations, polls and proposals (a registry: one
``register_kind`` call per kind, plus its SQLite triggers and PostgreSQL column and index in a migration).

PostgreSQL: ``websearch_to_tsquery('german', q)`` against the weighted German tsvector of each table
(the stored generated column ``search_vector`` with its GIN index, migration 0016; a kind registered
without such a column is matched on the expression itself), ranked with ``ts_rank``, highlighted with
``ts_headline``.
SQLite: the FTS5 table ``search_fts`` (kept in step by the triggers of migration 0011), queried with
an FTS5 expression built here from the same web-search syntax (words, "phrases", -excluded, or),
ranked with ``bm25``, highlighted with ``highlight``/``snippet``.

Cost: every hit is ranked (the order needs all of them), so a search costs time in proportion to its
hits, but little per hit: the stored vector is read, not computed again, and the hits are counted in
the same pass as the page is ranked (``count(*) OVER ()``; a separate COUNT only for a page beyond the
end). Highlights are computed for one page's items only.

Only what everyone may see is ever found: a kind's ``visible`` condition is part of every query
(published processes and consultations, polls that are not drafts), whoever searches.

Highlights come back from the database wrapped in two control characters that never reach a page;
:func:`marked` escapes everything else and turns only those markers into ``<mark>``.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import (
    String,
    and_,
    bindparam,
    cast,
    column,
    desc,
    exists,
    false,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
    table,
    union_all,
)

from ..errors import Invalid
from ..extensions import db
from ..pagination import Page
from ..timeutil import utcnow

QUERY_MAX = 200  # characters
CLAUSES_MAX = 12  # words and phrases of one query
START, STOP = "\x02", "\x03"  # highlight markers (control characters: never in stored text, never shown)
STATUSES = ("upcoming", "open", "closed")
STATUS_LABELS = {"upcoming": _l("Demnächst"), "open": _l("Läuft"), "closed": _l("Abgeschlossen")}
FTS_CODES = 16  # SQLite: rowid = id * 16 + code (codes 1–15)


@dataclass(frozen=True)
class SearchKind:
    """One kind of searchable thing. ``columns`` are (title, summary or None, text) of ``model``;
    ``visible(now)`` the SQL of what everyone may see; ``status(status, now)`` the SQL of one of
    STATUSES (or None: that status does not exist for the kind); ``status_of(obj, now)`` the same in
    Python; ``url(obj)`` its page; ``load(ids)`` the objects by id (with what status_of needs);
    ``region_condition``/``region_of`` where the model has no ``region_id`` and ``region``."""

    key: str
    label: object
    code: int
    model: type
    columns: tuple
    visible: object
    status: object
    status_of: object
    url: object
    load: object = None
    order: int = field(default=0)
    # For a kind without a region_id column (a proposal belongs to a collection of a region):
    region_condition: object = None  # region -> SQL
    region_of: object = None  # obj -> Region
    # PostgreSQL: the name of the model's stored column that holds vector() (migration 0016), or None.
    vector_column: str | None = None

    def vector(self):
        """The weighted German tsvector; the very expression that ``vector_column`` stores."""
        german = literal_column("'german'")
        title, summary, text = self.columns
        parts = [func.setweight(func.to_tsvector(german, title), literal_column("'A'"))]
        if summary is not None:
            parts.append(func.setweight(func.to_tsvector(german, summary), literal_column("'B'")))
        parts.append(func.setweight(func.to_tsvector(german, text), literal_column("'C'")))
        vector = parts[0]
        for part in parts[1:]:
            vector = vector.op("||")(part)
        return vector

    def document(self):
        """What PostgreSQL matches and ranks: the stored column when there is one, else vector()."""
        if self.vector_column is None:
            return self.vector()
        return literal_column(f"{self.model.__tablename__}.{self.vector_column}")

    def objects(self, ids):
        if self.load is not None:
            return self.load(ids)
        return {obj.id: obj for obj in db.session.scalars(select(self.model).where(self.model.id.in_(ids)))}


_kinds = {}


def register_kind(kind):
    """Add a searchable kind (one call per kind). On SQLite its migration must also create the
    search_fts triggers of its table with its ``code`` (see migrations/versions/0011_search.py); on
    PostgreSQL a GIN index, best on a stored column of ``vector()`` named in ``vector_column`` (see
    migrations/versions/0016_search_vectors.py), else on the expression itself."""
    if kind.key in _kinds and _kinds[kind.key] != kind:
        raise ValueError(f"search kind {kind.key!r} is already registered")
    if not 0 < kind.code < FTS_CODES or any(k.code == kind.code and k.key != kind.key for k in _kinds.values()):
        raise ValueError(f"search kind {kind.key!r}: code {kind.code} is taken or out of range")
    _kinds[kind.key] = kind


def search_kinds():
    return dict(sorted(_kinds.items(), key=lambda item: (item[1].order, item[0])))


# --- the query: validation and the web-search syntax ------------------------------------------------

_PIECE = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"[^\W_]+")


@dataclass
class Clause:
    words: list
    negated: bool = False
    or_previous: bool = False


def parse(q):
    """The clauses of a web-search query, after checking it; Invalid with a clear sentence if unusable."""
    q = (q or "").strip()
    if not q:
        raise Invalid(_("Bitte geben Sie einen Suchbegriff ein."), {"q": [_("Suchbegriff fehlt.")]})
    if len(q) > QUERY_MAX:
        raise Invalid(_("Der Suchbegriff ist zu lang (höchstens %(n)d Zeichen).", n=QUERY_MAX),
                      {"q": [_("Höchstens %(n)d Zeichen.", n=QUERY_MAX)]})
    if any(unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") for char in q if char not in "\t\n\r"):
        raise Invalid(_("Der Suchbegriff enthält ungültige Zeichen."), {"q": [_("Ungültige Zeichen.")]})
    clauses, or_next = [], False
    for match in _PIECE.finditer(q):
        sign, phrase, raw = match.groups()
        if raw is not None and raw.lower() == "or":
            or_next = bool(clauses) and not clauses[-1].negated
            continue
        if raw is not None:
            sign, phrase = ("-", raw[1:]) if raw.startswith("-") else ("", raw)
        words = [word.lower() for word in _WORD.findall(phrase)]
        if words:
            clauses.append(Clause(words, negated=bool(sign), or_previous=or_next and not sign))
        or_next = False
    if not any(not clause.negated for clause in clauses):
        raise Invalid(_("Bitte geben Sie mindestens ein Wort ein, nach dem gesucht werden soll."),
                      {"q": [_("Kein Suchwort gefunden.")]})
    if len(clauses) > CLAUSES_MAX:
        raise Invalid(_("Bitte suchen Sie nach höchstens %(n)d Wörtern oder Wortgruppen.", n=CLAUSES_MAX),
                      {"q": [_("Höchstens %(n)d Wörter oder Wortgruppen.", n=CLAUSES_MAX)]})
    return q, clauses


def fts5_expression(clauses):
    """An FTS5 MATCH expression for the clauses: every word quoted (no operator of the user reaches
    FTS5), single words as prefixes (German compounds and endings), negated clauses with NOT."""
    def term(clause):
        return '"' + " ".join(clause.words) + '"' + (" *" if len(clause.words) == 1 else "")

    groups = []
    for clause in (c for c in clauses if not c.negated):
        if clause.or_previous and groups:
            groups[-1].append(term(clause))
        else:
            groups.append([term(clause)])
    expression = " AND ".join("(" + " OR ".join(group) + ")" for group in groups)
    for clause in (c for c in clauses if c.negated):
        expression = f"({expression}) NOT {term(clause)}"
    return expression


def marked(text):
    """Escaped text with only the highlight markers as <mark> (balanced whatever the text holds)."""
    out, inside = [], False
    for piece in re.split(f"([{START}{STOP}])", text or ""):
        if piece == START:
            if not inside:
                out.append(Markup("<mark>"))
                inside = True
        elif piece == STOP:
            if inside:
                out.append(Markup("</mark>"))
                inside = False
        else:
            out.append(escape(piece))
    if inside:
        out.append(Markup("</mark>"))
    return Markup("").join(out)


# --- the search ----------------------------------------------------------------------------------------

@dataclass
class Hit:
    kind: SearchKind
    target: object
    rank: float
    status: str
    title_html: Markup
    snippet_html: Markup

    @property
    def url(self):
        return self.kind.url(self.target)

    @property
    def region(self):
        return self.target.region if self.kind.region_of is None else self.kind.region_of(self.target)


_FTS = table("search_fts", column("rowid"), column("kind"), column("target_id"), column("title"),
             column("summary"), column("body"))


def _filters(kind, now, region, status):
    conditions = [kind.visible(now)]
    if region is not None:
        conditions.append(kind.model.region_id == region.id if kind.region_condition is None
                          else kind.region_condition(region))
    if status:
        condition = kind.status(status, now)
        conditions.append(false() if condition is None else condition)
    return conditions


def _ranked(dialect, kinds, q, clauses, now, region, status):
    """A union of (kind, id, rank, created_at) of every visible match."""
    parts = []
    for kind in kinds:
        model = kind.model
        label = cast(literal(kind.key), String(40)).label("kind")
        if dialect == "postgresql":
            query = func.websearch_to_tsquery(literal_column("'german'"), bindparam("q", q))
            vector = kind.document()
            part = select(label, model.id.label("id"), func.ts_rank(vector, query).label("rank"),
                          model.created_at.label("created_at")).where(
                vector.op("@@")(query), *_filters(kind, now, region, status))
        else:
            part = select(label, model.id.label("id"),
                          (-func.bm25(literal_column("search_fts"), 0.0, 0.0, 10.0, 4.0, 1.0)).label("rank"),
                          model.created_at.label("created_at")).select_from(_FTS).join(
                model, model.id == _FTS.c.target_id).where(
                literal_column("search_fts").op("MATCH")(bindparam("match", fts5_expression(clauses))),
                _FTS.c.kind == kind.key, *_filters(kind, now, region, status))
        parts.append(part)
    return union_all(*parts).subquery("hits")


def _highlights(dialect, kind, q, clauses, ids):
    """{id: (title with markers, snippet with markers)} for one page's items of one kind."""
    model = kind.model
    title, summary, text = kind.columns
    if dialect == "postgresql":
        query = func.websearch_to_tsquery(literal_column("'german'"), bindparam("q", q))
        body = text if summary is None else summary.op("||")(literal(" ")).op("||")(text)
        rows = db.session.execute(select(
            model.id,
            func.ts_headline(literal_column("'german'"), title, query,
                             f"HighlightAll=true, StartSel={START}, StopSel={STOP}"),
            func.ts_headline(literal_column("'german'"), body, query,
                             f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2, "
                             "FragmentDelimiter=\" … \""),
        ).where(model.id.in_(ids))).all()
        return {row[0]: (row[1], row[2]) for row in rows}
    match = literal_column("search_fts").op("MATCH")(bindparam("match", fts5_expression(clauses)))
    fts = literal_column("search_fts")
    rows = db.session.execute(select(
        _FTS.c.target_id, func.highlight(fts, 2, START, STOP),
        func.snippet(fts, 3, START, STOP, "…", 24), func.snippet(fts, 4, START, STOP, "…", 24),
        _FTS.c.summary, _FTS.c.body,
    ).select_from(_FTS).where(match, _FTS.c.rowid.in_([i * FTS_CODES + kind.code for i in ids]))).all()
    result = {}
    for target_id, title_hl, summary_hl, body_hl, summary_text, body_text in rows:
        snippet = next((s for s in (summary_hl, body_hl) if s and START in s), None)
        if snippet is None:
            plain = summary_text or body_text or ""
            snippet = plain[:200] + ("…" if len(plain) > 200 else "")
        result[int(target_id)] = (title_hl, snippet)
    return result


def search(q, region=None, kind=None, status=None, page=1, per_page=20):
    """A Page of Hits for the query, best first; Invalid for an unusable query or filter."""
    q, clauses = parse(q)
    kinds = search_kinds()
    if kind:
        if kind not in kinds:
            raise Invalid(_("Unbekannte Art von Inhalt."), {"kind": [_("Unbekannte Art von Inhalt.")]})
        kinds = {kind: kinds[kind]}
    if status and status not in STATUSES:
        raise Invalid(_("Unbekannter Status."), {"status": [_("Unbekannter Status.")]})
    dialect = db.engine.dialect.name
    now = utcnow()
    hits = _ranked(dialect, list(kinds.values()), q, clauses, now, region, status)
    # One pass: the hits are ranked and counted together (the window counts them before the limit).
    rows = db.session.execute(select(hits.c.kind, hits.c.id, hits.c.rank, func.count().over().label("total"))
                              .order_by(desc(hits.c.rank), desc(hits.c.created_at), hits.c.kind, desc(hits.c.id))
                              .limit(per_page).offset((page - 1) * per_page)).all()
    if rows:
        total = rows[0].total
    elif page > 1:  # beyond the end: no row carries the count
        total = db.session.scalar(select(func.count()).select_from(hits))
    else:
        total = 0
    wanted = {}
    for key, target_id, _rank, _total in rows:
        wanted.setdefault(key, []).append(target_id)
    objects, marks = {}, {}
    for key, ids in wanted.items():
        objects[key] = kinds[key].objects(ids)
        marks[key] = _highlights(dialect, kinds[key], q, clauses, ids)
    items = []
    for key, target_id, rank, _total in rows:
        target = objects[key].get(target_id)
        if target is None:
            continue
        title_hl, snippet = marks[key].get(target_id, (target.title, ""))
        items.append(Hit(kinds[key], target, float(rank or 0), kinds[key].status_of(target, now),
                         marked(title_hl), marked(snippet)))
    return Page(items, page, per_page, total)


# --- the core's kinds ----------------------------------------------------------------------------------

def _process_kind():
    from flask import url_for
    from sqlalchemy.orm import selectinload

    from ..processes.models import Process, ProcessPhase

    def started(now):
        return exists().where(ProcessPhase.process_id == Process.id, ProcessPhase.starts_at.is_not(None),
                              ProcessPhase.starts_at <= now)

    def finished(now):
        past = and_(ProcessPhase.starts_at.is_not(None), ProcessPhase.starts_at <= now,
                    ProcessPhase.ends_at.is_not(None), ProcessPhase.ends_at <= now)
        return and_(exists().where(ProcessPhase.process_id == Process.id),
                    not_(exists().where(ProcessPhase.process_id == Process.id, not_(past))))

    def status(value, now):
        return {"upcoming": not_(started(now)), "open": and_(started(now), not_(finished(now))),
                "closed": finished(now)}.get(value)

    def load(ids):
        return {p.id: p for p in db.session.scalars(select(Process).options(selectinload(Process.phases))
                                                     .where(Process.id.in_(ids)))}

    mapping = {"upcoming": "upcoming", "running": "open", "finished": "closed"}
    return SearchKind(
        key="process", label=_l("Beteiligungsprozess"), code=1, model=Process,
        columns=(Process.title, Process.summary, Process.body),
        visible=lambda now: Process.published.is_(True), status=status,
        status_of=lambda obj, now: mapping[str(obj.status_at(now))],
        url=lambda obj: url_for("processes.show", process_id=obj.id), load=load, order=1,
        vector_column="search_vector")


def _consultation_kind():
    from flask import url_for

    from ..consultations.models import Consultation, ConsultationStatus
    from ..consultations.services import status_condition

    def status(value, now):
        return status_condition(ConsultationStatus(value), now) if value in STATUSES else None

    return SearchKind(
        key="consultation", label=_l("Beteiligung"), code=2, model=Consultation,
        columns=(Consultation.title, Consultation.summary, Consultation.body),
        visible=lambda now: Consultation.published.is_(True), status=status,
        status_of=lambda obj, now: str(obj.status_at(now)),
        url=lambda obj: url_for("consultations.show", consultation_id=obj.id), order=2,
        vector_column="search_vector")


def _poll_kind():
    from flask import url_for

    from ..polls.models import Poll, PollStatus
    from ..polls.services.status import status_condition

    def status(value, now):
        return status_condition(PollStatus(value), now) if value in ("open", "closed") else None

    return SearchKind(
        key="poll", label=_l("Umfrage"), code=3, model=Poll, columns=(Poll.title, None, Poll.description),
        visible=lambda now: not_(status_condition(PollStatus.DRAFT, now)), status=status,
        status_of=lambda obj, now: str(obj.status_at(now)),
        url=lambda obj: url_for("polls.show", poll_id=obj.id), order=3,
        vector_column="search_vector")


def _proposal_kind():
    from flask import url_for

    from ..consultations.models import ConsultationStatus
    from ..proposals.models import Proposal, ProposalCollection, ProposalState

    def collection_where(*conditions):
        return exists().where(ProposalCollection.id == Proposal.collection_id, *conditions)

    def status(value, now):
        """A proposal is upcoming, open or closed with its collection (open: it takes proposals)."""
        if value not in STATUSES:
            return None
        opened = or_(ProposalCollection.opens_at.is_(None), ProposalCollection.opens_at <= now)
        ended = and_(ProposalCollection.closes_at.is_not(None), ProposalCollection.closes_at <= now)
        return collection_where({"upcoming": not_(opened), "open": and_(opened, not_(ended)),
                                 "closed": and_(opened, ended)}[value])

    return SearchKind(
        key="proposal", label=_l("Vorschlag"), code=4, model=Proposal, columns=(Proposal.title, None, Proposal.body),
        visible=lambda now: and_(Proposal.state == ProposalState.PUBLISHED.value,
                                 collection_where(ProposalCollection.published.is_(True))),
        status=status,
        status_of=lambda obj, now: {ConsultationStatus.UPCOMING: "upcoming", ConsultationStatus.OPEN: "open"}.get(
            obj.collection.status_at(now), "closed"),
        url=lambda obj: url_for("proposals.show", proposal_id=obj.id), order=4,
        region_condition=lambda region: collection_where(ProposalCollection.region_id == region.id),
        region_of=lambda obj: obj.collection.region, vector_column="search_vector")


def register_core_kinds():
    for make in (_process_kind, _consultation_kind, _poll_kind, _proposal_kind):
        kind = make()
        if kind.key not in _kinds:
            register_kind(kind)
