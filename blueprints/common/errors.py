"""Error pages in the user's language; htmx requests get a small fragment instead of a page."""

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError

from blueprints.common.htmx import is_htmx
from extensions import db


def _page(status: int, title: str, message: str):
    template = "errors/_fragment.html" if is_htmx() else "errors/error.html"
    return render_template(template, status=status, title=title, message=message), status


def register_errorhandlers(app: Flask) -> None:
    @app.errorhandler(400)
    def bad_request(error):
        return _page(400, _("Permintaan tidak valid"), _("Permintaan tidak dapat diproses."))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _page(
            400,
            _("Sesi formulir kedaluwarsa"),
            _("Formulir ini sudah kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi."),
        )

    @app.errorhandler(403)
    def forbidden(error):
        return _page(403, _("Akses ditolak"), _("Anda tidak memiliki akses ke halaman ini."))

    @app.errorhandler(404)
    def not_found(error):
        return _page(404, _("Halaman tidak ditemukan"), _("Halaman yang Anda cari tidak ada."))

    @app.errorhandler(405)
    def method_not_allowed(error):
        return _page(405, _("Metode tidak diizinkan"), _("Permintaan tidak dapat diproses."))

    @app.errorhandler(413)
    def too_large(error):
        return _page(413, _("Berkas terlalu besar"), _("Ukuran berkas melebihi batas."))

    @app.errorhandler(429)
    def too_many(error):
        return _page(
            429,
            _("Terlalu banyak percobaan"),
            _("Terlalu banyak percobaan masuk. Tunggu satu menit, lalu coba lagi."),
        )

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        app.logger.warning(
            "database unavailable: %s", error.orig if hasattr(error, "orig") else error
        )
        db.session.rollback()
        return _page(
            503,
            _("Layanan sedang tidak tersedia"),
            _("Basis data sedang tidak dapat dihubungi. Coba lagi beberapa saat lagi."),
        )

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        app.logger.error("unhandled error: %s", getattr(error, "original_exception", error))
        return _page(500, _("Terjadi kesalahan"), _("Terjadi kesalahan pada server. Coba lagi."))
