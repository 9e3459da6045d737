"""Views of the synthèse: the search screen and quick search, the customer's synthèse (frame and
tab bodies), its side panels and the saving of the user's preferences."""

from .exports import SyntheseExportView
from .frame import CustomerView
from .panels import FollowUpsPanelView, VaultPanelView, WikiPanelView
from .preferences import ColumnsSaveView
from .search import QuickSearchView, SearchView

__all__ = [
    "ColumnsSaveView",
    "CustomerView",
    "FollowUpsPanelView",
    "QuickSearchView",
    "SearchView",
    "SyntheseExportView",
    "VaultPanelView",
    "WikiPanelView",
]
