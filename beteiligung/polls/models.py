"""Polls: surveys and problem-definition polls, their questions, ballots, problems and comparisons.

A ballot's answers are stored as rows of ``ballot_answers`` (one or more per answered question),
so that results are aggregated by the database with one GROUP BY, whatever the number of ballots.
"""

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow

KINDS = ("survey", "problem_definition")
AUDIENCES = ("accounts", "access_codes", "both")
VISIBILITIES = ("live", "after_close", "moderators")
STATES = ("draft", "open", "closed")
PHASES = ("collecting", "comparing")
PROBLEM_STATUSES = ("pending", "approved", "rejected", "merged")


class Poll(db.Model):
    __tablename__ = "polls"
    __table_args__ = (
        CheckConstraint("kind IN ('survey', 'problem_definition')", name="kind"),
        CheckConstraint("state IN ('draft', 'open', 'closed')", name="state"),
        CheckConstraint("audience IN ('accounts', 'access_codes', 'both')", name="audience"),
        CheckConstraint("results_visibility IN ('live', 'after_close', 'moderators')", name="results_visibility"),
        CheckConstraint("phase IN ('collecting', 'comparing')", name="phase"),
        Index("ix_polls_region_state", "region_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"))
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultations.id", ondelete="SET NULL"),
                                                        index=True)
    kind: Mapped[str] = mapped_column(String(20), default="survey")
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # The state a moderator set; the effective status also follows opens_at/closes_at (see status_at).
    state: Mapped[str] = mapped_column(String(10), default="draft")
    audience: Mapped[str] = mapped_column(String(20), default="accounts")
    results_visibility: Mapped[str] = mapped_column(String(20), default="after_close")
    # Problem-definition polls: collecting problems first, then comparing pairs of them.
    phase: Mapped[str] = mapped_column(String(20), default="collecting")
    opens_at: Mapped[object | None] = mapped_column(db.DateTime)
    closes_at: Mapped[object | None] = mapped_column(db.DateTime)
    # "plugin:key" of the template the poll was made from, if any.
    template: Mapped[str | None] = mapped_column(String(120))
    ballot_count: Mapped[int] = mapped_column(default=0, server_default="0")
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
        if self.state == "closed":
            return "closed"
        started = self.state == "open" or (self.opens_at is not None and now >= self.opens_at)
        if not started:
            return "draft"
        if self.closes_at is not None and now >= self.closes_at:
            return "closed"
        return "open"

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
    text: Mapped[str] = mapped_column(String(500))
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
    label: Mapped[str] = mapped_column(String(300))

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
    __table_args__ = (Index("ix_ballot_answers_poll_question", "poll_id", "question_id", "option_id", "number"),)

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
        CheckConstraint("status IN ('pending', 'approved', 'rejected', 'merged')", name="status"),
        Index("ix_poll_problems_poll_status", "poll_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    access_code_id: Mapped[int | None] = mapped_column(ForeignKey("poll_access_codes.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
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
