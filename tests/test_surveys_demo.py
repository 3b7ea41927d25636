"""The demo: built-in instrument, a closed and an open wave over Marelan with results to show,
one unit under the threshold, lower personal valence in Paya Pasir, a leader's action plan."""

from sqlalchemy import select

from blueprints.auth.models import Unit
from blueprints.surveys import answering, results, scoring
from blueprints.surveys.models import SurveyActionPlan, SurveyWave
from extensions import db


def test_demo_surveys(demo, client, login_as):
    waves = {w.status: w for w in db.session.scalars(select(SurveyWave))}
    assert set(waves) == {"open", "closed"}
    closed, live = waves["closed"], waves["open"]
    assert closed.instrument.builtin and live.instrument_id == closed.instrument_id
    assert live.min_group == 5

    units = {u.code: u for u in db.session.scalars(select(Unit))}
    indices = {row.unit.code: row for row in results.indices_by_unit([units["KEC"]], live)}
    shown = [code for code, row in indices.items() if row.visible]
    assert len(shown) >= 5
    assert indices["KEL-TER"].visible is False  # under k in the open wave

    figures = scoring.figures_for(live)
    valence = next(d for d in closed.instrument.dimensions if d.code == "manfaat")
    pp = figures.cell(units["KEL-PP"].id, valence.id).mean
    others = [figures.cell(units[c].id, valence.id).mean for c in ("KEL-LD", "KEL-RP", "KEL-TJ")]
    assert pp < min(others)

    assert db.session.scalars(
        select(SurveyActionPlan).where(SurveyActionPlan.wave_id == closed.id)
    ).first()

    # The demo staff member has the open wave to answer; the camat sees results with a heatmap.
    assert [o.answered for o in answering.open_waves_for(demo.pegawai)] == [False]
    login_as(demo.camat, password="demo-marelan")
    page = client.get(f"/survei/hasil/{live.id}").get_data(as_text=True)
    assert "chart-heatmap" in page and "Tren dibanding gelombang sebelumnya" in page
