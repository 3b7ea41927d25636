"""Absolute links that leave the screen: a QR code scanned by a phone, the verification address
printed on a certificate. They must point at the address everyone reaches, not at the host the
page happened to be opened on (an organizer's laptop at http://localhost, a server's own IP).

Rule: the configured PUBLIC_BASE_URL, unless it is itself a loopback address (the development
default), in which case the request's own host is the best guess there is."""

from ipaddress import ip_address
from urllib.parse import urlencode, urlsplit

from flask import current_app, url_for


def _is_loopback(base_url: str) -> bool:
    host = (urlsplit(base_url).hostname or "").strip("[]")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def public_url(endpoint: str, **values) -> str:
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if not base or _is_loopback(base):
        return url_for(endpoint, _external=True, **values)
    return base + url_for(endpoint, **values)


def with_query(url: str, **params) -> str:
    """`url` with these query parameters (None left out), as url_for would write them.

    For a link repeated on every row of a table: url_for once outside the loop, this inside
    it. url_for goes through the URL map on every call, and a leader's table of units and
    waves makes hundreds of links a page."""
    query = urlencode({key: value for key, value in params.items() if value is not None})
    if not query:
        return url
    return f"{url}{'&' if '?' in url else '?'}{query}"
