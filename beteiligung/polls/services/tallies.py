"""The counters behind the results: added to in the transaction of each ballot and comparison.

A survey's results need, per question, how often each cell (option, number) was given and by how many
respondents; a problem-definition poll's ranking needs, per pair of problems, how often each side won.
Counting those over all ballots on every request costs time in proportion to the ballots. Instead each
ballot adds its cells to ``poll_tallies`` and each comparison its verdict to ``poll_pair_tallies``, with
one upsert statement each, in the same transaction as the ballot itself: a ballot that is rolled back
leaves no count behind, and the counts stay exact.

Each counter is split into shards (the ballot's id, the participant's id modulo the number of shards):
concurrent ballots add to different rows, so they do not queue behind one hot row, and a reader adds up
at most ``TALLY_SHARDS`` rows per cell, whatever the number of ballots. Upserts of one statement take
their rows in a fixed order (sorted by cell), so two ballots in the same shard wait, never deadlock.

``recount(poll)`` rebuilds a poll's tallies from its stored ballots and comparisons (after a bulk
import, or to check): ``differences(poll)`` compares them without writing.
"""

from sqlalchemy import case, delete, func, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite

from ...extensions import db
from ..models import BALLOTS, Answer, Ballot, Comparison, PairTally, Tally

TALLY_SHARDS = 16
# Pairs spread concurrent comparisons by themselves (50 problems make 1,225 pairs), so one shard each
# keeps the ranking's read small; the hot counters (comparisons, participants) are sharded like ballots.
PAIR_SHARDS = 1
COMPARISONS = "comparisons"
PARTICIPANTS = "participants"


def cell_key(question_id, option_id, number):
    """The name of an answer cell's tally: ``q<question>:<option>:<number>`` (empty where None)."""
    return f"q{question_id}:{'' if option_id is None else option_id}:{'' if number is None else number}"


_UPSERTS = {}


def _upsert_statement(dialect, model, keys, counters):
    """The INSERT … ON CONFLICT DO UPDATE of the dialect that adds ``counters`` (built once per process).

    Core, on the model's table: parameter sets that name the same columns go to the driver as one
    executemany (the ORM would split them by their None values).
    """
    found = _UPSERTS.get((dialect, model, keys, counters))
    if found is None:
        table = model.__table__
        statement = (postgresql if dialect == "postgresql" else sqlite).insert(table)
        found = _UPSERTS[dialect, model, keys, counters] = statement.on_conflict_do_update(
            index_elements=[table.c[key] for key in keys],
            set_={name: table.c[name] + statement.excluded[name] for name in counters})
    return found


def _upsert(model, keys, counters, rows):
    """Add ``counters`` of ``rows`` to the tallies: one statement, its rows sorted by key (a fixed lock order),
    sent as parameter sets of the same cached statement, in the order given."""
    rows = sorted(rows, key=lambda row: tuple(row[key] for key in keys))
    statement = _upsert_statement(db.session.get_bind().dialect.name, model, keys, counters)
    db.session.execute(statement, rows)


def _counter(poll_id, cell, shard, n=1):
    return {"poll_id": poll_id, "cell": cell, "shard": shard, "question_id": None, "option_id": None,
            "number": None, "cells": n, "heads": 0, "texts": 0}


def add_ballot(poll, ballot_id, parsed):
    """Count one ballot and its cells (``{question_id: [Cell]}``) into the poll's tallies: one statement."""
    shard = ballot_id % TALLY_SHARDS
    rows = {BALLOTS: _counter(poll.id, BALLOTS, shard)}
    for question_id, cells in parsed.items():
        for seq, cell in enumerate(cells):
            key = cell_key(question_id, cell.option_id, cell.number)
            row = rows.get(key)
            if row is None:
                row = rows[key] = {"poll_id": poll.id, "cell": key, "shard": shard, "question_id": question_id,
                                   "option_id": cell.option_id, "number": cell.number, "cells": 0, "heads": 0,
                                   "texts": 0}
            row["cells"] += 1
            row["heads"] += seq == 0
            row["texts"] += cell.text is not None
    _upsert(Tally, ("poll_id", "cell", "shard"), ("cells", "heads", "texts"), rows.values())


def add_comparison(poll, participant_id, first_id, second_id, winner_id, first_of_participant):
    """Count one verdict on a pair (and, for a participant's first comparison, the participant): two statements."""
    shard = participant_id % TALLY_SHARDS
    counters = [_counter(poll.id, COMPARISONS, shard)]
    if first_of_participant:
        counters.append(_counter(poll.id, PARTICIPANTS, shard))
    _upsert(Tally, ("poll_id", "cell", "shard"), ("cells",), counters)
    _upsert(PairTally, ("poll_id", "first_id", "second_id", "shard"), ("first_wins", "second_wins", "ties"), [{
        "poll_id": poll.id, "first_id": first_id, "second_id": second_id, "shard": participant_id % PAIR_SHARDS,
        "first_wins": int(winner_id == first_id), "second_wins": int(winner_id == second_id),
        "ties": int(winner_id is None)}])


# --- reading ------------------------------------------------------------------------------------

def counters(poll):
    """{"ballots"|"comparisons"|"participants": n} of the poll, in one query over at most a few dozen rows."""
    return dict(db.session.execute(
        select(Tally.cell, func.sum(Tally.cells))
        .where(Tally.poll_id == poll.id, Tally.cell.in_((BALLOTS, COMPARISONS, PARTICIPANTS)))
        .group_by(Tally.cell)).all())


def answer_cells(poll):
    """[(question_id, option_id, number, cells, heads, texts)] of the poll's answers, shards added up."""
    return [tuple(int(value) if index >= 3 else value for index, value in enumerate(row)) for row in db.session.execute(
        select(Tally.question_id, Tally.option_id, Tally.number, func.sum(Tally.cells), func.sum(Tally.heads),
               func.sum(Tally.texts))
        .where(Tally.poll_id == poll.id, Tally.question_id.is_not(None))
        .group_by(Tally.question_id, Tally.option_id, Tally.number))]


def pair_counts(poll):
    """[(first_id, second_id, first_wins, second_wins, ties)] of the poll, shards added up."""
    return [(first, second, int(a), int(b), int(t)) for first, second, a, b, t in db.session.execute(
        select(PairTally.first_id, PairTally.second_id, func.sum(PairTally.first_wins),
               func.sum(PairTally.second_wins), func.sum(PairTally.ties))
        .where(PairTally.poll_id == poll.id)
        .group_by(PairTally.first_id, PairTally.second_id))]


# --- counting anew --------------------------------------------------------------------------------

def _recounted_cells(poll_id):
    return {(question_id, option_id, number): (int(count), int(heads or 0), int(texts or 0))
            for question_id, option_id, number, count, heads, texts in db.session.execute(
                select(Answer.question_id, Answer.option_id, Answer.number, func.count(),
                       func.sum(case((Answer.seq == 0, 1), else_=0)),
                       func.sum(case((Answer.text.is_not(None), 1), else_=0)))
                .where(Answer.poll_id == poll_id)
                .group_by(Answer.question_id, Answer.option_id, Answer.number))}


def _recounted_pairs(poll_id):
    return {(first, second): (int(a or 0), int(b or 0), int(t or 0)) for first, second, a, b, t in db.session.execute(
        select(Comparison.first_id, Comparison.second_id,
               func.sum(case((Comparison.winner_id == Comparison.first_id, 1), else_=0)),
               func.sum(case((Comparison.winner_id == Comparison.second_id, 1), else_=0)),
               func.sum(case((Comparison.winner_id.is_(None), 1), else_=0)))
        .where(Comparison.poll_id == poll_id)
        .group_by(Comparison.first_id, Comparison.second_id))}


def _recounted_counters(poll_id):
    ballots = db.session.scalar(select(func.count()).select_from(Ballot).where(Ballot.poll_id == poll_id))
    comparisons = db.session.scalar(select(func.count()).select_from(Comparison).where(Comparison.poll_id == poll_id))
    # Participants as the comparisons still tell: those of since deleted accounts count as one.
    participants = db.session.scalar(select(func.count()).select_from(
        select(Comparison.user_id, Comparison.access_code_id).where(Comparison.poll_id == poll_id)
        .distinct().subquery()))
    return {BALLOTS: ballots, COMPARISONS: comparisons, PARTICIPANTS: participants}


def differences(poll):
    """What the tallies say and a full recount does not: [(what, tallied, recounted)]; empty when they agree."""
    found = []
    tallied = {(q, o, n): (c, h, t) for q, o, n, c, h, t in answer_cells(poll)}
    recounted_cells = _recounted_cells(poll.id)
    for key in sorted(set(tallied) | set(recounted_cells), key=str):
        if tallied.get(key, (0, 0, 0)) != recounted_cells.get(key, (0, 0, 0)):
            found.append((cell_key(*key), tallied.get(key), recounted_cells.get(key)))
    tallied_pairs = {(f, s): (a, b, t) for f, s, a, b, t in pair_counts(poll)}
    recounted_pairs = _recounted_pairs(poll.id)
    for key in sorted(set(tallied_pairs) | set(recounted_pairs)):
        if tallied_pairs.get(key, (0, 0, 0)) != recounted_pairs.get(key, (0, 0, 0)):
            found.append((f"pair {key[0]}:{key[1]}", tallied_pairs.get(key), recounted_pairs.get(key)))
    tallied_counters = counters(poll)
    for name, recounted in _recounted_counters(poll.id).items():
        if name == PARTICIPANTS:
            continue  # a tally still counts the participants of since deleted accounts one by one
        if int(tallied_counters.get(name, 0)) != recounted:
            found.append((name, int(tallied_counters.get(name, 0)), recounted))
    return found


def recount(poll):
    """Rebuild the poll's tallies from its ballots, answers and comparisons (into shard 0); flushes, no commit.

    On PostgreSQL the ballots and comparisons are locked against new rows until the transaction ends, so
    that no ballot is counted twice or missed; a ballot arriving meanwhile waits and is counted after.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("LOCK TABLE ballots, ballot_answers, poll_comparisons IN SHARE MODE"))
    recounted = _recounted_counters(poll.id)
    # A participant whose account was deleted since still took part: keep the higher count.
    recounted[PARTICIPANTS] = max(recounted[PARTICIPANTS], int(counters(poll).get(PARTICIPANTS, 0)))
    db.session.execute(delete(Tally).where(Tally.poll_id == poll.id))
    db.session.execute(delete(PairTally).where(PairTally.poll_id == poll.id))
    rows = [{"poll_id": poll.id, "cell": cell_key(*key), "shard": 0, "question_id": key[0], "option_id": key[1],
             "number": key[2], "cells": c, "heads": h, "texts": t}
            for key, (c, h, t) in _recounted_cells(poll.id).items()]
    rows += [_counter(poll.id, name, 0, n) for name, n in recounted.items() if n]
    if rows:
        db.session.execute(insert(Tally), rows)
    pairs = [{"poll_id": poll.id, "first_id": first, "second_id": second, "shard": 0, "first_wins": a,
              "second_wins": b, "ties": t} for (first, second), (a, b, t) in _recounted_pairs(poll.id).items()]
    if pairs:
        db.session.execute(insert(PairTally), pairs)
    db.session.expire(poll, ["ballot_count"])

