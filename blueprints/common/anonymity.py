"""Anonymity by construction: the one implementation that surveys and upward feedback share.

The rules (product.md §3.3) and the helper that keeps each one:

1. An anonymous row holds no user id, no time finer than the date and no sequential id:
   ``random_id()`` for primary keys, ``date_stamp()`` for the only time it may hold.
2. Who took part is stored apart and never joined to the answers (the caller's schema keeps it
   so; nothing here needs a person).
3. No figure for a group under the threshold k (never below ``MIN_GROUP``); free-text comments
   only for larger groups, in random order: ``effective_threshold()``, ``group_visible()``,
   ``comments_visible()``, ``random_order()`` / ``sql_random_order()``.
4. Subtraction guard: when groups are shown beside the group that contains them (a parent unit
   and its child units, or a pooled figure and the waves/rounds it pools), no hidden group's
   figures may follow by subtraction: ``guard()``, ``guard_siblings()``, ``guard_across_waves()``.
5. Nobody can list who has not answered (the caller's routes never do; reminders are sent by a
   query that returns only a count to the person who asked).
6. The database links nothing, even for someone holding its files (page and cell order, WAL
   commits, ctid, xmin/xmax): answers are sealed into an inbox in the submitting transaction
   (``seal_answer``) and reach the readable tables only in batches where every group has at
   least k answers, written in one transaction in the order of fresh random ids (``mix``).

The guard and thresholds are pure Python with no database or request state; the inbox and the
mixer (the end of this module) are the only parts that touch the database. See
docs/anonymity.md for the threat model.

How the guard reasons. The figures shown are sums (counts, totals, distributions) over groups
that nest: a shown group X and the shown groups directly inside it, D(X). From those, anyone can
compute the "remainder" of X: its members who are in no shown group of D(X). Every set anyone can
derive by adding and subtracting shown figures is a union of such remainders (for a nested
family of groups the remainders are the atoms). So the rule is: every remainder is either empty
or at least k. When a remainder has 1..k-1 members, the guard hides one more group of D(X) (the
smallest, with everything inside it), which makes the remainder at least k.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import delete, func, select

from blueprints.common import sealing
from blueprints.common.models import SealedAnswer
from blueprints.common.timefmt import today_wib
from extensions import db

#: No threshold, whatever a setting or a wave says, is ever below this.
MIN_GROUP = 3

#: Length of the strings ``random_id()`` returns (use it for the column size).
RANDOM_ID_LENGTH = 32

_SYSTEM_RANDOM = random.SystemRandom()


# --- rule 1: rows that say nothing about who or when --------------------------------------------
def random_id() -> str:
    """A primary key for an anonymous row: 32 hex characters from the operating system's CSPRNG.

    Not sequential and not time-based (unlike UUID1/UUID7 or autoincrement), so neither the id
    nor the order of ids tells anything about who submitted or when.
    """
    return secrets.token_hex(RANDOM_ID_LENGTH // 2)


def date_stamp() -> date:
    """The only time an anonymous row may hold: the calendar date in WIB, no hour or minute."""
    return today_wib()


# --- rule 3: thresholds --------------------------------------------------------------------------
def effective_threshold(k: int | None, default: int = 5) -> int:
    """The threshold actually applied: k (or the default), never below MIN_GROUP."""
    return max(MIN_GROUP, int(default if k is None else k))


def group_visible(n: int | None, k: int | None) -> bool:
    """A group's figures may be shown only when it has at least k members (and is not empty)."""
    return bool(n) and int(n) >= effective_threshold(k)


def comments_visible(n: int | None, comment_k: int | None, k: int | None = None) -> bool:
    """Free text needs a larger group: at least the comment threshold, and never less than k."""
    threshold = max(effective_threshold(comment_k, default=10), effective_threshold(k))
    return bool(n) and int(n) >= threshold


def random_order(items: Iterable) -> list:
    """A shuffled copy (OS randomness): comments never come back in submission order."""
    result = list(items)
    _SYSTEM_RANDOM.shuffle(result)
    return result


def sql_random_order():
    """ORDER BY expression for a random order, on SQLite and PostgreSQL (``random()``)."""
    return func.random()


# --- rule 4: the subtraction guard ---------------------------------------------------------------
@dataclass(frozen=True)
class Group:
    """One group of respondents: ``parent`` is the key of the group that contains it (or None)."""

    key: Hashable
    parent: Hashable | None
    n: int


def guard(
    groups: Iterable[Group] | Mapping[Hashable, tuple[Hashable | None, int]],
    k: int,
    *,
    hidden: Iterable[Hashable] = (),
) -> set[Hashable]:
    """The keys of the groups whose figures may be shown, with the subtraction guard applied.

    ``groups`` is a nested family (a forest): either ``Group`` objects or a mapping
    ``key -> (parent_key, n)``; a group's n counts everyone inside it, its own members and its
    descendants'. ``hidden`` forces groups to stay hidden (for example, cells of a dimension
    whose unit is hidden). Returns the keys that may be shown: each has n >= k, and for every
    shown group the part not covered by the shown groups directly inside it is empty or >= k.

    Deterministic: the same input gives the same answer for every viewer (leaders, admins and
    exports all see one consistent picture, so combining what several people see derives nothing).
    """
    k = effective_threshold(k)
    nodes = _as_nodes(groups)
    children: dict[Hashable, list[Hashable]] = {}
    for key, (parent, _n) in nodes.items():
        if parent is not None and parent in nodes:
            children.setdefault(parent, []).append(key)
    forced = set(hidden)
    shown = {key for key, (_p, n) in nodes.items() if n >= k and key not in forced}

    def depth(key) -> int:
        d, seen = 0, set()
        parent = nodes[key][0]
        while parent is not None and parent in nodes and parent not in seen:
            seen.add(parent)
            d += 1
            parent = nodes[parent][0]
        return d

    def subtree(key) -> list[Hashable]:
        out, stack = [], [key]
        while stack:
            current = stack.pop()
            out.append(current)
            stack.extend(children.get(current, ()))
        return out

    def nearest_shown_below(key) -> list[Hashable]:
        """Shown groups under `key` with no shown group between them and `key`."""
        out, stack = [], list(children.get(key, ()))
        while stack:
            current = stack.pop()
            if current in shown:
                out.append(current)
            else:
                stack.extend(children.get(current, ()))
        return out

    for key in sorted(nodes, key=lambda item: (depth(item), _sort_key(item))):
        if key not in shown:
            continue
        direct = nearest_shown_below(key)
        remainder = nodes[key][1] - sum(nodes[c][1] for c in direct)
        while 0 < remainder < k and direct:
            victim = min(direct, key=lambda c: (nodes[c][1], _sort_key(c)))
            direct.remove(victim)
            shown.difference_update(subtree(victim))
            remainder += nodes[victim][1]
    # Groups with no shown ancestor are compared with nothing, except the forest's own roots:
    # a hidden root's shown descendants are siblings of each other and are fine on their own.
    return shown


def guard_siblings(parent_n: int, children: Mapping[Hashable, int], k: int) -> tuple[bool, set]:
    """One level: a parent group shown beside its child groups.

    Returns (parent_visible, visible_child_keys). Children that do not cover the whole parent
    leave a remainder (the parent's own members, or people in no child): that counts too.
    """
    root = _Root()
    nodes: dict[Hashable, tuple[Hashable | None, int]] = {root: (None, int(parent_n))}
    for key, n in children.items():
        nodes[key] = (root, int(n))
    visible = guard(nodes, k)
    return root in visible, {key for key in children if key in visible}


def guard_across_waves(
    pooled_n: int,
    per_wave: Mapping[Hashable, int],
    k: int,
) -> tuple[bool, set]:
    """A figure pooled over several waves (or rounds) shown beside the per-wave figures.

    Example: rounds of 4 and 2 answers pooled as 6 with k=3: showing the pooled figure and round
    one would give round two by subtraction, so round one is hidden too. Returns
    (pooled_visible, visible_wave_keys). When no pooled figure is shown, per-wave figures only
    need each wave's own threshold (each wave's answers are different rows).
    """
    return guard_siblings(pooled_n, per_wave, k)


def remainders(
    groups: Iterable[Group] | Mapping[Hashable, tuple[Hashable | None, int]],
    shown: Iterable[Hashable],
) -> dict[Hashable, int]:
    """For checks and tests: for each shown group, the size of what subtraction would expose."""
    nodes = _as_nodes(groups)
    shown = set(shown)
    out = {}
    for key in shown:
        covered = 0
        stack = [c for c, (p, _n) in nodes.items() if p == key]
        while stack:
            current = stack.pop()
            if current in shown:
                covered += nodes[current][1]
            else:
                stack.extend(c for c, (p, _n) in nodes.items() if p == current)
        out[key] = nodes[key][1] - covered
    return out


class _Root:
    """A private key for the parent in guard_siblings (never equal to a caller's key)."""

    def __repr__(self) -> str:
        return "<parent>"


def _as_nodes(groups) -> dict[Hashable, tuple[Hashable | None, int]]:
    if isinstance(groups, Mapping):
        return {key: (parent, int(n or 0)) for key, (parent, n) in groups.items()}
    return {g.key: (g.parent, int(g.n or 0)) for g in groups}


def _sort_key(key) -> tuple[str, str]:
    return (type(key).__name__, repr(key))


# --- rule 6: the sealed inbox and the mixer ------------------------------------------------------
#
# Why batches. A submit must record who took part (to refuse a second submit) in the same
# transaction that keeps the answers, so anyone replaying the database's transactions sees the
# person and that transaction together. If that transaction wrote a readable answer, the answer
# would be theirs. So it writes the answer sealed (unreadable without a key that is not in the
# database) into the inbox, and answers reach the readable tables only in a later transaction
# that moves many at once: then the most a copy of the files can tell about a readable answer is
# which batch it came in, and so which people's sealed rows that batch removed. Every group of a
# batch (answers with the same label: the unit, or the leader they are about) therefore holds at
# least k answers, and the batch is written in the order of fresh random ids, so that page and
# cell order, ctid and index order say nothing within it (they follow a random key).
#
# When. A label is mixed while the wave is open only once 2k answers wait (k of them are moved,
# or more, always leaving k waiting), so that at the end every label that ever mixed still has at
# least k waiting. At the end (``final=True``: closing) every label with k or more is moved; a
# label with fewer joins the label above it (``Stream.parents``: a unit's answers count for its
# parent unit), until the group is big enough; what is still under k at the top stays sealed and
# is never counted (it could only have been shown as "hidden" anyway).

SEAL_PURPOSE = b"karier-anonymity-inbox"


@dataclass(frozen=True)
class MixedRow:
    """One answer leaving the inbox: its new random id, the label it counts under, its data."""

    id: str
    label: int
    data: dict


@dataclass(frozen=True)
class Stream:
    """One kind of anonymous answer (survey responses, upward feedback) and how to store it.

    ``threshold(batch_key)`` is k of the wave or round; ``lock(batch_key)`` serialises mixers of
    one batch (a row lock on the wave or round); ``write(batch_key, day, rows)`` inserts the
    readable rows in the order given; ``parents(batch_key)`` maps each label to the label of the
    group containing it (None for a top group), or is None when labels cannot be merged;
    ``open_batches()`` lists the batch keys the daily job mixes; ``stored_batches()`` and
    ``rewrite_stored(batch_key)`` serve ``flask rewrite-anonymous`` (rows stored by an older
    version, one submit at a time, written again as one batch). ``sealed_size(batch_key)`` is the
    length every sealed answer of the batch is padded to: the longest its form allows, so that a
    sealed row's length says nothing about the answer inside (common/sealing.py).
    """

    name: str
    threshold: Callable[[int], int]
    lock: Callable[[int], None]
    write: Callable[[int, date, list[MixedRow]], None]
    open_batches: Callable[[], list[int]]
    sealed_size: Callable[[int], int]
    parents: Callable[[int], Mapping[int, int | None]] | None = None
    stored_batches: Callable[[], list[int]] | None = None
    rewrite_stored: Callable[[int], int] | None = None


@dataclass(frozen=True)
class MixOutcome:
    moved: int
    waiting: int
    unreadable: int = 0  # waiting answers this instance's key does not open


class MixConflict(RuntimeError):
    """Another mixer moved some of the same sealed rows first: roll back, nothing is lost."""


STREAMS: dict[str, Stream] = {}


def register_stream(stream: Stream) -> Stream:
    STREAMS[stream.name] = stream
    return stream


def _key() -> bytes:
    return sealing.instance_key(current_app.config)


def _aad(stream: str, batch_key: int, row_id: str) -> bytes:
    return f"{stream}:{batch_key}:{row_id}".encode()


def seal_answer(stream: str, batch_key: int, label: int, data: dict) -> None:
    """Put one answer into the inbox, sealed, in the caller's (submitting) transaction."""
    row_id = random_id()
    token = sealing.seal(
        _key(),
        data,
        purpose=SEAL_PURPOSE,
        aad=_aad(stream, batch_key, row_id),
        size=STREAMS[stream].sealed_size(batch_key),
    )
    db.session.add(
        SealedAnswer(id=row_id, stream=stream, batch_key=batch_key, label=label, sealed=token)
    )


def pending_count(stream: str, batch_key: int) -> int:
    """How many answers of a wave or round wait sealed (a count, nothing more)."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(SealedAnswer)
            .where(SealedAnswer.stream == stream, SealedAnswer.batch_key == batch_key)
        )
        or 0
    )


def mix(stream_name: str, batch_key: int, *, final: bool = False) -> MixOutcome:
    """Move sealed answers of one wave or round into the readable tables, in the caller's
    transaction (the caller commits). Answers that do not open with this instance's key (a
    wrong or lost ANONYMITY_KEY) stay sealed and are counted in ``unreadable``; they never
    count towards a group, so the rest mixes as if they were not there."""
    stream = STREAMS[stream_name]
    stream.lock(batch_key)
    k = effective_threshold(stream.threshold(batch_key))
    counts = dict(
        db.session.execute(
            select(SealedAnswer.label, func.count())
            .where(SealedAnswer.stream == stream_name, SealedAnswer.batch_key == batch_key)
            .group_by(SealedAnswer.label)
        ).all()
    )
    waiting = sum(counts.values())
    # Only labels that may move need opening (while open: 2k or more waiting).
    candidates = list(counts) if final else [label for label, n in counts.items() if n >= 2 * k]
    opened, unreadable = _open(stream_name, batch_key, candidates)
    sizes = {label: len(rows) for label, rows in opened.items()}
    if final:
        parents = stream.parents(batch_key) if stream.parents else {}
        destination = final_labels(sizes, parents, k)
        quota = {label: sizes[label] for label in destination}
    else:
        destination = {label: label for label, n in sizes.items() if n >= 2 * k}
        quota = {label: sizes[label] - k for label in destination}
    chosen = [
        (label, row_id, data)
        for label in destination
        for row_id, data in _SYSTEM_RANDOM.sample(opened[label], quota[label])
    ]
    if not chosen:
        return MixOutcome(moved=0, waiting=waiting, unreadable=unreadable)
    removed = db.session.execute(
        delete(SealedAnswer).where(SealedAnswer.id.in_([row_id for _l, row_id, _d in chosen]))
    ).rowcount
    if removed != len(chosen):
        raise MixConflict(f"{removed} of {len(chosen)} sealed answers were still there.")
    mixed = [
        MixedRow(id=random_id(), label=destination[label], data=data) for label, _r, data in chosen
    ]
    # The write order is the order of the new random ids: whatever order the storage keeps
    # (cells in a page, ctid, index entries) then follows a random key, not the people.
    stream.write(batch_key, date_stamp(), sorted(mixed, key=lambda row: row.id))
    return MixOutcome(moved=len(mixed), waiting=waiting - len(mixed), unreadable=unreadable)


def _open(stream_name: str, batch_key: int, labels: list[int]) -> tuple[dict[int, list], int]:
    """{label: [(row id, data)]} of the sealed answers of these labels that open with this
    instance's key, and how many did not."""
    if not labels:
        return {}, 0
    key = _key()
    opened: dict[int, list] = {}
    unreadable = 0
    for row_id, label, token in db.session.execute(
        select(SealedAnswer.id, SealedAnswer.label, SealedAnswer.sealed).where(
            SealedAnswer.stream == stream_name,
            SealedAnswer.batch_key == batch_key,
            SealedAnswer.label.in_(labels),
        )
    ):
        data = sealing.unseal(
            key, token, purpose=SEAL_PURPOSE, aad=_aad(stream_name, batch_key, row_id)
        )
        if data is None:
            unreadable += 1
        else:
            opened.setdefault(label, []).append((row_id, data))
    if unreadable:
        current_app.logger.warning(
            "%s %s: %d sealed answers do not open with this key", stream_name, batch_key, unreadable
        )
    return opened, unreadable


def rewrite(
    stream_name: str,
    batch_key: int,
    readable: list[tuple[int, dict]],
    day: date | None = None,
) -> int:
    """Write again, as one batch, answers that an older version stored one submit at a time
    (the caller has read and deleted them, in this transaction). Groups under k merge upwards
    as at closing; what is still under k at the top goes back into the inbox, sealed, so
    nothing is lost. ``day`` dates the batch (default today). Returns the answers written."""
    stream = STREAMS[stream_name]
    stream.lock(batch_key)
    k = effective_threshold(stream.threshold(batch_key))
    counts: dict[int, int] = {}
    for label, _data in readable:
        counts[label] = counts.get(label, 0) + 1
    parents = stream.parents(batch_key) if stream.parents else {}
    destination = final_labels(counts, parents, k)
    mixed = [
        MixedRow(id=random_id(), label=destination[label], data=data)
        for label, data in readable
        if label in destination
    ]
    for label, data in readable:
        if label not in destination:
            seal_answer(stream_name, batch_key, label, data)
    if mixed:
        stream.write(batch_key, day or date_stamp(), sorted(mixed, key=lambda row: row.id))
    return len(mixed)


def rewrite_all_stored() -> dict[str, int]:
    """``flask rewrite-anonymous``: every stream's stored batches written again (per batch, one
    transaction each), and the answers waiting sealed padded to their batch's one length.
    Returns the answers rewritten per stream."""
    done: dict[str, int] = {}
    for name, stream in STREAMS.items():
        done[name] = 0
        if stream.rewrite_stored is None:
            continue
        for batch_key in stream.stored_batches():
            done[name] += stream.rewrite_stored(batch_key)
            db.session.commit()
    reseal_waiting()
    db.session.commit()
    return done


def reseal_waiting() -> int:
    """Seal every waiting answer again, padded to its batch's ``sealed_size``: rows sealed by a
    version that did not pad have the length of the answer inside. All rows are rewritten in
    one transaction; those this instance's key does not open are left as they are."""
    key, resealed = _key(), 0
    for row in db.session.scalars(select(SealedAnswer).order_by(SealedAnswer.id)):
        aad = _aad(row.stream, row.batch_key, row.id)
        data = sealing.unseal(key, row.sealed, purpose=SEAL_PURPOSE, aad=aad)
        if data is None or row.stream not in STREAMS:
            continue
        size = STREAMS[row.stream].sealed_size(row.batch_key)
        row.sealed = sealing.seal(key, data, purpose=SEAL_PURPOSE, aad=aad, size=size)
        resealed += 1
    return resealed


def final_labels(
    counts: Mapping[int, int], parents: Mapping[int, int | None], k: int
) -> dict[int, int]:
    """At the end of a wave: {label waiting -> label it is written under}, for every label that
    can be written. A group under k joins its parent's group (deepest first), so each written
    group has at least k; groups still under k at the top are left out (they stay sealed)."""
    k = effective_threshold(k)

    def ancestors(label):
        seen = []
        parent = parents.get(label)
        while parent is not None and parent not in seen:
            seen.append(parent)
            parent = parents.get(parent)
        return seen

    labels = set(counts)
    for label in list(labels):
        labels.update(ancestors(label))
    pool = {label: int(counts.get(label, 0)) for label in labels}
    members = {label: [label] if counts.get(label) else [] for label in labels}
    for label in sorted(labels, key=lambda item: (-len(ancestors(item)), _sort_key(item))):
        parent = parents.get(label)
        if 0 < pool[label] < k and parent is not None:
            pool[parent] += pool[label]
            members[parent].extend(members[label])
            pool[label], members[label] = 0, []
    return {origin: label for label in labels if pool[label] >= k for origin in members[label]}


def mix_open_batches() -> dict[str, MixOutcome]:
    """The daily job: mix every open wave and round of every stream (totals per stream)."""
    totals: dict[str, MixOutcome] = {}
    for name, stream in STREAMS.items():
        moved = waiting = unreadable = 0
        for batch_key in stream.open_batches():
            outcome = mix(name, batch_key)
            db.session.commit()
            moved, waiting = moved + outcome.moved, waiting + outcome.waiting
            unreadable += outcome.unreadable
        totals[name] = MixOutcome(moved, waiting, unreadable)
    return totals
