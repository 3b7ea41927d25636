"""The reference page of product.md §6: a tiny app with our stack (Flask, Flask-Login,
Flask-SQLAlchemy; the bench serves it with the same gunicorn configuration as the app). A
logged-in request loads the user, runs one COUNT and renders a small template: what an
authenticated database-backed page costs at the least.

    REFERENCE_DATABASE_URI=sqlite:////tmp/ref.sqlite gunicorn -c deploy/gunicorn.conf.py \\
        scripts.reference_app:app
    GET /masuk?user=1 logs in (benchmark only: no password), GET / is the page.
"""

import os

from flask import Flask, abort, redirect, render_template_string, request
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Integer, String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()


class User(UserMixin, db.Model):
    __tablename__ = "reference_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class Item(db.Model):
    __tablename__ = "reference_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(Integer, index=True)


PAGE = """<!doctype html><html lang="id"><head><meta charset="utf-8"><title>Rujukan</title></head>
<body><h1>Halo, {{ current_user.name }}</h1><p>{{ count }} butir</p></body></html>"""


def _uri() -> str:
    uri = os.environ.get("REFERENCE_DATABASE_URI", "sqlite:////tmp/karier-reference.sqlite")
    if uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri[len("postgresql://") :]
    return uri


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=os.environ.get("REFERENCE_SECRET_KEY", "reference-only"),
        SQLALCHEMY_DATABASE_URI=_uri(),
    )
    db.init_app(app)
    login_manager.init_app(app)

    @login_manager.user_loader
    def load_user(user_id: str):
        return db.session.get(User, int(user_id))

    @app.get("/healthz")
    def healthz():
        return "ok"

    @app.get("/masuk")
    def login():
        user = db.session.get(User, request.args.get("user", 1, type=int)) or abort(404)
        login_user(user)
        return redirect("/", 303)

    @app.get("/")
    @login_required
    def page():
        count = db.session.scalar(
            select(func.count(Item.id)).where(Item.owner_id == current_user.id)
        )
        return render_template_string(PAGE, count=count)

    with app.app_context():
        db.create_all()
        if not db.session.scalar(select(func.count(User.id))):
            db.session.add_all([User(id=i, name=f"Pegawai {i}") for i in range(1, 101)])
            db.session.add_all([Item(owner_id=1 + i % 100) for i in range(5000)])
            db.session.commit()
    return app


app = create_app()
