"""What each role may do with this app's models (DESIGN.md §4). Filled as models arrive."""

GRANTS: dict = {}
