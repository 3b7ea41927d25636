"""blueprints/common/anonymity.py: thresholds, random ids and the subtraction guard (pure)."""

import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from blueprints.common import anonymity as anon


def test_random_ids_are_random_hex_and_not_ordered():
    ids = [anon.random_id() for _ in range(200)]
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    assert len(set(ids)) == 200
    assert ids != sorted(ids)  # creation order is not id order


def test_date_stamp_is_a_date_without_time(app):
    stamp = anon.date_stamp()
    assert type(stamp) is date


def test_threshold_never_below_three():
    assert anon.effective_threshold(1) == 3
    assert anon.effective_threshold(None) == 5
    assert not anon.group_visible(2, 2)
    assert anon.group_visible(3, 2)
    assert not anon.group_visible(4, 5)
    assert anon.group_visible(5, 5)
    assert not anon.group_visible(0, 3)


def test_comments_need_the_larger_threshold():
    assert not anon.comments_visible(9, 10, 5)
    assert anon.comments_visible(10, 10, 5)
    assert not anon.comments_visible(6, 4, 7)  # never below k


def test_random_order_is_a_permutation():
    items = list(range(50))
    shuffled = anon.random_order(items)
    assert sorted(shuffled) == items
    assert any(anon.random_order(items) != items for _ in range(5))


def test_parent_of_ten_with_siblings_six_and_four_hides_both():
    visible = anon.guard({"P": (None, 10), "A": ("P", 6), "B": ("P", 4)}, 5)
    assert visible == {"P"}


def test_remainder_of_parent_counts_its_own_members():
    # P has 3 members of its own and one child of 6: showing both gives P's own 3 away.
    assert anon.guard({"P": (None, 9), "A": ("P", 6)}, 5) == {"P"}
    # With 5 of its own the remainder is big enough.
    assert anon.guard({"P": (None, 11), "A": ("P", 6)}, 5) == {"P", "A"}


def test_smallest_sibling_is_the_one_suppressed():
    visible = anon.guard({"P": (None, 30), "A": ("P", 6), "B": ("P", 4), "C": ("P", 20)}, 5)
    assert visible == {"P", "C"}


def test_suppressing_a_group_hides_its_subtree():
    nodes = {"R": (None, 14), "A": ("R", 10), "A1": ("A", 5), "A2": ("A", 5), "B": ("R", 4)}
    visible = anon.guard(nodes, 5)
    assert "A" not in visible and "A1" not in visible and "A2" not in visible
    assert visible == {"R"}


def test_siblings_and_across_waves_helpers():
    assert anon.guard_siblings(10, {"A": 6, "B": 4}, 5) == (True, set())
    assert anon.guard_siblings(12, {"A": 6, "B": 6}, 5) == (True, {"A", "B"})
    # Rounds of 4 and 2 pooled as 6 (k=3): round one would give round two away.
    assert anon.guard_across_waves(6, {1: 4, 2: 2}, 3) == (True, set())
    assert anon.guard_across_waves(7, {1: 4, 2: 3}, 3) == (True, {1, 2})


def test_forced_hidden_groups_are_respected():
    nodes = {"P": (None, 20), "A": ("P", 10), "B": ("P", 10)}
    visible = anon.guard(nodes, 5, hidden={"A"})
    # B alone shown beside P leaves A (10) as the remainder: fine.
    assert visible == {"P", "B"}


@st.composite
def trees(draw):
    size = draw(st.integers(min_value=1, max_value=14))
    nodes = {0: (None, 0)}
    own = {0: draw(st.integers(0, 8))}
    for key in range(1, size):
        parent = draw(st.integers(0, key - 1))
        nodes[key] = (parent, 0)
        own[key] = draw(st.integers(0, 8))
    totals = dict(own)
    for key in sorted(nodes, reverse=True):
        parent = nodes[key][0]
        if parent is not None:
            totals[parent] += totals[key]
    return {key: (parent, totals[key]) for key, (parent, _n) in nodes.items()}


@settings(max_examples=300, deadline=None)
@given(trees(), st.integers(min_value=3, max_value=7))
def test_guard_property_no_small_group_is_derivable(nodes, k):
    """Whatever the tree: every shown group has >= k, and every remainder anyone can compute by
    subtracting shown groups from a shown group is empty or >= k."""
    visible = anon.guard(nodes, k)
    assert all(nodes[key][1] >= k for key in visible)
    for key, remainder in anon.remainders(nodes, visible).items():
        assert remainder == 0 or remainder >= k, (key, remainder, visible)
