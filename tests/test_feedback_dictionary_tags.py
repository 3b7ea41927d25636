"""Feedback competency tags come from the competency dictionary (issue 16, point 4): what an admin
adds is offered and becomes evidence on the receiver's profile, what they deactivate is no longer
offered but keeps its name on older feedback, names follow the dictionary, a code outside it is
refused, and the form's queries do not grow with the dictionary."""

import re

from sqlalchemy import func, select

from blueprints.competencies import gaps
from blueprints.competencies.models import (
    Competency,
    CompetencyAssessment,
    CompetencyStandard,
)
from blueprints.feedback import evidence, giving
from blueprints.feedback.errors import InvalidAction
from blueprints.feedback.models import Feedback
from extensions import db
from tests import factories_feedback as ff

NEW = {
    "code": "pidato_publik",
    "name": "Pidato di depan publik",
    "kind": "teknis",
    "field": "Umum",
    **{f"level_{n}": f"Uraian level {n}" for n in range(1, 6)},
    "active": "y",
}


def _admin_saves(client, org, data, competency=None):
    """The admin's dictionary form: a new entry, or an edit of `competency`."""
    ff.login(client, org.admin)
    url = f"/kompetensi/kamus/{competency.id}/ubah" if competency else "/kompetensi/kamus/baru"
    response = client.post(url, data=data)
    assert response.status_code == 303, response.get_data(as_text=True)


def _edit_data(competency, **changes):
    data = {
        "code": competency.code,
        "name": competency.name,
        "kind": competency.kind,
        "field": competency.field,
        **{f"level_{n}": competency.level_text(n) or f"Level {n}" for n in range(1, 6)},
        "active": "y",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}  # None: the box left unchecked


def _by_code(code) -> Competency:
    return db.session.scalars(select(Competency).where(Competency.code == code)).one()


def _tag_boxes(html) -> set[str]:
    """The codes offered as competency checkboxes on the feedback form."""
    return set(re.findall(r'name="competencies_\w+"[^>]*value="([a-z0-9_]+)"', html))


def _feedback_count() -> int:
    return db.session.scalar(select(func.count(Feedback.id)))


def test_an_added_competency_is_offered_and_its_feedback_is_evidence_on_the_profile(client, org):
    ff.competency_dictionary()
    _admin_saves(client, org, NEW)
    ff.login(client, org.lurah_a)
    offered = _tag_boxes(client.get("/umpan-balik/baru").get_data(as_text=True))
    assert "pidato_publik" in offered and "presentasi" in offered

    response = client.post(
        "/umpan-balik/baru",
        data=ff.form_data(
            org.staff_a1, competencies_managerial=[], competencies_technical=["pidato_publik"]
        ),
    )
    assert response.status_code == 303
    fb = db.session.scalars(select(Feedback)).one()
    assert fb.competency_codes == ["pidato_publik"]
    assert "Pidato di depan publik" in client.get(f"/umpan-balik/{fb.id}").get_data(as_text=True)

    # On the receiver's profile: the competency, how many, and a link to the feedback.
    ff.login(client, org.staff_a1)
    mine = client.get("/kompetensi/").get_data(as_text=True)
    assert 'id="feedback-evidence-pidato_publik"' in mine
    assert "Pidato di depan publik" in mine and f'href="/umpan-balik/{fb.id}"' in mine
    # ...and for the leader above, on the person's profile.
    ff.login(client, org.lurah_a)
    theirs = client.get(f"/kompetensi/pegawai/{org.staff_a1.id}").get_data(as_text=True)
    assert f'href="/umpan-balik/{fb.id}"' in theirs

    # On the gap row too, once the jabatan's standard asks for the competency.
    added = _by_code("pidato_publik")
    db.session.add(
        CompetencyStandard(jabatan=org.staff_a1.jabatan, competency_id=added.id, required_level=3)
    )
    db.session.add(
        CompetencyAssessment(
            employee_id=org.staff_a1.id,
            competency_id=added.id,
            level=1,
            source="leader",
            assessed_on=ff.today_wib(),
            assessed_by_id=org.lurah_a.id,
        )
    )
    db.session.commit()
    row = next(r for r in gaps.gap_view(org.staff_a1).rows if r.competency.id == added.id)
    assert row.gap == 2 and row.feedback_count == 1


def test_evidence_follows_who_may_read_the_feedback(client, org):
    """Drafts are no evidence; a peer, or a leader of another unit, sees none (visibility)."""
    ff.competency_dictionary()
    ff.feedback(org.lurah_a, org.staff_a1, competencies=["komunikasi"])
    ff.feedback(org.lurah_a, org.staff_a1, sent=False, competencies=["komunikasi"])

    def seen_by(viewer):
        return {e.tag.code: e.count for e in evidence.evidence_for(viewer, org.staff_a1.id)}

    assert seen_by(org.staff_a1) == {"komunikasi": 1}
    assert seen_by(org.lurah_a) == {"komunikasi": 1}
    assert seen_by(org.camat) == {"komunikasi": 1}
    assert seen_by(org.staff_a2) == {}
    assert seen_by(org.lurah_b) == {}


def test_a_deactivated_competency_is_not_offered_but_keeps_its_name(client, org):
    ff.competency_dictionary()
    old = ff.feedback(org.lurah_a, org.staff_a1, competencies=["presentasi"])
    draft = ff.feedback(org.lurah_a, org.staff_a2, sent=False, competencies=["presentasi"])
    presentasi = _by_code("presentasi")
    _admin_saves(client, org, _edit_data(presentasi, active=None), presentasi)
    assert _by_code("presentasi").active is False

    ff.login(client, org.lurah_a)
    offered = _tag_boxes(client.get("/umpan-balik/baru").get_data(as_text=True))
    assert "presentasi" not in offered and "komunikasi" in offered
    assert "Teknik presentasi" in client.get(f"/umpan-balik/{old.id}").get_data(as_text=True)
    ff.login(client, org.staff_a1)
    assert 'id="feedback-evidence-presentasi"' in client.get("/kompetensi/").get_data(as_text=True)

    # A new feedback cannot take it...
    ff.login(client, org.lurah_a)
    before = _feedback_count()
    response = client.post("/umpan-balik/baru", data=ff.form_data(org.staff_a2))
    assert response.status_code == 422 and _feedback_count() == before
    # ...but the draft that already has it keeps it when saved again.
    assert "presentasi" in _tag_boxes(
        client.get(f"/umpan-balik/{draft.id}/ubah").get_data(as_text=True)
    )
    response = client.post(
        f"/umpan-balik/{draft.id}/ubah", data=ff.form_data(org.staff_a2, action="draft")
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert sorted(db.session.get(Feedback, draft.id).competency_codes) == [
        "komunikasi",
        "presentasi",
    ]


def test_a_forged_code_is_refused_and_nothing_is_saved(client, org):
    ff.competency_dictionary()
    ff.login(client, org.lurah_a)
    for forged in (
        {"competencies_technical": ["tidak_ada_di_kamus"]},
        {"competencies_managerial": ["presentasi"]},  # a teknis code in the managerial field
    ):
        response = client.post("/umpan-balik/baru", data=ff.form_data(org.staff_a1, **forged))
        assert response.status_code == 422, forged  # the form again, with the field's error
    assert _feedback_count() == 0
    # The service refuses too, whoever calls it.
    data = giving.FeedbackInput(
        receiver_id=org.staff_a1.id,
        occurred_on=ff.today_wib(),
        context="c",
        strengths="s",
        improvements="i",
        competencies=["tidak_ada_di_kamus"],
    )
    try:
        giving.save_feedback(org.lurah_a, data)
    except InvalidAction:
        db.session.rollback()
    else:
        raise AssertionError("an unknown code was accepted")
    assert _feedback_count() == 0
    # A development goal takes only the dictionary's competencies too.
    ff.login(client, org.staff_a1)
    response = client.post(
        f"/umpan-balik/rencana/{org.staff_a1.id}/baru",
        data={"competency": "tidak_ada_di_kamus", "title": "Sasaran", "feedback_id": "0"},
    )
    assert response.status_code == 422


def test_labels_follow_the_dictionary_name_and_codes_never_change(client, org):
    ff.competency_dictionary()
    fb = ff.feedback(org.lurah_a, org.staff_a1, competencies=["komunikasi"])
    komunikasi = _by_code("komunikasi")
    # A forged code on the edit form changes nothing: the code stays, the name changes.
    _admin_saves(
        client,
        org,
        _edit_data(komunikasi, code="bicara", name="Komunikasi efektif"),
        komunikasi,
    )
    db.session.expire_all()
    assert _by_code("komunikasi").name == "Komunikasi efektif"
    assert db.session.scalar(select(func.count()).where(Competency.code == "bicara")) == 0

    ff.login(client, org.lurah_a)
    assert "Komunikasi efektif" in client.get(f"/umpan-balik/{fb.id}").get_data(as_text=True)
    form = client.get("/umpan-balik/baru").get_data(as_text=True)
    assert "Komunikasi efektif" in form
    export = client.get("/umpan-balik/ekspor.csv").get_data(as_text=True)
    assert "Komunikasi efektif" in export


def test_the_form_reads_the_dictionary_once_whatever_its_size(app, client, org, queries):
    ff.competency_dictionary()
    added = [f"teknis_{n}" for n in range(40)]  # entries the admin adds later
    builtin = db.session.scalars(select(Competency.code)).all()
    few = ff.feedback(org.lurah_a, org.staff_a1, competencies=["komunikasi"])
    many = ff.feedback(org.lurah_a, org.staff_a2, competencies=[*builtin, *added])
    ff.login(client, org.lurah_a)
    urls = (
        "/umpan-balik/baru",
        f"/umpan-balik/{few.id}",
        f"/umpan-balik/{many.id}",
        "/umpan-balik/ekspor.csv",
    )

    def measure():
        counts = []
        for url in urls:
            with app.app_context(), queries() as counter:
                assert client.get(url).status_code == 200, url
            counts.append(counter.count)
            # The dictionary is read once per request, however many fields and labels use it.
            reads = [q for q in counter.statements if "FROM competency" in q]
            assert len(reads) == 1, (url, reads)
        return counts

    small = measure()
    for n, code in enumerate(added):
        db.session.add(Competency(code=code, name=f"Teknis {n}", kind="teknis", position=100 + n))
    db.session.commit()
    large = measure()
    assert "Teknis 39" in client.get("/umpan-balik/baru").get_data(as_text=True)
    assert small == large, (small, large)
    assert small[1] == small[2]  # one tag or 63 tags on the page: the same queries


def test_with_an_empty_dictionary_the_form_offers_no_tags_and_says_so(client, org):
    ff.login(client, org.lurah_a)
    html = client.get("/umpan-balik/baru").get_data(as_text=True)
    assert _tag_boxes(html) == set() and 'id="no-competency-tags"' in html
    ff.competency_dictionary()
    html = client.get("/umpan-balik/baru").get_data(as_text=True)
    assert "komunikasi" in _tag_boxes(html) and 'id="no-competency-tags"' not in html
