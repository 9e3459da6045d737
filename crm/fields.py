"""Model fields shared by every app."""

from django.db import models


class WebsiteField(models.URLField):
    """A website address; forms assume https:// when the user types a bare domain."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})
