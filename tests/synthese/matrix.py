"""Permission matrix entries of the synthese app's URLs; see tests/matrix.py."""

from tests.matrix import Entry

ENTRIES = {
    "synthese:search": Entry(),
}
