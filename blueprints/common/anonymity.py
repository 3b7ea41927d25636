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

Everything here is pure Python with no database or request state, so that it is easy to test
and reuse. See docs/anonymity.md for the threat model.

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
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func

from blueprints.common.timefmt import today_wib

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
