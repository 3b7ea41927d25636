"""The competency tags of a feedback. Their one source is the competency dictionary
(competencies.dictionary, kept by admins): the form offers its active entries, grouped by kind in
the dictionary's order; a tag stores the entry's code, which never changes once made. So an entry
an admin adds is offered at once, a deactivated one is no longer offered while older feedback
tagged with it still shows its name, and a code the dictionary does not know is refused
(check()). A tagged feedback is evidence on the same competency (feedback.evidence).

The dictionary is read once per request (tags_by_code()): every label of a page costs nothing more."""

from dataclasses import dataclass

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from blueprints.competencies.dictionary import dictionary_order
from blueprints.competencies.models import Competency
from blueprints.feedback.errors import InvalidAction
from extensions import db


@dataclass(frozen=True)
class Tag:
    code: str
    name: str
    kind: str
    active: bool


def tags_by_code() -> dict[str, Tag]:
    """Every dictionary entry, active or not, by code, in the dictionary's order. One query per
    request (cached on `g`); outside a request (CLI, exports run by a script) a fresh read."""
    if has_request_context() and "feedback_tags" in g:
        return g.feedback_tags
    rows = db.session.execute(
        select(Competency.code, Competency.name, Competency.kind, Competency.active).order_by(
            *dictionary_order()
        )
    )
    tags = {code: Tag(code, name, kind, bool(active)) for code, name, kind, active in rows}
    if has_request_context():
        g.feedback_tags = tags
    return tags


def label(code: str, dictionary: dict[str, Tag] | None = None) -> str:
    """The dictionary's name of a tag (inactive entries too); a code it does not know shows as
    stored rather than vanishing. Pass `dictionary` (tags_by_code()) in a loop outside a request."""
    tag = (dictionary if dictionary is not None else tags_by_code()).get(code)
    return tag.name if tag else code


def labels(codes, dictionary: dict[str, Tag] | None = None) -> list[str]:
    """The names of `codes` in the dictionary's order (codes it does not know last)."""
    dictionary = dictionary if dictionary is not None else tags_by_code()
    position = {code: n for n, code in enumerate(dictionary)}
    ordered = sorted(codes, key=lambda c: (position.get(c, len(position)), c))
    return [label(c, dictionary) for c in ordered]


def kind_of(code: str) -> str | None:
    tag = tags_by_code().get(code)
    return tag.kind if tag else None


def _offered(tag: Tag, keep) -> bool:
    # An inactive entry stays offered only where it is already tagged (a draft being edited),
    # so that saving the draft does not drop it unasked.
    return tag.active or tag.code in keep


def choices(kind: str | None = None, keep=()) -> list[tuple[str, str]]:
    """(code, name) of the entries offered as tags, of one kind or all, in the dictionary's order:
    the active ones, and the inactive ones among `keep`."""
    return [
        (t.code, t.name)
        for t in tags_by_code().values()
        if (kind is None or t.kind == kind) and _offered(t, keep)
    ]


def check(codes, keep=()) -> list[str]:
    """`codes` without repeats, if each is offered (choices()); else refused, nothing stored.
    The form refuses them first; this keeps the rule for every caller of the service."""
    tags = tags_by_code()
    unknown = [c for c in codes if c not in tags or not _offered(tags[c], keep)]
    if unknown:
        raise InvalidAction(
            _l("Kompetensi tidak ada di kamus kompetensi: %(codes)s", codes=", ".join(unknown))
        )
    return list(dict.fromkeys(codes))
