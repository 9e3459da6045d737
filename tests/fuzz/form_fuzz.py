"""One form's fuzz run: hypothesis posts generated values, each example in a savepoint that is
rolled back, and checks the answer (tests/fuzz/test_forms.py)."""

from __future__ import annotations

from django.db import transaction
from hypothesis import given, settings

from tests.fuzz.html_forms import ParsedForm, english_messages, error_messages, initial_data
from tests.fuzz.probe import still_written, writes_by_table, written_tables, xid_mark
from tests.fuzz.strategies import OMIT, form_data


def post_data(form: ParsedForm, generated: dict) -> dict[str, list[str]]:
    """The rendered form (hidden fields, formset management forms, submit button) with the
    generated values in place of the visible fields'."""
    data = initial_data(form)
    for name, values in generated.items():
        if values == OMIT:
            data.pop(name, None)
        else:
            data[name] = values
    return data


def _short(sent: dict) -> dict:
    """The posted data for a failure message, each value cut to 60 characters."""
    return {name: [repr(value)[:60] for value in values] for name, values in sent.items()}


def check_answer(response, before: dict, after: dict, sent: dict, mark: int | None = None) -> None:
    """Never a server error; a refusal shows a French message and writes nothing (``mark``:
    probe.xid_mark() taken before the request, to leave out writes the view rolled back itself)."""
    sent = _short(sent)
    status = response.status_code
    assert status < 500, f"server error {status} for {sent!r}"
    if 300 <= status < 400:
        return  # accepted (or sent elsewhere): the savepoint is rolled back anyway
    if not response.get("Content-Type", "").startswith("text/html"):
        return  # a file (PDF, spreadsheet) or a JSON answer: accepted
    written = written_tables(before, after)
    if written and mark is not None:
        written = still_written(written, mark)
    messages = error_messages(response.content)
    if status == 200 and not messages:
        assert written, f"200 without an error message and without any write for {sent!r}"
        return  # accepted, answered in place (htmx)
    if status >= 400:
        assert response.content.strip(), f"{status} with an empty page for {sent!r}"
    else:
        assert messages, f"refused without an error message for {sent!r}"
    assert not written, f"refused ({status}: {messages[:3]}) but wrote {written} for {sent!r}"
    english = english_messages(messages)
    assert not english, f"untranslated error messages {english} for {sent!r}"


def fuzz_form(client, url: str, form: ParsedForm, user, codes: list[str], examples: int) -> None:
    fields = form.fuzzable
    relogin = {"needed": False}

    @settings(max_examples=examples)
    @given(generated=form_data(fields, codes))
    def run(generated):
        # An accepted logout or password change ends the session; an accepted login opens one.
        if relogin["needed"] and user is not None:
            client.force_login(user)
        elif relogin["needed"]:
            client.logout()
        sent = post_data(form, generated)
        with transaction.atomic():
            before, mark = writes_by_table(), xid_mark()
            response = client.post(url, sent)
            after = writes_by_table()
            try:
                check_answer(response, before, after, sent, mark)
            finally:
                transaction.set_rollback(True)
        relogin["needed"] = 300 <= response.status_code < 400

    run()
