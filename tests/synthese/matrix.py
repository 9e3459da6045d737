"""Permission matrix entries of the synthese app's URLs; see tests/matrix.py."""

from tests.matrix import Entry

ENTRIES = {
    "synthese:search": Entry(),
    "synthese:quick_search": Entry(data=lambda ctx: {"q": "acme"}, headers={"accept": "application/json"}),
}
