"""The poll engine: creating and running polls, ballots, problems, comparisons and results.

Pages and the JSON API call these functions; they check who may act (policy), validate, and
leave committing to the caller. One module per concern; ``beteiligung.polls.services`` names
them all, so callers import from here:

- ``status``: which polls a person may see, a poll's status, the scheduled settling job;
- ``questions``: the question types of a region, questions built from definitions;
- ``templates``: poll templates of the enabled plugins;
- ``lifecycle``: creating, changing, opening, closing and deleting polls;
- ``codes``: access codes for workshops;
- ``participation``: who takes part and their ballot;
- ``problems``: problem-definition polls (problems, pairwise comparisons, ranking);
- ``tallies``: the counters behind the results, added to with each ballot and comparison, and recounted;
- ``results``: aggregated results and CSV.
"""

from .codes import (
    CODE_ALPHABET,
    CODES_PER_POLL,
    CODES_PER_REQUEST,
    code_count,
    code_for,
    code_of_session,
    codes_of,
    format_code,
    generate_codes,
    normalise_code,
    unused_codes_query,
)
from .lifecycle import (
    DESCRIPTION_MAX,
    TITLE_MAX,
    close_poll,
    create_poll,
    delete_poll,
    has_ballots,
    open_poll,
    update_poll,
)
from .participation import Participant, has_taken_part, parse_answers, submit_ballot
from .problems import (
    PROBLEM_MAX,
    PROBLEM_MIN,
    approved_choices,
    compare,
    comparison_progress,
    get_problem,
    min_comparisons,
    moderate_problem,
    next_pair,
    pending_count,
    problems_of,
    problems_submitted_by,
    ranking,
    submit_problem,
)
from .questions import QUESTIONS_MAX, available_types, build_questions, question_types
from .results import CSV_HEADER, RANKING_HEADER, TEXTS_PER_QUESTION, csv_rows, csv_text, results
from .status import (
    can_see_results,
    get_poll,
    poll_query,
    require_results_visible,
    settle,
    settle_due_polls,
    status_condition,
)
from .templates import TEMPLATE_FIELDS, templates_for, with_template

__all__ = [
    "CODES_PER_POLL", "CODES_PER_REQUEST", "CODE_ALPHABET", "CSV_HEADER", "DESCRIPTION_MAX", "PROBLEM_MAX",
    "PROBLEM_MIN", "Participant", "QUESTIONS_MAX", "RANKING_HEADER", "TEMPLATE_FIELDS", "TEXTS_PER_QUESTION",
    "TITLE_MAX", "approved_choices", "available_types", "build_questions", "can_see_results", "close_poll",
    "code_count", "code_for", "code_of_session", "codes_of", "compare", "comparison_progress", "create_poll",
    "csv_rows", "csv_text", "delete_poll", "format_code", "generate_codes", "get_poll", "get_problem",
    "has_ballots", "has_taken_part", "min_comparisons", "moderate_problem", "next_pair", "normalise_code",
    "open_poll", "parse_answers", "pending_count", "poll_query", "problems_of", "problems_submitted_by",
    "question_types", "ranking", "require_results_visible", "results", "settle", "settle_due_polls",
    "status_condition", "submit_ballot", "submit_problem", "templates_for", "unused_codes_query", "update_poll",
    "with_template",
]
