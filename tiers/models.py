"""Models of the tiers app."""
