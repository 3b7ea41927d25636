"""Thresholds everywhere: no figure under k on any page, fragment or export; comments only for
large enough groups; the subtraction guard, also across waves."""

import io
import re
from itertools import combinations

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, select

from blueprints.surveys import answering, results, scoring
from blueprints.surveys.models import (
    SurveyAnswer,
    SurveyResponse,
    SurveyResponseScore,
    SurveyResultCell,
    SurveyResultNode,
)
from extensions import db
from tests import factories_surveys as fs
from tests.conftest import HX


def unit_rows(client, wave_id, unit_id=None) -> dict[str, list[str]]:
    query = f"?tabel=unit{f'&unit={unit_id}' if unit_id else ''}"
    rows = fs.parse_csv(client.get(f"/survei/hasil/{wave_id}/ekspor.csv{query}").data)
    return {row[0]: row for row in rows[1:]}


def xlsx_values(client, wave_id, unit_id) -> list[list]:
    body = client.get(f"/survei/hasil/{wave_id}/ekspor.xlsx?unit={unit_id}").data
    book = load_workbook(io.BytesIO(body))
    return [
        [cell for cell in row]
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    ]


@pytest.fixture
def four_in_b(org):
    """k = 5: Kelurahan A 10 responses (keyed 4), Kelurahan B 4 (keyed 1), Sekretariat 6
    (keyed 3). The guard also hides the Sekretariat (the smallest shown sibling), or B would be
    the kecamatan minus A and the Sekretariat."""
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kec], k=5)
    fs.responses(w, org.kel_a, fs.uniform(t, 4, 10))
    fs.responses(w, org.kel_b, fs.uniform(t, 1, 4))
    fs.responses(w, org.sek, fs.uniform(t, 3, 6))
    return t, w


def test_unit_with_four_responses_shows_and_exports_no_figure_anywhere(
    four_in_b, org, client, login_as
):
    t, w = four_in_b
    # The lurah of B, looking at their own unit: page, fragment, both CSVs, XLSX.
    login_as(org.lurah_b)
    page = client.get(f"/survei/hasil/{w.id}").get_data(as_text=True)
    assert "Angka untuk unit ini tidak ditampilkan" in page
    shown = re.sub(r"<[^>]+>", " ", page)  # what is read, not attributes (width="100%")
    assert "1,00" not in shown and "100%" not in shown
    fragment = client.get(f"/survei/hasil/{w.id}?unit={org.kel_b.id}", headers=HX)
    assert "<html" not in fragment.get_data(as_text=True)
    assert "1,00" not in fragment.get_data(as_text=True)
    for table in ("dimensi", "unit"):
        rows = fs.parse_csv(
            client.get(f"/survei/hasil/{w.id}/ekspor.csv?unit={org.kel_b.id}&tabel={table}").data
        )
        for row in rows[1:]:
            assert [c for c in row[1:] if fs.number(c) is not None] == [], row
    for row in xlsx_values(client, w.id, org.kel_b.id)[1:]:
        assert not any(isinstance(v, (int, float)) for v in row), row

    # The camat, looking at the whole kecamatan: B's row carries no figure.
    login_as(org.camat)
    rows = unit_rows(client, w.id)
    assert rows["Kelurahan B"][1] == "Tidak ditampilkan"
    assert all(c == "" for c in rows["Kelurahan B"][2:])
    page = client.get(f"/survei/hasil/{w.id}").get_data(as_text=True)
    assert "1,00" not in page
    # ...and the leader dashboard's service says hidden, with no numbers.
    by_unit = {u.unit.id: u for u in results.indices_by_unit([org.kec], w)}
    assert by_unit[org.kel_b.id].visible is False
    assert by_unit[org.kel_b.id].n is None and by_unit[org.kel_b.id].readiness is None
    assert by_unit[org.kel_a.id].visible is True and by_unit[org.kel_a.id].n == 10
    assert by_unit[org.sek.id].visible is False
    assert by_unit[org.kec.id].n == 20 and by_unit[org.kec.id].readiness == pytest.approx(3.1)


def test_hidden_sibling_cannot_be_computed_by_subtraction(org, client, login_as):
    """Parent of 10 = A (6) + B (4), k = 5. Try the subtraction on everything shown."""
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kec], k=5)
    fs.responses(w, org.kel_a, fs.uniform(t, 4, 6))
    fs.responses(w, org.kel_b, fs.uniform(t, 2, 4))
    true_b = 2.0
    k = 5

    # Without the guard the subtraction works exactly: this is what must not be possible.
    raw = scoring.raw_cells(w)
    dim = t.dims["R1"].id
    n_p, n_a = raw[(org.kec.id, dim)].n, raw[(org.kel_a.id, dim)].n
    m_p = raw[(org.kec.id, dim)].score_sum / n_p
    m_a = raw[(org.kel_a.id, dim)].score_sum / n_a
    assert (n_p * m_p - n_a * m_a) / (n_p - n_a) == pytest.approx(true_b)

    login_as(org.camat)
    rows = unit_rows(client, w.id)
    shown = {
        name: (fs.number(row[1]), [fs.number(c) for c in row[3 : 3 + 3]])
        for name, row in rows.items()
        if fs.number(row[1]) is not None
    }
    assert "Kecamatan Uji" in shown and "Kelurahan A" not in shown and "Kelurahan B" not in shown
    parent_n, parent_means = shown.pop("Kecamatan Uji")
    for size in range(len(shown) + 1):
        for subset in combinations(shown.items(), size):
            rest = parent_n - sum(n for _name, (n, _m) in subset)
            if rest <= 0:
                continue
            assert rest >= k, f"a group of {rest} is derivable from {subset}"
            for i, m_parent in enumerate(parent_means):
                derived = (parent_n * m_parent - sum(n * m[i] for _name, (n, m) in subset)) / rest
                assert rest >= k or derived != pytest.approx(true_b)
    # The lurah of A, whose unit has 6 >= k, sees no figure either: what leaders see, together,
    # must not give B away (the parent's figure is shown to the camat).
    login_as(org.lurah_a)
    assert "Angka untuk unit ini tidak ditampilkan" in client.get(f"/survei/hasil/{w.id}").get_data(
        as_text=True
    )
    assert fs.number(unit_rows(client, w.id)["Kelurahan A"][1]) is None


def test_comments_of_nine_hidden_at_threshold_ten(org, client, login_as):
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kec], k=5, comment_k=10)
    fs.responses(w, org.kel_a, fs.uniform(t, 4, 9, comment="catatan-a"))
    login_as(org.camat)
    for unit in (org.kec, org.kel_a):
        page = client.get(f"/survei/hasil/{w.id}?unit={unit.id}").get_data(as_text=True)
        assert "catatan-a" not in page
        assert "Komentar hanya ditampilkan untuk kelompok" in page
        assert not any(
            "catatan-a" in str(v) for row in xlsx_values(client, w.id, unit.id) for v in row
        )
    # A tenth response: now the group may show its comments.
    fs.responses(w, org.kel_a, fs.uniform(t, 4, 1, comment="catatan-a"))
    page = client.get(f"/survei/hasil/{w.id}?unit={org.kel_a.id}").get_data(as_text=True)
    assert page.count("catatan-a") == 10


def test_comment_guard_hides_a_child_whose_remainder_is_small(org, client, login_as):
    """A (10) and B (3): comments for A beside the kecamatan's would give B's by difference."""
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kec], k=3, comment_k=10)
    fs.responses(w, org.kel_a, fs.uniform(t, 4, 10, comment="dari-a"))
    fs.responses(w, org.kel_b, fs.uniform(t, 4, 3, comment="dari-b"))
    login_as(org.camat)
    root = client.get(f"/survei/hasil/{w.id}?unit={org.kec.id}").get_data(as_text=True)
    assert root.count("dari-a") == 10 and root.count("dari-b") == 3
    a_page = client.get(f"/survei/hasil/{w.id}?unit={org.kel_a.id}").get_data(as_text=True)
    assert "dari-a" not in a_page


def test_index_hidden_when_one_of_its_dimensions_is_hidden(org, client, login_as):
    """Six responses; only four answer enough R1 items: R1 hidden (k=5), so the readiness index
    (mean of R1 and R2) is hidden too, or R1 would follow from the index and R2."""
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kec], k=5)
    rows = fs.uniform(t, 4, 6)
    for row in rows[:2]:
        for q in t.items["R1"][1:]:
            row.pop(q.id)
    fs.responses(w, org.kel_a, rows)
    figures = scoring.compute_figures(w, scoring.dimension_ids_of(w))
    assert figures.cell(org.kec.id, t.dims["R1"].id) is None
    assert figures.cell(org.kec.id, t.dims["R2"].id) is not None
    assert figures.index(org.kec.id, [t.dims["R1"].id, t.dims["R2"].id]) is None
    login_as(org.camat)
    by_dim = {
        r[1]: r
        for r in fs.parse_csv(client.get(f"/survei/hasil/{w.id}/ekspor.csv?tabel=dimensi").data)[1:]
    }
    assert by_dim["Dimensi R1"][3] == "Tidak ditampilkan"
    assert by_dim["Indeks kesiapan"][3] == "Tidak ditampilkan"
    assert fs.number(by_dim["Dimensi R2"][3]) == 4.0


def test_guard_holds_across_waves(org, client, login_as):
    """Wave 1 (closed): A 6 + B 4 -> A hidden too, and its stored aggregates keep no figure.
    Wave 2: A 6 + B 6 -> both shown; the trend shows no wave-1 figure for A."""
    t = fs.instrument()
    first = fs.wave(
        t.inst, [org.kec], k=5, opened_days_ago=60, closes_in=-40, title="Gelombang satu"
    )
    fs.responses(first, org.kel_a, fs.uniform(t, 5, 6))
    fs.responses(first, org.kel_b, fs.uniform(t, 1, 4))
    fs.close(first)
    stored = {
        n.unit_id: n
        for n in db.session.scalars(
            select(SurveyResultNode).where(SurveyResultNode.wave_id == first.id)
        )
    }
    assert stored[org.kel_a.id].visible is False and stored[org.kel_a.id].n_responses is None
    assert stored[org.kel_b.id].n_responses is None
    cells = set(
        db.session.scalars(
            select(SurveyResultCell.unit_id).where(SurveyResultCell.wave_id == first.id)
        )
    )
    assert cells == {org.kec.id}

    second = fs.wave(t.inst, [org.kec], k=5, title="Gelombang dua")
    fs.responses(second, org.kel_a, fs.uniform(t, 3, 6))
    fs.responses(second, org.kel_b, fs.uniform(t, 3, 6))
    login_as(org.camat)
    page = client.get(f"/survei/hasil/{second.id}?unit={org.kel_a.id}").get_data(as_text=True)
    assert "Gelombang satu" in page and "3,00" in page
    assert "5,00" not in page  # A's wave-1 mean would be 5.00
    view = results.results_view(second, scoring.all_units()[org.kel_a.id])
    assert [p.visible for p in view.trend] == [False, True]
    assert view.trend[0].readiness is None and view.trend[0].means == {}


def test_open_wave_shows_figures_only_when_live_and_only_up_to_yesterday(org, client, login_as):
    t = fs.instrument()
    live = fs.wave(t.inst, [org.kec], k=3, live=True, title="Langsung")
    fs.responses(live, org.kel_a, fs.uniform(t, 4, 3))
    fs.responses(live, org.kel_a, fs.uniform(t, 1, 3), on=answering.today())  # today: not yet
    login_as(org.camat)
    page = client.get(f"/survei/hasil/{live.id}").get_data(as_text=True)
    assert "4,00" in page and "Hasil sementara" in page
    quiet = fs.wave(t.inst, [org.kec], k=3, live=False, title="Tertutup")
    fs.responses(quiet, org.kel_a, fs.uniform(t, 4, 6))
    page = client.get(f"/survei/hasil/{quiet.id}").get_data(as_text=True)
    assert "tampil setelah gelombang ditutup" in page and "4,00" not in page
    assert (
        fs.parse_csv(client.get(f"/survei/hasil/{quiet.id}/ekspor.csv?tabel=unit").data)[1:] == []
    )


def test_closed_wave_reads_its_stored_figures(org, client, login_as):
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kec], k=3, opened_days_ago=30, closes_in=-1)
    fs.responses(w, org.kel_a, fs.uniform(t, 4, 5))
    login_as(org.camat)
    client.get(f"/survei/hasil/{w.id}")  # past its closing date: closed on first access
    db.session.refresh(w)
    assert w.status == "closed"
    # Even with the answers gone, the stored figures are what the page shows.
    db.session.execute(delete(SurveyAnswer))
    db.session.execute(delete(SurveyResponseScore))
    db.session.execute(delete(SurveyResponse))
    db.session.commit()
    page = client.get(f"/survei/hasil/{w.id}").get_data(as_text=True)
    assert "4,00" in page
