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


DB_INT_MAX = 2**31 - 1  # INTEGER columns (PostgreSQL refuses larger values in any statement)


def db_id(value) -> int:
    """An id an INTEGER column can hold, from an int or its decimal text; ValueError otherwise.
    Usable as `type=` of request.args.get (Werkzeug then returns the default). Text is read as
    ASCII digits only, at most 10 of them: int() of thousands of digits is itself an error."""
    if isinstance(value, str):
        if not (value.isascii() and value.isdigit() and len(value) <= 10):
            raise ValueError(value)
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= DB_INT_MAX:
        raise ValueError(value)
    return value


def db_id_or_none(value) -> int | None:
    try:
        return db_id(value)
    except ValueError:
        return None
