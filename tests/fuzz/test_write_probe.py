"""The fuzz tests' "nothing was written" check (tests/fuzz/probe.py) really sees writes: an
accepted form's insert moves the counters, a page read does not, and a refusal that wrote fails
the check."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse

from tests.fuzz.form_fuzz import check_answer
from tests.fuzz.probe import still_written, writes_by_table, writes_so_far, written_tables, xid_mark

REFUSED_PAGE = '<form method="post"><ul class="errorlist"><li>Ce champ est obligatoire.</li></ul></form>'


def test_probe_sees_the_insert_of_an_accepted_form(fuzz_client):
    url = reverse("synthese:cti_preference")

    with transaction.atomic():
        before, total_before = writes_by_table(), writes_so_far()
        response = fuzz_client.post(url, {"ouverture_auto": "on"})
        after, total_after = writes_by_table(), writes_so_far()
        transaction.set_rollback(True)

    assert response.status_code == 302
    assert total_after > total_before
    assert written_tables(before, after)


def test_probe_keeps_a_kept_write_and_leaves_out_one_rolled_back(fuzz_client):
    """pg_stat_xact also counts rows of a savepoint rolled back (a service refusing after its first
    insert): probe.still_written keeps only the writes whose rows are still there."""
    url = reverse("synthese:cti_preference")

    with transaction.atomic():
        before, mark = writes_by_table(), xid_mark()
        with transaction.atomic():
            fuzz_client.post(url, {"ouverture_auto": "on"})
            transaction.set_rollback(True)
        rolled_back = written_tables(before, writes_by_table())
        fuzz_client.post(url, {"ouverture_auto": "on"})
        kept = written_tables(before, writes_by_table())
        kept_still = still_written(kept, mark)
        transaction.set_rollback(True)

    assert rolled_back and kept
    assert set(kept_still) == set(kept)


def test_probe_leaves_out_a_write_rolled_back(fuzz_client):
    url = reverse("synthese:cti_preference")

    with transaction.atomic():
        before, mark = writes_by_table(), xid_mark()
        with transaction.atomic():
            fuzz_client.post(url, {"ouverture_auto": "on"})
            transaction.set_rollback(True)
        written = written_tables(before, writes_by_table())
        remaining = still_written(written, mark)
        transaction.set_rollback(True)

    assert written and remaining == {}


def test_probe_sees_nothing_for_a_page_read(fuzz_client):
    url = reverse("synthese:cti_preference")
    fuzz_client.get(url)  # a first request may set up the session

    with transaction.atomic():
        before = writes_by_table()
        response = fuzz_client.get(url)
        after = writes_by_table()

    assert response.status_code == 200
    assert written_tables(before, after) == {}


def test_a_refusal_that_wrote_fails_the_check():
    response = HttpResponse(REFUSED_PAGE)

    check_answer(response, {}, {}, {"code": ["X"]})
    with pytest.raises(AssertionError, match="wrote"):
        check_answer(response, {}, {"tiers_thirdparty": (1, 0, 0)}, {"code": ["X"]})


def test_an_empty_refusal_or_one_in_english_fails_the_check():
    silent = HttpResponse("", status=400)
    english = HttpResponse('<ul class="errorlist"><li>This field is required.</li></ul>')

    with pytest.raises(AssertionError, match="untranslated"):
        check_answer(english, {}, {}, {})
    with pytest.raises(AssertionError, match="empty page"):
        check_answer(silent, {}, {}, {})
