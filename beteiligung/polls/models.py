"""Polls: surveys and problem-definition polls, their questions, ballots, problems and comparisons.

A ballot's answers are stored as rows of ``ballot_answers`` (one or more per answered question). The
results do not read them: ``poll_tallies`` and ``poll_pair_tallies`` count them as they arrive, in the same
transaction, spread over a few shards so that concurrent ballots rarely wait for each other
(``beteiligung.polls.services.tallies``). Reading the results adds up at most a few rows per answer cell,
whatever the number of ballots.
"""

from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
    text,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from ..choices import one_of
from ..extensions import db
from ..timeutil import utcnow

# The values of the polls' columns, one owner each. A member equals its string, so the database and
# the JSON hold the same strings as before; the check constraints, schemas and services use these.


class PollKind(StrEnum):
    SURVEY = "survey"
    PROBLEM_DEFINITION = "problem_definition"


class PollStatus(StrEnum):
    """A poll's stored state (what a moderator set) and its effective status (which follows its dates)."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Audience(StrEnum):
    ACCOUNTS = "accounts"
    ACCESS_CODES = "access_codes"
    BOTH = "both"


class ResultsVisibility(StrEnum):
    LIVE = "live"
    AFTER_CLOSE = "after_close"
    MODERATORS = "moderators"


class Phase(StrEnum):
    """A problem-definition poll collects problems first, then compares pairs of them."""

    COLLECTING = "collecting"
    COMPARING = "comparing"


class ProblemStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    MERGED = "merged"


# Length limits (characters), one owner each: the columns, the services, the API schemas, the page
# forms and the plugins' template schema use these.
TITLE_MIN, TITLE_MAX = 3, 200
DESCRIPTION_MAX = 5000
QUESTIONS_MAX = 50
QUESTION_TEXT_MIN, QUESTION_TEXT_MAX = 3, 500
HELP_TEXT_MAX = 1000
OPTION_MAX = 300
PROBLEM_MIN, PROBLEM_MAX = 10, 500
REASON_MIN, REASON_MAX = 3, 1000  # a moderator's reason for rejecting a problem
TEMPLATE_KEY_MAX = 120  # "plugin:key"


class Poll(db.Model):
    __tablename__ = "polls"
    __table_args__ = (
        one_of("kind", PollKind),
        one_of("state", PollStatus),
        one_of("audience", Audience),
        one_of("results_visibility", ResultsVisibility),
        one_of("phase", Phase),
        Index("ix_polls_region_state", "region_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"))
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultations.id", ondelete="SET NULL"),
                                                        index=True)
    kind: Mapped[str] = mapped_column(String(20), default=PollKind.SURVEY.value)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    # The state a moderator set; the effective status also follows opens_at/closes_at (see status_at).
    state: Mapped[str] = mapped_column(String(10), default=PollStatus.DRAFT.value)
    audience: Mapped[str] = mapped_column(String(20), default=Audience.ACCOUNTS.value)
    results_visibility: Mapped[str] = mapped_column(String(20), default=ResultsVisibility.AFTER_CLOSE.value)
    # Problem-definition polls: collecting problems first, then comparing pairs of them.
    phase: Mapped[str] = mapped_column(String(20), default=Phase.COLLECTING.value)
    opens_at: Mapped[object | None] = mapped_column(db.DateTime)
    closes_at: Mapped[object | None] = mapped_column(db.DateTime)
    # "plugin:key" of the template the poll was made from, if any.
    template: Mapped[str | None] = mapped_column(String(TEMPLATE_KEY_MAX))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow, index=True)
    opened_at: Mapped[object | None] = mapped_column(db.DateTime)
    closed_at: Mapped[object | None] = mapped_column(db.DateTime)

    region = relationship("Region", lazy="joined", innerjoin=True)
    consultation = relationship("Consultation")
    questions = relationship("Question", order_by="Question.position", back_populates="poll",
                             cascade="all, delete-orphan")

    def status_at(self, now):
        """draft, open or closed: a draft with opens_at opens by itself, an open poll closes at closes_at."""
        if self.state == PollStatus.CLOSED:
            return PollStatus.CLOSED
        started = self.state == PollStatus.OPEN or (self.opens_at is not None and now >= self.opens_at)
        if not started:
            return PollStatus.DRAFT
        if self.closes_at is not None and now >= self.closes_at:
            return PollStatus.CLOSED
        return PollStatus.OPEN

    @property
    def status(self):
        return self.status_at(utcnow())

    def __repr__(self):
        return f"<Poll {self.id} {self.kind} {self.title!r}>"


class Question(db.Model):
    __tablename__ = "poll_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    # A core type (single_choice, …) or "<plugin>.<type>".
    type: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(String(QUESTION_TEXT_MAX))
    help_text: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(default=False)
    allow_other: Mapped[bool] = mapped_column(default=False)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)

    poll = relationship("Poll", back_populates="questions")
    options = relationship("Option", order_by="Option.position", back_populates="question",
                           cascade="all, delete-orphan", lazy="selectin")

    def __repr__(self):
        return f"<Question {self.id} {self.type}>"


class Option(db.Model):
    """A choice of a question (or an item of a matrix, a touchpoint of a journey, …)."""

    __tablename__ = "poll_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("poll_questions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(OPTION_MAX))

    question = relationship("Question", back_populates="options")


class AccessCode(db.Model):
    """A one-time code for a workshop participant without an account."""

    __tablename__ = "poll_access_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    created_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow)
    used_at: Mapped[object | None] = mapped_column(db.DateTime)


class Ballot(db.Model):
    """One participant's answers to a survey: one per account and per access code (unique constraints)."""

    __tablename__ = "ballots"
    __table_args__ = (
        UniqueConstraint("poll_id", "user_id"),
        UniqueConstraint("access_code_id"),
        # Never both; both NULL once the participant's account was deleted (the ballot stays, anonymous).
        CheckConstraint("user_id IS NULL OR access_code_id IS NULL", name="one_participant"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    access_code_id: Mapped[int | None] = mapped_column(ForeignKey("poll_access_codes.id", ondelete="SET NULL"))
    created_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow)


class Answer(db.Model):
    """One cell of a ballot: an option chosen, a number given, a text written (or a combination)."""

    __tablename__ = "ballot_answers"
    __table_args__ = (
        Index("ix_ballot_answers_poll_question", "poll_id", "question_id", "option_id", "number"),
        # The written answers of a question, newest first, for the moderators' results (only rows with a text).
        Index("ix_ballot_answers_texts", "question_id", "id", postgresql_where=text("text IS NOT NULL"),
              sqlite_where=text("text IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), index=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("poll_questions.id", ondelete="CASCADE"))
    # 0 for the first cell of an answer: counting those counts the respondents of a question.
    seq: Mapped[int] = mapped_column(default=0)
    option_id: Mapped[int | None] = mapped_column(ForeignKey("poll_options.id", ondelete="CASCADE"))
    number: Mapped[int | None] = mapped_column()
    text: Mapped[str | None] = mapped_column(Text)


class Problem(db.Model):
    __tablename__ = "poll_problems"
    __table_args__ = (
        one_of("status", ProblemStatus),
        Index("ix_poll_problems_poll_status", "poll_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    access_code_id: Mapped[int | None] = mapped_column(ForeignKey("poll_access_codes.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=ProblemStatus.PENDING.value)
    reason: Mapped[str | None] = mapped_column(Text)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("poll_problems.id", ondelete="SET NULL"))
    created_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow)
    moderated_at: Mapped[object | None] = mapped_column(db.DateTime)

    author = relationship("User", lazy="joined")
    merged_into = relationship("Problem", remote_side=[id])


class Comparison(db.Model):
    """One participant's verdict on one pair of problems (first_id < second_id); winner NULL = can't decide."""

    __tablename__ = "poll_comparisons"
    __table_args__ = (
        UniqueConstraint("poll_id", "user_id", "first_id", "second_id"),
        UniqueConstraint("access_code_id", "first_id", "second_id"),
        CheckConstraint("first_id < second_id", name="ordered_pair"),
        # Never both; both NULL once the participant's account was deleted (the ballot stays, anonymous).
        CheckConstraint("user_id IS NULL OR access_code_id IS NULL", name="one_participant"),
        Index("ix_poll_comparisons_poll_winner", "poll_id", "winner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    access_code_id: Mapped[int | None] = mapped_column(ForeignKey("poll_access_codes.id", ondelete="SET NULL"))
    first_id: Mapped[int] = mapped_column(ForeignKey("poll_problems.id", ondelete="CASCADE"))
    second_id: Mapped[int] = mapped_column(ForeignKey("poll_problems.id", ondelete="CASCADE"))
    winner_id: Mapped[int | None] = mapped_column(ForeignKey("poll_problems.id", ondelete="CASCADE"))
    created_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow)


class Tally(db.Model):
    """A counter of a poll, in one of ``TALLY_SHARDS`` shards: added to in the transaction of what it counts.

    ``cell`` names what is counted: ``"ballots"`` (a survey's ballots), ``"comparisons"`` and
    ``"participants"`` (a problem-definition poll's), or an answer cell ``"q<question>:<option>:<number>"``
    with its ``question_id``, ``option_id`` and ``number``: ``cells`` how often it was given, ``heads`` how
    often as a ballot's first cell for the question (the respondents), ``texts`` how often with a text.
    The shards keep concurrent ballots from waiting on one row; a reader adds them up.
    """

    __tablename__ = "poll_tallies"

    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True)
    cell: Mapped[str] = mapped_column(String(60), primary_key=True)
    shard: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("poll_questions.id", ondelete="CASCADE"), index=True)
    option_id: Mapped[int | None] = mapped_column(ForeignKey("poll_options.id", ondelete="CASCADE"), index=True)
    number: Mapped[int | None] = mapped_column()
    cells: Mapped[int] = mapped_column(default=0)
    heads: Mapped[int] = mapped_column(default=0)
    texts: Mapped[int] = mapped_column(default=0)


class PairTally(db.Model):
    """The verdicts on one pair of problems (first_id < second_id), in one of ``PAIR_SHARDS`` shards."""

    __tablename__ = "poll_pair_tallies"
    __table_args__ = (CheckConstraint("first_id < second_id", name="ordered_pair"),)

    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True)
    first_id: Mapped[int] = mapped_column(ForeignKey("poll_problems.id", ondelete="CASCADE"), primary_key=True)
    second_id: Mapped[int] = mapped_column(ForeignKey("poll_problems.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)
    shard: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    first_wins: Mapped[int] = mapped_column(default=0)
    second_wins: Mapped[int] = mapped_column(default=0)
    ties: Mapped[int] = mapped_column(default=0)


BALLOTS = "ballots"  # the Tally cell that counts a survey's ballots

# A survey's number of ballots: the sum of its "ballots" tally (at most TALLY_SHARDS rows), read with the poll.
Poll.ballot_count = column_property(
    select(func.coalesce(func.sum(Tally.cells), 0)).where(Tally.poll_id == Poll.id, Tally.cell == BALLOTS)
    .correlate_except(Tally).scalar_subquery())
