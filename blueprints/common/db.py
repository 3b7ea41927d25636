"""Database helpers that must behave the same on SQLite and PostgreSQL."""

from sqlalchemy import select, text, update

from extensions import db


def is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


def lock_row(model, row_id: int):
    """Load one row for update, holding a write lock until the transaction ends.

    PostgreSQL: SELECT ... FOR UPDATE. SQLite has no row locks: a no-op UPDATE as the first write
    takes the database's write lock (waiting up to the busy timeout), so that concurrent requests
    that check-then-write run one after the other. Call it before any other write of the transaction.
    """
    if is_sqlite():
        pk = model.__mapper__.primary_key[0]
        db.session.execute(update(model).where(pk == row_id).values({pk.name: pk}))
        db.session.expire_all()
        return db.session.get(model, row_id)
    return db.session.scalars(
        select(model)
        .where(model.__mapper__.primary_key[0] == row_id)
        .with_for_update()
        .execution_options(populate_existing=True)  # values read earlier may be stale
    ).first()


def ping() -> bool:
    db.session.execute(text("SELECT 1"))
    return True
