"""Static files: fingerprinted URLs, a year's cache, and no session or database work.

`static_url(filename)` (and templates' `url_for('static', filename=...)`) gives
`/static/<filename>?v=<hash>`, the hash of the file's content. A
request carrying the current hash is answered `Cache-Control: public, max-age=31536000,
immutable`; any other (an old page asking for an old hash, or no hash) is revalidated. Static
requests open no session (so no cookie is read, refreshed or set) and never load the user.
"""

import gzip
import hashlib
import os

import brotli
from flask import Flask, current_app, request, url_for
from flask.sessions import SecureCookieSessionInterface

YEAR = 365 * 24 * 3600
_HASH_LENGTH = 12

# (absolute path) -> (mtime_ns, size, hash): files change only on deploy; the stat keeps a
# development server honest when a file is edited.
_hashes: dict[str, tuple[int, int, str]] = {}


def content_hash(app: Flask, filename: str) -> str | None:
    folder = app.static_folder
    if not folder:
        return None
    path = os.path.join(folder, filename)
    try:
        stat = os.stat(path)
    except OSError:
        return None
    known = _hashes.get(path)
    if known and known[0] == stat.st_mtime_ns and known[1] == stat.st_size:
        return known[2]
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(65536), b""):
            digest.update(block)
    value = digest.hexdigest()[:_HASH_LENGTH]
    _hashes[path] = (stat.st_mtime_ns, stat.st_size, value)
    return value


def static_url(filename: str) -> str:
    """The fingerprinted URL of a file under static/ (unfingerprinted if it does not exist)."""
    version = content_hash(current_app, filename)
    if version is None:
        return url_for("static", filename=filename)
    return url_for("static", filename=filename, v=version)


def url_for_fingerprinted(endpoint: str, **values) -> str:
    """Templates' url_for: url_for('static', filename=...) carries the content hash, so that
    every template's static URLs are fingerprinted without each one asking for it."""
    if endpoint == "static" and "v" not in values and "filename" in values:
        version = content_hash(current_app, values["filename"])
        if version is not None:
            values["v"] = version
    return url_for(endpoint, **values)


def is_static_path(app: Flask, path: str) -> bool:
    prefix = (app.static_url_path or "/static").rstrip("/") + "/"
    return path.startswith(prefix)


class SessionInterface(SecureCookieSessionInterface):
    """The signed-cookie session, except for static files: they get the null session (nothing
    is decoded, nothing can be written, no cookie is sent back)."""

    def open_session(self, app, request):
        if is_static_path(app, request.path):
            return self.make_null_session(app)
        return super().open_session(app, request)


def _accepted(header: str) -> str | None:
    """br if the client takes it, else gzip, else None (q=0 refuses)."""
    offered = {}
    for part in header.lower().split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        offered[name.strip()] = quality
    for name in ("br", "gzip"):
        if offered.get(name, offered.get("*", 0.0)) > 0:
            return name
    return None


# (path, content hash, encoding) -> compressed bytes: each file is compressed once per process.
_compressed: dict[tuple[str, str, str], bytes] = {}


def _compress(response, filename: str, version: str | None) -> None:
    """Static files are compressed here, once, at the best level (not streamed per request)."""
    app = current_app
    if (
        response.status_code != 200
        or response.mimetype not in app.config.get("COMPRESS_MIMETYPES", ())
        or version is None
    ):
        return
    encoding = _accepted(request.headers.get("Accept-Encoding", ""))
    if encoding is None:
        return
    key = (filename, version, encoding)
    if key not in _compressed:
        response.direct_passthrough = False
        data = response.get_data()
        if len(data) < app.config.get("COMPRESS_MIN_SIZE", 500):
            return
        if encoding == "br":
            _compressed[key] = brotli.compress(data, quality=11)
        else:
            _compressed[key] = gzip.compress(data, compresslevel=9, mtime=0)
    response.direct_passthrough = False
    response.close()  # the file it was going to stream
    response.set_data(_compressed[key])
    response.headers["Content-Encoding"] = encoding
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(f"{etag}:{encoding}", weak=weak)


def _cache_headers(response):
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    response.vary.add("Accept-Encoding")
    filename = (request.view_args or {}).get("filename", "")
    version = content_hash(current_app, filename)
    _compress(response, filename, version)
    wanted = request.args.get("v")
    if wanted and wanted == version:
        response.cache_control.public = True
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
        response.cache_control.no_cache = None
    else:
        response.cache_control.no_cache = True
    return response


def register_static(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.after_request(_cache_headers)
    app.jinja_env.globals["static_url"] = static_url
    app.jinja_env.globals["url_for"] = url_for_fingerprinted
