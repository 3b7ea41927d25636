"""The pulse re-measure: a short wave of the same units for the targeted dimensions, opened by an
admin (or a leader when the setting allows), through the ordinary wave machinery; before/after
only where both waves may show the unit, with the subtraction guard holding in each wave."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from blueprints.admin.settings import set_setting
from blueprints.common.anonymity import remainders
from blueprints.common.timefmt import today_wib
from blueprints.surveys import pulse, scoring
from blueprints.surveys.models import SurveyAction, SurveyQuestion, SurveyWave
from extensions import db
from tests import factories_surveys as fs
from tests import factories_workshops as wf
from tests.factories_dashboard import section


@pytest.fixture
def org(org):
    wf.fast_logins()
    return org


@pytest.fixture
def baseline(org):
    """k=3. kel_a 4, kel_b 3, sek 3 answers, all low on R1; closed. One action on R1."""
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kec], k=3, comment_k=5, title="Kesiapan Digital")
    fs.responses(w, org.kel_a, fs.uniform(t, 2, 4))
    fs.responses(w, org.kel_b, fs.uniform(t, 2, 3))
    fs.responses(w, org.sek, fs.uniform(t, 2, 3))
    fs.close(w)
    db.session.add(
        SurveyAction(
            wave_id=w.id,
            unit_id=org.kel_a.id,
            dimension_id=t.dims["R1"].id,
            what="Sosialisasi layanan daring",
            owner_id=org.staff_a1.id,
            due_on=today_wib() - timedelta(days=1),
        )
    )
    db.session.commit()
    return t, w


def _open(client, w, dims):
    today = today_wib()
    return client.post(
        f"/survei/hasil/{w.id}/denyut",
        data={
            "dimension_ids": [str(d.id) for d in dims],
            "title": "Denyut Kesiapan Digital",
            "opens_on": today.isoformat(),
            "closes_on": (today + timedelta(days=7)).isoformat(),
        },
    )


def _pulse_wave() -> SurveyWave:
    db.session.expire_all()
    return db.session.scalars(
        select(SurveyWave).where(SurveyWave.baseline_wave_id.is_not(None))
    ).one()


def _answers(w, value, n):
    questions = db.session.scalars(
        select(SurveyQuestion).where(SurveyQuestion.instrument_id == w.instrument_id)
    ).all()
    return [{q.id: (6 - value if q.reverse_keyed else value) for q in questions}] * n


def test_an_admin_opens_a_pulse_of_the_targeted_dimensions(client, org, login_as, baseline):
    t, w = baseline
    login_as(org.admin)
    page = client.get(f"/survei/hasil/{w.id}/denyut")
    assert page.status_code == 200
    assert "belum mencapai tenggatnya" not in page.text  # the one action is past its due date
    later = db.session.scalars(select(SurveyAction)).one()
    later.due_on = today_wib() + timedelta(days=3)
    db.session.commit()
    assert (
        "1 aksi dari gelombang ini belum mencapai"
        in client.get(f"/survei/hasil/{w.id}/denyut").text
    )
    later.due_on = today_wib() - timedelta(days=1)
    db.session.commit()
    boxes = {
        int(re.search(r'value="(\d+)"', tag).group(1)): "checked" in tag
        for tag in re.findall(r'<input[^>]*name="dimension_ids"[^>]*>', page.text)
    }
    assert boxes == {t.dims["R1"].id: True, t.dims["R2"].id: False, t.dims["S1"].id: False}
    response = _open(client, w, [t.dims["R1"], t.dims["S1"]])
    assert response.status_code == 303
    p = _pulse_wave()
    assert (p.baseline_wave_id, p.status, p.min_group, p.comment_min_group) == (w.id, "open", 3, 5)
    assert p.target_unit_ids == w.target_unit_ids
    dims = p.instrument.dimensions
    assert [d.name for d in dims] == ["Dimensi R1", "Dimensi S1"]
    likert = [q for q in p.instrument.questions if q.kind == "likert"]
    assert len(likert) == 6 and all(q.kind == "likert" for q in p.instrument.questions)
    assert [q.text for q in likert[:3]] == [q.text for q in t.items["R1"]]
    assert [q.reverse_keyed for q in likert[3:]] == [q.reverse_keyed for q in t.items["S1"]]
    # Staff of the units are invited to it like any wave.
    login_as(org.staff_b1)
    assert client.get(f"/survei/{p.id}").status_code == 200


def test_a_leader_opens_one_only_when_the_setting_allows(client, org, login_as, baseline):
    t, w = baseline
    login_as(org.lurah_a)
    assert client.get(f"/survei/hasil/{w.id}/denyut").status_code == 403
    assert _open(client, w, [t.dims["R1"]]).status_code == 403
    assert db.session.scalars(select(SurveyWave).where(SurveyWave.id != w.id)).all() == []
    set_setting("survey_pulse_by_leader", 1)
    db.session.commit()
    assert _open(client, w, [t.dims["R1"]]).status_code == 303
    assert _pulse_wave().target_unit_ids == [org.kel_a.id]  # the leader's part of the units


def _closed_pulse(client, org, login_as, baseline, counts):
    t, w = baseline
    login_as(org.admin)
    _open(client, w, [t.dims["R1"]])
    p = _pulse_wave()
    for unit, n in counts.items():
        fs.responses(p, unit, _answers(p, 4, n))
    fs.close(p)
    return p


def test_a_unit_under_k_in_either_wave_shows_no_before_after(client, org, login_as, baseline):
    t, w = baseline
    p = _closed_pulse(client, org, login_as, baseline, {org.kel_a: 4, org.kel_b: 2, org.sek: 3})
    page = client.get(f"/survei/hasil/{p.id}?unit={org.kec.id}")
    assert page.status_code == 200
    pair = section(page.text, "sebelum-sesudah")
    assert pair is not None
    row_a = pair.split(f'id="pair-{org.kel_a.id}"')[1].split("</tr>")[0]
    assert "2,00" in row_a and "4,00" in row_a and "+2,00" in row_a
    for hidden in (org.kel_b, org.sek):  # kel_b under k in the pulse; sek by subtraction
        row = pair.split(f'id="pair-{hidden.id}"')[1].split("</tr>")[0]
        assert "disembunyikan" in row and "2,00" not in row
    assert "Sosialisasi layanan daring" not in pair  # actions of kel_a, not of kec
    page_a = client.get(f"/survei/hasil/{p.id}?unit={org.kel_a.id}").text
    assert "Sosialisasi layanan daring" in section(page_a, "sebelum-sesudah")


def test_the_guard_holds_across_the_pair_of_waves(client, org, login_as, baseline):
    t, w = baseline
    p = _closed_pulse(client, org, login_as, baseline, {org.kel_a: 3, org.kel_b: 3, org.sek: 2})
    ba = pulse.before_after(p, [org.kec.id, org.sek.id, org.kel_a.id, org.kel_b.id])
    dim_b, dim_p = ba.dimensions[0]
    shown = ba.shown[dim_p.id]
    fig_b, fig_p = scoring.figures_for(w), scoring.figures_for(p)
    for figures, dim_id in ((fig_b, dim_b.id), (fig_p, dim_p.id)):
        groups = {
            uid: (node.parent_id, figures.cells[(uid, dim_id)].n)
            for uid, node in figures.nodes.items()
            if (uid, dim_id) in figures.cells
        }
        assert shown <= set(groups), "only what this wave itself may show"
        for key, rest in remainders(groups, shown).items():
            assert rest == 0 or rest >= 3, (key, rest)
    # sek is under k in the pulse; in the baseline kec minus the shown units would give it away.
    assert org.sek.id not in shown
    assert org.kec.id in shown
    assert not ({org.kel_a.id, org.kel_b.id} <= shown), "kec - kel_a - kel_b = sek (2 < k)"


def test_paired_units_forces_each_wave_to_hide_what_the_other_cannot_show():
    # before: P(10) = A(4) + B(3) + C(3); after: P(9) = A(4) + B(5), C not asked.
    before = ({"P": (None, 10), "A": ("P", 4), "B": ("P", 3), "C": ("P", 3)}, 3)
    after = ({"P": (None, 9), "A": ("P", 4), "B": ("P", 5), "C": ("P", 0)}, 3)
    shown_b, shown_p = pulse.paired_units(before, after)
    assert shown_b == shown_p == {"P", "A", "B"}
    # after: P(7) = A(4) + B(2): B hidden in the pulse, and A with it (P - A = 3 is fine)…
    after = ({"P": (None, 7), "A": ("P", 4), "B": ("P", 2), "C": ("P", 1)}, 3)
    shown_b, shown_p = pulse.paired_units(before, after)
    assert shown_b == shown_p == {"P", "A"}
    assert remainders(before[0], shown_b) == {"P": 6, "A": 4}
    # Under k in the baseline, plenty in the pulse: still not shown.
    before = ({"P": (None, 10), "A": ("P", 4), "B": ("P", 2), "C": ("P", 4)}, 3)
    after = ({"P": (None, 15), "A": ("P", 5), "B": ("P", 5), "C": ("P", 5)}, 3)
    shown_b, shown_p = pulse.paired_units(before, after)
    assert "B" not in shown_b and shown_b == shown_p
