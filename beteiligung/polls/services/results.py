"""Results: aggregates per question (small groups withheld), the problem ranking, CSV."""

import csv
import io

from flask import current_app
from sqlalchemy import select, union_all

from ...extensions import cache, db
from ..models import Answer, PollKind
from . import tallies
from .problems import min_comparisons, ranking
from .questions import question_types


def results(poll, moderator=False):
    """The results as the JSON of DESIGN.md; breakdowns of small groups are withheld."""
    min_group = current_app.config["POLL_MIN_GROUP_SIZE"]
    data = {"poll_id": poll.id, "title": poll.title, "kind": poll.kind, "status": poll.status,
            "total_ballots": poll.ballot_count, "min_group_size": min_group, "questions": []}
    if poll.kind == PollKind.PROBLEM_DEFINITION:
        counted = tallies.counters(poll)  # comparisons and participants, one query for both
        total, ranked = ranking(poll, counted)
        data["total_comparisons"] = total
        # Participants: the accounts and access codes that compared, counted at their first comparison.
        data["total_ballots"] = int(counted.get(tallies.PARTICIPANTS, 0))
        data["ranking"] = [{key: item[key] for key in ("problem_id", "text", "score", "low", "high", "comparisons",
                                                       "win_rate", "wins", "losses", "ties", "place", "place_to",
                                                       "tied", "enough_data")} for item in ranked]
        data["min_comparisons"] = min_comparisons()
        data["enough_data"] = bool(ranked) and all(item["enough_data"] for item in ranked)
        return data
    # Answers change only with a new ballot (and questions only while there are none): results are
    # cached per ballot count, so a finished or quiet poll is aggregated once, not on every request.
    # The "2" names the shape of the cached results; raise it when summaries gain fields.
    key = f"poll-results:2:{poll.id}:{poll.ballot_count}:{int(moderator)}:{min_group}" if poll.ballot_count else None
    cached = cache.get(key) if key else None
    if cached is not None:
        data["questions"] = cached
        return data
    data["questions"] = _question_results(poll, moderator, min_group)
    if key:
        cache.set(key, data["questions"])
    return data


def _question_results(poll, moderator, min_group):
    questions = []
    cells, respondents, written = {}, {}, set()
    for question_id, option_id, number, count, heads, texts_given in tallies.answer_cells(poll):
        cells.setdefault(question_id, []).append((option_id, number, count))
        respondents[question_id] = respondents.get(question_id, 0) + heads
        if texts_given:
            written.add(question_id)
    texts = _texts(written) if moderator else {}
    types = question_types()
    for question in poll.questions:
        qtype = types.get(question.type)
        answered = respondents.get(question.id, 0)
        item = {"question_id": question.id, "type": question.type, "text": question.text, "answers": answered,
                "withheld": answered < min_group}
        if qtype is not None and not item["withheld"]:
            item.update(qtype.summarize(question, cells.get(question.id, []), answered))
        if moderator and question.id in texts:
            item["texts"] = [text for _option, text in texts[question.id]]
            if any(option_id is not None for option_id, _text in texts[question.id]):
                by_option = {}
                for option_id, text in texts[question.id]:
                    by_option.setdefault(option_id, []).append(text)
                item["texts_by_option"] = by_option
        questions.append(item)
    return questions


TEXTS_PER_QUESTION = 500


def _texts(written):
    """Written answers (free text, "other", remarks) for moderators: the latest per question, one query.

    {question_id: [(option_id, text)]}; option_id says which item a remark belongs to (None: the
    question as a whole, or "other"). ``written``: the ids of the questions with written answers (the
    tallies say which). One branch per such question, each reading the newest rows of the partial index
    ``ix_ballot_answers_texts``: the cost follows the texts shown, not the ballots.
    """
    if not written:
        return {}
    branches = []
    for question_id in sorted(written):
        newest = (select(Answer.question_id, Answer.option_id, Answer.text, Answer.id)
                  .where(Answer.question_id == question_id, Answer.text.is_not(None))
                  .order_by(Answer.id.desc()).limit(TEXTS_PER_QUESTION).subquery())
        branches.append(select(newest.c.question_id, newest.c.option_id, newest.c.text, newest.c.id))
    rows = db.session.execute(union_all(*branches) if len(branches) > 1 else branches[0])
    texts = {}
    for question_id, option_id, text, _id in sorted(rows, key=lambda row: (row[0], -row[3])):
        texts.setdefault(question_id, []).append((option_id, text))
    return texts


def csv_text(rows):
    """CSV of the rows; a cell starting with = + - @ (a formula in a spreadsheet) is quoted as text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(["'" + cell if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r")
                         else cell for cell in row])
    return buffer.getvalue()


CSV_HEADER = ("question_id", "question", "type", "option", "measure", "value")
RANKING_HEADER = ("rank", "problem_id", "problem", "score", "low", "high", "comparisons", "win_rate", "rank_to",
                  "tied", "enough_data")


def csv_rows(poll, data):
    """Rows (header first) of a results CSV: one per option and measure, or one per problem."""
    if data["kind"] == PollKind.PROBLEM_DEFINITION:
        yield RANKING_HEADER
        for item in data["ranking"]:
            yield (item["place"], item["problem_id"], item["text"], item["score"], item["low"], item["high"],
                   item["comparisons"], item["win_rate"], item["place_to"], int(item["tied"]),
                   int(item["enough_data"]))
        return
    yield CSV_HEADER
    types = question_types()
    questions = {question.id: question for question in poll.questions}
    for item in data["questions"]:
        base = (item["question_id"], item["text"], item["type"])
        yield (*base, "", "answers", item["answers"])
        qtype = types.get(item["type"])
        if item["withheld"] or qtype is None:
            continue
        for option, measure, value in qtype.csv_rows(questions[item["question_id"]], item):
            yield (*base, option, measure, value)
