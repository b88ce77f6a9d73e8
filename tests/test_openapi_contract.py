"""Issue item 14: the API answers as its OpenAPI document says (a bounded property-based run with schemathesis).

Schemathesis generates requests from /api/v1/openapi.json (valid and invalid ones) and sends them in
process to the WSGI app; every response must pass the standard checks: no 5xx, a documented status,
a documented content type, a body of the documented schema (errors: DESIGN.md's shape), and invalid
requests refused. Path ids are drawn mostly from real rows, so the calls reach the services.
"""

import contextlib
import time

import hypothesis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beteiligung.extensions import MAX_ID

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.specs.openapi import checks  # noqa: E402

CHECKS = [checks.status_code_conformance, checks.content_type_conformance, checks.response_schema_conformance,
          checks.negative_data_rejection]
MAX_EXAMPLES = 20
LIMIT_SECONDS = 180


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": False}


@pytest.fixture
def data(db, create_region, create_user, create_consultation, create_comment, create_poll, api_headers):
    """A region with a moderator and a citizen, a consultation with comments, open polls of each kind with codes."""
    from sqlalchemy import select

    from beteiligung.polls.models import Problem
    from beteiligung.polls.services import generate_codes

    region = create_region(slug="soest", name="Soest")
    moderator = create_user(role="moderator", regions=[region], pseudonym="Moderation Soest")
    citizen, other = create_user(pseudonym="Anna"), create_user(pseudonym="Bert")
    consultation = create_consultation(region=region)
    first = create_comment(consultation, other)
    comments = [first, create_comment(consultation, other, parent=first), create_comment(consultation, citizen)]
    survey = create_poll(region=region, audience="both")
    problems = create_poll(region=region, kind="problem_definition", audience="both", phase="comparing",
                           problems=["Zu wenig Bänke am Markt", "Kein WLAN in der Bücherei", "Busse fahren selten"])
    draft = create_poll(region=region, status="draft", title="Entwurf")
    codes = [code.code for code in generate_codes(moderator, survey, 5)]
    db.session.commit()
    ids = sorted({consultation.id, survey.id, problems.id, draft.id, *(c.id for c in comments),
                  *db.session.scalars(select(Problem.id))})
    return {"ids": ids, "codes": codes, "headers": [api_headers(moderator), api_headers(citizen), {}]}


def test_the_api_answers_as_its_openapi_document_says(app, data):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    ids = st.one_of(st.sampled_from(data["ids"]), st.integers(min_value=1, max_value=MAX_ID))
    who = st.sampled_from(data["headers"] + [{"Authorization": f"AccessCode {code}"} for code in data["codes"]])
    started, calls, operations = time.monotonic(), [0], 0

    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        strategy = operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE)
        with contextlib.suppress(Exception):  # an operation with nothing to negate has valid requests only
            strategy = strategy | operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE)

        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck), phases=[hypothesis.Phase.generate])
        @given(case=strategy, id_=ids, headers=who)
        def run(case, id_, headers):
            current = (case.path_parameters or {}).get("id")
            if isinstance(current, int) and not isinstance(current, bool) and 1 <= current <= MAX_ID:
                case.path_parameters["id"] = id_  # a valid id stays valid: mostly one of a real row
            case.headers = {**(case.headers or {}), **headers}
            calls[0] += 1
            response = case.call()
            assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
            case.validate_response(response, checks=CHECKS)

        run()

    elapsed = time.monotonic() - started
    print(f"schemathesis: {operations} operations, {calls[0]} requests, {elapsed:.1f} s")
    assert operations >= 30
    assert calls[0] >= operations * 5
    assert elapsed < LIMIT_SECONDS
