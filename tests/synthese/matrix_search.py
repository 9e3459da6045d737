"""Permission matrix entries of the quick search's companions (synthese/views/search_f10.py,
cti.py); see tests/matrix.py. The webhook is not a session view: without its tenant token every
actor, logged in or not, gets 401 (tests/synthese/test_cti.py tests the token)."""

from __future__ import annotations

from tests.matrix import ACTORS, Entry

ENTRIES = {
    "synthese:f10": Entry(success=302),  # no customer on the page: to the synthèse search screen
    "synthese:cti_poll": Entry(headers={"accept": "application/json"}),
    "synthese:cti_preference": Entry(),
    "synthese:cti_incoming": Entry(
        method="post",
        data=lambda ctx: {"called_user": "x", "caller_number": "0123456789"},
        # A session of a user without membership is stopped by the tenant middleware first (403);
        # the telephony platform posts without any session.
        statuses={**dict.fromkeys(ACTORS, 401), "no_membership": 403},
    ),
}
