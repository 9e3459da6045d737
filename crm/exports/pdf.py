"""Render a print template to PDF with WeasyPrint, fetching only our own static files.

A document may only load ``data:`` URLs and files served under STATIC_URL (found by the static
files finders, so no path outside them). Anything else (http, https, file, ftp...) is refused and
logged, so a rendered document never reaches the network or the server's disk: user text in a
template cannot leak data or make the server call out. WeasyPrint is imported lazily (it loads
Pango, which is slow and may be missing on a developer machine).
"""

from __future__ import annotations

import logging
import mimetypes
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# Relative URLs in print templates resolve against this base; only its STATIC_URL part is served.
BASE_URL = "file:///"


class ResourceRefused(ValueError):
    """A print template asked for a resource that is not one of our static files."""


def static_path(url: str) -> str | None:
    """The local file behind ``url`` when it is one of our static files, else None."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = unquote(parts.path)
    if not path.startswith(settings.STATIC_URL):
        return None
    relative = path[len(settings.STATIC_URL) :]
    try:
        found = finders.find(relative)
    except SuspiciousFileOperation:
        return None
    return found if isinstance(found, str) else None


def local_url_fetcher():
    """A WeasyPrint URL fetcher that serves data: URLs and our static files, and nothing else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_path(url)
            if path is None:
                logger.warning("PDF rendering refused a non-local resource: %s", url)
                raise ResourceRefused(f"Non-local resource refused: {url}")
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=open(path, "rb"), headers={"Content-Type": content_type})

    return LocalURLFetcher(allowed_protocols=("data", "file"), allow_redirects=False)


def html_to_pdf(html: str) -> bytes:
    """The PDF bytes of an HTML document whose resources may only be our static files."""
    from weasyprint import HTML

    return HTML(string=html, base_url=BASE_URL, url_fetcher=local_url_fetcher()).write_pdf()


def pdf_render(template_name: str, context: dict[str, Any] | None = None) -> bytes:
    """Render the print template ``template_name`` with ``context`` and return the PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context or {}))
