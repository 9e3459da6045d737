"""Models of the fidelite app."""
