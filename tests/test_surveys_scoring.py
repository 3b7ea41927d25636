"""Scoring in SQL matches a hand computation (run on SQLite and, with TEST_DATABASE_URL, PG).

Instrument: R1 (readiness; items a1, a2, a3 reverse), R2 (readiness; c1, c2, c3), S1
(resistance; b1, b2 reverse, b3). Four responses in Kelurahan A (answers as given, before keying):

        a1 a2 a3(r)  c1 c2 c3   b1 b2(r) b3
  r1     5  4  2      4  4  4    1  5     2
  r2     3  -  -      2  2  2    4  2     -
  r3     2  3  4      5  5  5    3  3     3
  r4     4  5  -      3  3  3    -  -     5

Keyed (6 - x for reverse items) and the two-thirds rule (at least 2 of 3 items answered):
  R1: r1 (5,4,4)=13/3, r2 only 1 of 3 -> not scored, r3 (2,3,2)=7/3, r4 (4,5)=9/2
      mean = (13/3 + 7/3 + 9/2) / 3 = 67/18 = 3.7222; answers 8, of which 4-5: 5 -> 62.5 %;
      distribution 1..5 = 0, 2, 1, 3, 2
  R2: 4, 2, 5, 3 -> mean 3.5; answers 12, favourable 6 -> 50 %
  S1: r1 (1,1,2)=4/3, r2 (4,4)=4, r3 (3,3,3)=3, r4 only 1 of 3 -> not scored
      mean = (4/3 + 4 + 3) / 3 = 25/9 = 2.7778; answers 8, favourable 2 -> 25 %;
      distribution = 2, 1, 3, 2, 0
  readiness index = (67/18 + 3.5) / 2 = 3.6111; resistance index = 25/9 = 2.7778
"""

import pytest

from blueprints.surveys import scoring
from tests import factories_surveys as fs


@pytest.fixture
def scored(org):
    t = fs.instrument()
    a1, a2, a3 = t.items["R1"]
    c1, c2, c3 = t.items["R2"]
    b1, b2, b3 = t.items["S1"]
    w = fs.wave(t.inst, [org.kec], k=3)
    fs.responses(
        w,
        org.kel_a,
        [
            {a1: 5, a2: 4, a3: 2, c1: 4, c2: 4, c3: 4, b1: 1, b2: 5, b3: 2},
            {a1: 3, c1: 2, c2: 2, c3: 2, b1: 4, b2: 2},
            {a1: 2, a2: 3, a3: 4, c1: 5, c2: 5, c3: 5, b1: 3, b2: 3, b3: 3},
            {a1: 4, a2: 5, c1: 3, c2: 3, c3: 3, b3: 5},
        ],
    )
    return t, w


def test_scores_match_hand_computation(scored, org):
    t, w = scored
    figures = scoring.compute_figures(w, scoring.dimension_ids_of(w))
    r1 = figures.cell(org.kel_a.id, t.dims["R1"].id)
    r2 = figures.cell(org.kel_a.id, t.dims["R2"].id)
    s1 = figures.cell(org.kel_a.id, t.dims["S1"].id)

    assert r1.n == 3
    assert r1.mean == pytest.approx(67 / 18)
    assert r1.favourable == pytest.approx(5 / 8)
    assert r1.dist == (0, 2, 1, 3, 2)

    assert r2.n == 4
    assert r2.mean == pytest.approx(3.5)
    assert r2.favourable == pytest.approx(0.5)
    assert r2.dist == (0, 3, 3, 3, 3)

    assert s1.n == 3
    assert s1.mean == pytest.approx(25 / 9)
    assert s1.favourable == pytest.approx(2 / 8)
    assert s1.dist == (2, 1, 3, 2, 0)

    readiness = [t.dims["R1"].id, t.dims["R2"].id]
    assert figures.index(org.kel_a.id, readiness) == pytest.approx((67 / 18 + 3.5) / 2)
    assert figures.index(org.kel_a.id, [t.dims["S1"].id]) == pytest.approx(25 / 9)
    # The parent (the kecamatan) holds the same four responses: same figures, rolled up in SQL.
    assert figures.cell(org.kec.id, t.dims["R1"].id).mean == pytest.approx(67 / 18)
    assert figures.nodes[org.kec.id].n == 4 and figures.nodes[org.kel_a.id].n == 4


def test_page_and_export_show_the_hand_computed_figures(scored, org, client, login_as):
    t, w = scored
    login_as(org.camat)
    page = client.get(f"/survei/hasil/{w.id}?unit={org.kel_a.id}").get_data(as_text=True)
    assert "3,72" in page  # R1 mean, Indonesian decimal comma
    assert "2,78" in page  # S1 mean and resistance index
    assert "3,61" in page  # readiness index
    assert "62%" in page  # R1 favourable 62.5 %, rounded half to even on screen and in exports
    rows = fs.parse_csv(
        client.get(f"/survei/hasil/{w.id}/ekspor.csv?unit={org.kel_a.id}&tabel=dimensi").data
    )
    by_dim = {row[1]: row for row in rows[1:]}
    assert fs.number(by_dim["Dimensi R1"][3]) == 3.72
    assert fs.number(by_dim["Dimensi R1"][4]) == 62
    assert fs.number(by_dim["Dimensi S1"][3]) == 2.78
    assert fs.number(by_dim["Indeks kesiapan"][3]) == 3.61


def test_reverse_keying_applies_before_the_distribution(org):
    t = fs.instrument([("R1", "readiness", [True, True, True])], text_questions=0)
    w = fs.wave(t.inst, [org.kec], k=3)
    q1, q2, q3 = t.items["R1"]
    fs.responses(w, org.kel_a, [{q1: 1, q2: 1, q3: 1}] * 3)  # disagreeing with negatives
    cell = scoring.compute_figures(w, scoring.dimension_ids_of(w)).cell(
        org.kel_a.id, t.dims["R1"].id
    )
    assert cell.mean == 5 and cell.favourable == 1 and cell.dist == (0, 0, 0, 0, 9)


def test_two_thirds_rule_with_four_items(org):
    """3 of 4 answered counts (3*3 >= 2*4); 2 of 4 does not (3*2 < 2*4)."""
    t = fs.instrument([("R1", "readiness", [False] * 4)], text_questions=0)
    w = fs.wave(t.inst, [org.kec], k=3)
    q = t.items["R1"]
    fs.responses(
        w,
        org.kel_a,
        [
            {q[0]: 5, q[1]: 5, q[2]: 5},
            {q[0]: 1, q[1]: 1},
            {q[0]: 3, q[1]: 3, q[2]: 3, q[3]: 3},
            {q[0]: 4, q[1]: 4, q[2]: 4, q[3]: 4},
        ],
    )
    cell = scoring.compute_figures(w, scoring.dimension_ids_of(w)).cell(
        org.kel_a.id, t.dims["R1"].id
    )
    assert cell.n == 3
    assert cell.mean == pytest.approx(4.0)
