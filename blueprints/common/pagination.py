"""Offset pagination that works as plain links (no JavaScript) and inside htmx fragments."""

from dataclasses import dataclass

from flask import request
from sqlalchemy import Select, func, select

from extensions import db


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first(self) -> int:
        """The position of the page's first row (1-based; 0 when there are none)."""
        return min((self.page - 1) * self.per_page + 1, self.total)

    @property
    def last(self) -> int:
        return min(self.page * self.per_page, self.total)

    def url_args(self, page: int) -> dict:
        """The current query string with another page number, for url_for(**args)."""
        args = request.args.to_dict()
        args["page"] = page
        return args


def page_within(page: int, total: int, per_page: int) -> Page:
    """Page `page` of `total` rows (no rows attached), its number kept between the first and
    the last page: a link past the end shows the last one."""
    pages = max(1, -(-total // per_page))
    return Page([], min(max(1, page), pages), per_page, total)


def current_page() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


def paginate(
    stmt: Select, per_page: int = 25, scalars: bool = True, count_stmt: Select | None = None
) -> Page:
    """Two queries whatever the size: a count and one page of rows. `count_stmt` (a SELECT of
    one number) counts the same rows more cheaply than wrapping `stmt`, e.g. without the
    aggregates that only the shown columns need."""
    page = current_page()
    if count_stmt is None:
        count_stmt = select(func.count()).select_from(stmt.order_by(None).subquery())
    total = db.session.scalar(count_stmt)
    paged = stmt.limit(per_page).offset((page - 1) * per_page)
    result = db.session.scalars(paged) if scalars else db.session.execute(paged)
    return Page(list(result.all()), page, per_page, total or 0)
