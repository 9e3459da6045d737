"""The JSON endpoints, fuzzed (hypothesis): generated parameters and bodies (non-JSON bodies,
wrong content types, huge bodies, JSON of the wrong shape) get a JSON answer, a 4xx one with an
error when the request is refused; never a server error.

The endpoints are the views that answer with JsonResponse: the quick search (Accept:
application/json), the incoming-call webhook (with a valid token, a wrong one and none), the
incoming-call poll, the third-party picker, the registry (SIRENE) lookup and the postal-code lookup.
"""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.strategies import (
    INJECTION_SAMPLES,
    NUMBER_SAMPLES,
    PHONE_SAMPLES,
    SIREN_SAMPLES,
    SIRET_SAMPLES,
    UNICODE_SAMPLES,
    hostile_text,
)
from tests.synthese.cti_support import customer_with_phone, tenant_token

# Endpoints answer without rendering a page: 50 examples each in "ci" (500 in "resilience").
JSON_EXAMPLES_SHARE = 2

_TEXT = st.one_of(
    st.sampled_from((*INJECTION_SAMPLES, *UNICODE_SAMPLES, *NUMBER_SAMPLES, "x" * 10_000, "\x00")),
    hostile_text(),
)
_JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), _TEXT
)
JSON_VALUES = st.recursive(
    _JSON_SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(_TEXT, children, max_size=3)),
    max_leaves=8,
)
CONTENT_TYPES = (
    "application/json",
    "application/json; charset=latin-1",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=nope",
    "application/xml",
    "",
)


def _examples() -> int:
    return max(10, settings.default.max_examples // JSON_EXAMPLES_SHARE)


def _params(names: tuple[str, ...], samples=()) -> st.SearchStrategy[dict]:
    value = st.one_of(_TEXT, st.sampled_from(samples or ("",)))
    values = st.one_of(value, st.lists(value, min_size=2, max_size=3))
    return st.dictionaries(st.one_of(st.sampled_from(names), _TEXT.filter(bool)), values, max_size=4)


def assert_json_answer(response, *, allowed: tuple[int, ...]) -> dict | list:
    """A JSON body; a 4xx one carries an ``error`` or ``errors`` entry."""
    assert response.status_code < 500
    assert response.status_code in allowed, response.status_code
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    payload = json.loads(response.content)
    if response.status_code >= 400:
        assert isinstance(payload, dict) and (payload.get("error") or payload.get("errors")), payload
    return payload


def _fuzz_json_get(client, url: str, names: tuple[str, ...], samples=(), allowed=(200, 400)) -> None:
    @settings(max_examples=_examples())
    @given(params=_params(names, samples))
    def run(params):
        with transaction.atomic():
            response = client.get(url, params, headers={"accept": "application/json"})
            transaction.set_rollback(True)
        assert_json_answer(response, allowed=allowed)

    run()


def test_quick_search_answers_json(fuzz_client, tenant):
    customer_with_phone(tenant)

    _fuzz_json_get(fuzz_client, reverse("synthese:quick_search"), ("q",), PHONE_SAMPLES, allowed=(200,))


def test_call_poll_answers_json(fuzz_client):
    _fuzz_json_get(fuzz_client, reverse("synthese:cti_poll"), ("since", "q", "id"), allowed=(200,))


def test_party_picker_answers_json(fuzz_client, tenant):
    customer_with_phone(tenant)

    _fuzz_json_get(
        fuzz_client,
        reverse("tiers:party_picker"),
        ("q", "kind"),
        ("client", "prospect", "gar"),
        allowed=(200,),
    )


def test_registry_lookup_answers_json(fuzz_client):
    _fuzz_json_get(
        fuzz_client, reverse("tiers:registry_lookup"), ("siret", "siren"), SIRET_SAMPLES + SIREN_SAMPLES
    )


def test_postal_lookup_answers_json(fuzz_client):
    _fuzz_json_get(
        fuzz_client,
        reverse("tiers:postal_lookup"),
        ("code", "ville"),
        ("75001", "690", "lyo"),
        allowed=(200,),
    )


_EVENTS = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "called_user": st.one_of(JSON_VALUES, st.just("commercial@example.com")),
            "caller_number": st.one_of(JSON_VALUES, st.sampled_from(PHONE_SAMPLES)),
        },
    ),
    JSON_VALUES,
)
_BODIES = st.one_of(
    _EVENTS.map(lambda event: json.dumps(event).encode()),
    st.binary(max_size=200),
    _TEXT.map(lambda text: text.encode("utf-8")),
    st.just(b"{" * 5000),
    st.just(json.dumps({"called_user": "x" * 5000, "caller_number": "0123456789"}).encode()),
    st.just(b"\xff\xfe\x00{"),
    st.just(b""),
)


@pytest.mark.parametrize("token_kind", ["valid", "wrong", "missing"])
def test_incoming_call_webhook_answers_json(client, tenant, fuzz_user, token_kind):
    customer_with_phone(tenant)
    token = {"valid": tenant_token(tenant), "wrong": "faux-jeton", "missing": None}[token_kind]
    url = reverse("synthese:cti_incoming")
    allowed = {"valid": (201, 400, 404), "wrong": (403,), "missing": (401,)}[token_kind]

    @settings(max_examples=_examples())
    @given(body=_BODIES, content_type=st.sampled_from(CONTENT_TYPES))
    def run(body, content_type):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        with transaction.atomic():
            response = client.generic("POST", url, body, content_type=content_type, headers=headers)
            transaction.set_rollback(True)
        assert_json_answer(response, allowed=allowed)

    run()
