"""Exporters of the core app."""
