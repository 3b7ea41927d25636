"""htmx helpers: tell a fragment request from a full page, and answer each the right way."""

from flask import Response, make_response, redirect, render_template, request


def is_partial() -> bool:
    """A fragment is wanted: an htmx request that is neither boosted nor a history restore."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def render(page: str, fragment: str, status: int = 200, **context) -> Response:
    """One URL serves the full page and, for htmx, only the fragment the page includes."""
    template = fragment if is_partial() else page
    return make_response(render_template(template, **context), status)


def redirect_after_post(location: str) -> Response:
    """Plain form posts get 303 See Other; htmx posts get a client-side redirect."""
    if is_htmx() and request.headers.get("HX-Boosted") != "true":
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location, code=303)


def trigger(response: Response, *events: str) -> Response:
    """Add HX-Trigger events (kebab-case names) so other parts of the page can refresh."""
    existing = [e for e in response.headers.get("HX-Trigger", "").split(",") if e]
    response.headers["HX-Trigger"] = ",".join([*existing, *events])
    return response
