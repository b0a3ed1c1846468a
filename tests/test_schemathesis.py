"""schemathesis against every service's real app, with every check on: no server error, no answer the
OpenAPI does not declare, no body outside its schema, and valid input accepted.

Each service runs as it runs in production: ``create_app(settings)`` on a SQLite database of its own, its
whole lifespan (migrations, topics, the Kafka consumer and relay) on the shared test broker with a topic and
consumer group of its own, so that ``/health`` and the routes answer from the same parts a county runs.
schemathesis calls the app in-process (ASGI), signed in as the callers each route admits: a registered
partner (HTTP Basic), county IT (the admin token) and, on the board, a signed-in operator (its cookie).
A route that admits both a partner and county IT is called as each.

Bounded (``MAX_EXAMPLES`` a route, derandomized): the module runs in a few minutes on two busy cores.
"""

import base64
import importlib
import secrets
from collections import Counter
from dataclasses import dataclass, field

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.core.failures import FailureGroup, as_reported_failure
from schemathesis.pytest.lazy import get_all_tests
from schemathesis.python import asgi

from tests.deployment import APP_SERVICES, settings_class

ADMIN_TOKEN = "fuzz-admin-token-0123456789abcdef"
PARTNER_SECRET = "fuzz-partner-secret-0123456789"
OPERATOR_PASSWORD = "fuzz-operator-password-0123"
MAX_EXAMPLES = 5
FUZZ = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    # Generated bodies are large and many are filtered (a code pattern, a bounded list): still worth running.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
CALLS: Counter[str] = Counter()


@dataclass
class Served:
    """One service's app under test and the credentials of each kind of caller it admits."""

    service: str
    schema: schemathesis.BaseSchema
    headers: dict[str, dict[str, str]] = field(default_factory=dict)  # caller kind -> headers


def _basic(partner_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{partner_id}:{secret}".encode()).decode()}


ACCEPTED = ["2xx", "401", "403", "404", "409", "429"]
# Where a schema-valid input is refused for a reason JSON Schema cannot state, positive_data_acceptance
# also takes that route's 422 (every other check stays as it is): the rule depends on what is stored or on
# the time, not on the input alone.
STATEFUL_RULES = [
    # A new place needs a place_type; an update of a known one may leave it out.
    {"include-path": "/v1/places/{place_id}", "include-method": "PUT"},
    # A referral kept open needs a review date in the future.
    {"include-path": "/v1/referrals/{referral_id}/resolution", "include-method": "POST"},
    # An HMIS export's range ends on or after its start: a rule across two parameters.
    {"include-path": "/v1/admin/hmis-export", "include-method": "GET"},
]


def _config() -> schemathesis.Config:
    refused = {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "422"]}}
    return schemathesis.Config.from_dict(
        {
            "checks": {"enabled": True},
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                # The real credentials are sent with every call (``_exercise``): generated ones would be
                # replaced, and a case "without Authorization" would be sent with it.
                "with-security-parameters": False,
                # A query parameter the route does not name is ignored, as HTTP APIs do; not a refusal to test.
                "allow-extra-parameters": False,
            },
            "operations": [
                *({**rule, "checks": refused} for rule in STATEFUL_RULES),
                # The board's live stream sends the board at once, then waits for a change: its first event is
                # what there is to check, not the ten seconds of the read timeout after it, every call.
                {"include-path": "/v1/board/stream", "include-method": "GET", "max-stream-events": 1},
            ],
        }
    )


def _serve(service: str, kafka_bootstrap: str, tmp_path_factory) -> Served:
    topic = f"test.fuzz-{service}.{secrets.token_hex(5)}"
    # Handoff's HMIS export answers 503 until county IT gives it its pseudonym key: give it one, as a county would.
    extra = {"hmis_id_key": "fuzz-hmis-pseudonym-key-0123456789abcdef"} if service == "handoff" else {}
    service_settings = settings_class(service)(
        **extra,
        data_dir=tmp_path_factory.mktemp(service),
        admin_token=ADMIN_TOKEN,
        kafka_bootstrap=kafka_bootstrap,
        episode_topic=topic,
        dead_letter_topic=f"{topic}.dlq",
        group_prefix=topic,
        topic_partitions=1,
        # ignored_auth sends a wrong credential after every accepted call, all from one client address: the
        # limit on failed sign-ins (its own tests prove it) would soon answer 429 before any route ran.
        failed_credentials_per_client="1000000/minute",
        failed_credentials_per_partner="1000000/minute",
    )
    app = importlib.import_module(f"continuum_{service}.app").create_app(service_settings)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=_config())
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    served = Served(service, schema, {"admin": admin})
    with asgi.get_client(app) as client:  # starts the app's lifespan, which schemathesis then reuses
        if service == "board":
            served.headers["operator"] = _operator_cookie(client, admin)
        else:
            served.headers["partner"] = _register_partner(client, service, admin)
    return served


def _register_partner(client, service: str, admin: dict[str, str]) -> dict[str, str]:
    body: dict = {"partner_id": "fuzz-partner", "secret": PARTNER_SECRET}
    if service == "intake":  # intake's partners name what they may post: here everything
        from continuum_contracts.vocabulary import Channel
        from continuum_intake.api.auth import PartnerEventType

        body |= {"channels": [c.value for c in Channel], "event_types": [t.value for t in PartnerEventType]}
    answer = client.post("/v1/admin/partners", json=body, headers=admin)
    assert answer.status_code == 201, answer.text
    return _basic("fuzz-partner", PARTNER_SECRET)


def _operator_cookie(client, admin: dict[str, str]) -> dict[str, str]:
    body = {"username": "fuzz-operator", "password": OPERATOR_PASSWORD}
    assert client.post("/v1/admin/operators", json=body, headers=admin).status_code == 201
    answer = client.post("/v1/session", json=body)
    assert answer.status_code == 200, answer.text
    return {"Cookie": "; ".join(f"{name}={value}" for name, value in answer.cookies.items())}


def _callers(case) -> list[str]:
    """The kinds of caller the route admits, from its OpenAPI: its guard and its security schemes."""
    operation = case.operation.definition.raw
    kinds = set((operation.get("x-continuum-guard") or {}).get("callers", []))
    kinds |= {name for requirement in operation.get("security", []) for name in requirement}
    return sorted(kinds)


def _exercise(served: Served, case) -> None:
    kinds = [kind for kind in _callers(case) if kind in served.headers] or [None]
    operator = served.headers.get("operator", {})
    if (case.method, case.path) == ("DELETE", "/v1/session"):
        operator = {}  # signing out would end the session every later board call is made in
    for kind in kinds:
        headers = {**operator, **served.headers.get(kind, {})} if kind else dict(operator)
        CALLS[served.service] += 1
        case.call_and_validate(headers=headers)


@pytest.fixture
def served(request, kafka_bootstrap, tmp_path_factory):
    """One service at a time: its lifespan ends with its test, so the next one starts on a quiet loop."""
    try:
        yield _serve(request.param, kafka_bootstrap, tmp_path_factory)
    finally:
        asgi.shutdown_lifespans()
        print(f"\nschemathesis calls on {request.param}: {CALLS[request.param]}")


def _fuzz(served: Served, subtests) -> None:
    """Each operation's hypothesis test, as ``@schema.parametrize()`` builds it (explicit examples, coverage
    cases, then generated ones, positive and negative), one subtest an operation. (schemathesis's lazy
    pytest loader renames the test node through an attribute pytest 9.2 no longer has, so the tests
    are built here.)"""

    def call(case) -> None:
        _exercise(served, case)

    for result in get_all_tests(schema=served.schema, test_func=call, settings=FUZZ, given_kwargs={}):
        operation, test = result.ok()
        with subtests.test(operation.label):
            try:
                test()
            except FailureGroup as failures:
                raise as_reported_failure(failures) from None


@pytest.mark.timeout(420)  # a hung call fails the test rather than stopping CI
@pytest.mark.parametrize("served", APP_SERVICES, indirect=True)
def test_every_answer_is_as_the_openapi_says(served, subtests):
    _fuzz(served, subtests)
