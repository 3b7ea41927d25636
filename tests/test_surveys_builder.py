"""Instruments: the built-in one (CLI, idempotent), and the admin builder with htmx and plain forms."""

from sqlalchemy import func, select

from blueprints.surveys import builder
from blueprints.surveys import instrument as builtin
from blueprints.surveys.models import SurveyDimension, SurveyInstrument, SurveyQuestion
from extensions import db
from tests import factories_surveys as fs
from tests.conftest import HX, YES


def test_builtin_instrument_installs_once_from_the_cli(app, runner):
    first = runner.invoke(args=["surveys", "install-instrument"])
    assert first.exit_code == 0 and "dipasang" in first.output
    second = runner.invoke(args=["surveys", "install-instrument"])
    assert second.exit_code == 0 and "sudah ada" in second.output
    assert db.session.scalar(select(func.count()).select_from(SurveyInstrument)) == 1
    inst = builder.builtin_instrument()
    assert [d.name for d in inst.dimensions] == [name for _c, name, _k, _d in builtin.DIMENSIONS]
    constructs = [d.construct for d in inst.dimensions]
    assert constructs.count("readiness") == 4 and constructs.count("resistance") == 4
    for dim in inst.dimensions:
        items = [q for q in inst.questions if q.dimension_id == dim.id]
        assert 3 <= len(items) <= 4, dim.name
        assert any(q.reverse_keyed for q in items), dim.name  # each has a reverse-keyed item
    assert sum(q.kind == "text" for q in inst.questions) == 2
    assert builder.instrument_frozen(inst)


def test_about_page_cites_the_models(org, client, login_as):
    login_as(org.staff_a1)
    page = client.get("/survei/tentang").get_data(as_text=True)
    assert "Holt" in page and "2007" in page and "Oreg (2003)" in page
    assert "ditulis sendiri" in page


def _inst(org):
    t = fs.instrument(text_questions=0)
    return t, t.inst


def test_add_edit_reorder_remove_questions_with_htmx(org, client, login_as):
    t, inst = _inst(org)
    login_as(org.admin)
    page = client.get(f"/survei/kelola/instrumen/{inst.id}")
    assert page.status_code == 200 and "Tambah pertanyaan" in page.get_data(as_text=True)

    added = client.post(
        f"/survei/kelola/instrumen/{inst.id}/pertanyaan",
        headers=HX,
        data={
            "kind": "likert",
            "text": "Pertanyaan baru",
            "dimension_id": t.dims["R2"].id,
            "reverse_keyed": "y",
        },
    )
    assert added.status_code == 200
    body = added.get_data(as_text=True)
    assert 'id="builder"' in body and "<html" not in body and "Pertanyaan baru" in body
    assert added.headers["HX-Trigger"] == "instrument-changed"
    # The message comes with the fragment (out of band into #flash), once: not on the next page.
    oob = body.split('data-hx-swap-oob="true"', 1)
    assert len(oob) == 2 and "Pertanyaan ditambahkan." in oob[1]
    assert "Pertanyaan ditambahkan." not in client.get(f"/survei/kelola/instrumen/{inst.id}").text
    new = db.session.scalars(
        select(SurveyQuestion).where(SurveyQuestion.text == "Pertanyaan baru")
    ).one()
    assert new.reverse_keyed and new.position == 10

    moved = client.post(
        f"/survei/kelola/pertanyaan/{new.id}/pindah", data={"arah": "naik"}, headers=HX
    )
    assert moved.status_code == 200
    order = list(
        db.session.scalars(
            select(SurveyQuestion.text)
            .where(SurveyQuestion.instrument_id == inst.id)
            .order_by(SurveyQuestion.position)
        )
    )
    assert order[-2:] == ["Pertanyaan baru", "Pernyataan S1.3"]
    assert order.index("Pertanyaan baru") == 8

    edit_form = client.get(f"/survei/kelola/pertanyaan/{new.id}/ubah", headers=HX)
    assert edit_form.status_code == 200 and "<li" in edit_form.get_data(as_text=True)
    client.post(
        f"/survei/kelola/pertanyaan/{new.id}/ubah",
        headers=HX,
        data={"kind": "text", "text": "Apa saran Anda?", "dimension_id": 0},
    )
    db.session.refresh(new)
    assert new.kind == "text" and new.dimension_id is None and not new.reverse_keyed

    removed = client.post(f"/survei/kelola/pertanyaan/{new.id}/hapus", data=YES, headers=HX)
    assert removed.status_code == 200 and "Apa saran Anda?" not in removed.get_data(as_text=True)
    positions = list(
        db.session.scalars(
            select(SurveyQuestion.position)
            .where(SurveyQuestion.instrument_id == inst.id)
            .order_by(SurveyQuestion.position)
        )
    )
    assert positions == list(range(1, 10))


def test_builder_works_with_plain_forms(org, client, login_as):
    t, inst = _inst(org)
    login_as(org.admin)
    dim = client.post(
        f"/survei/kelola/instrumen/{inst.id}/dimensi",
        data={"name": "Dimensi baru", "construct": "other"},
    )
    assert dim.status_code == 303
    first = t.items["R1"][0]
    down = client.post(f"/survei/kelola/pertanyaan/{first.id}/pindah", data={"arah": "turun"})
    assert down.status_code == 303 and "#pertanyaan" in down.location
    db.session.refresh(first)
    assert first.position == 2
    edit = client.get(f"/survei/kelola/pertanyaan/{first.id}/ubah")
    assert edit.status_code == 200 and "<html" in edit.get_data(as_text=True)


def test_invalid_question_is_rerendered_with_422(org, client, login_as):
    _t, inst = _inst(org)
    login_as(org.admin)
    missing_dim = client.post(
        f"/survei/kelola/instrumen/{inst.id}/pertanyaan",
        headers=HX,
        data={"kind": "likert", "text": "Tanpa dimensi", "dimension_id": 0},
    )
    assert missing_dim.status_code == 422
    assert "Pilih dimensi" in missing_dim.get_data(as_text=True)
    empty = client.post(f"/survei/kelola/instrumen/{inst.id}/pertanyaan", data={"kind": "likert"})
    assert empty.status_code == 422


def test_instrument_used_by_a_wave_is_frozen_and_can_be_copied(org, client, login_as):
    t, inst = _inst(org)
    fs.wave(inst, [org.kec], status="open")
    login_as(org.admin)
    q = t.items["R1"][0]
    refused = client.post(f"/survei/kelola/pertanyaan/{q.id}/hapus", headers=HX)
    assert refused.status_code == 409 and "dibekukan" in refused.get_data(as_text=True)
    assert (
        client.post(
            f"/survei/kelola/instrumen/{inst.id}/pertanyaan",
            data={"kind": "text", "text": "Baru", "dimension_id": 0},
        ).status_code
        == 303
    )
    assert (
        db.session.scalar(select(func.count()).where(SurveyQuestion.instrument_id == inst.id)) == 9
    )
    page = client.get(f"/survei/kelola/instrumen/{inst.id}").get_data(as_text=True)
    assert "Salin instrumen" in page and "Tambah pertanyaan" not in page

    copied = client.post(f"/survei/kelola/instrumen/{inst.id}/salin")
    assert copied.status_code == 303
    copy = db.session.scalars(
        select(SurveyInstrument).where(SurveyInstrument.copied_from_id == inst.id)
    ).one()
    assert len(copy.questions) == 9 and len(copy.dimensions) == 3
    assert {q.dimension.instrument_id for q in copy.questions if q.dimension} == {copy.id}
    assert not builder.instrument_frozen(copy)


def test_dimension_with_questions_cannot_be_deleted(org, client, login_as):
    t, inst = _inst(org)
    login_as(org.admin)
    refused = client.post(f"/survei/kelola/dimensi/{t.dims['R1'].id}/hapus", data=YES, headers=HX)
    assert refused.status_code == 409
    assert db.session.get(SurveyDimension, t.dims["R1"].id) is not None


def test_builder_is_admin_only(org, client, login_as):
    _t, inst = _inst(org)
    login_as(org.camat)
    assert client.get(f"/survei/kelola/instrumen/{inst.id}").status_code == 403
    assert (
        client.post(
            f"/survei/kelola/instrumen/{inst.id}/pertanyaan", data={"kind": "text", "text": "x"}
        ).status_code
        == 403
    )
