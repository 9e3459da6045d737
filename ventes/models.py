"""Models of the ventes app."""
