"""Models of the parc app."""
