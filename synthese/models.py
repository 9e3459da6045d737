"""Models of the synthese app."""
