"""`flask seed-demo` gives Marelan realistic, coherent workshop data (product.md §5)."""

from sqlalchemy import func, select

from blueprints.common.timefmt import today_wib
from blueprints.workshops.access import organizes
from blueprints.workshops.ledger import jp_for_year
from blueprints.workshops.models import (
    Evaluation,
    ExternalLearning,
    Registration,
    Workshop,
    WorkshopSession,
)
from blueprints.workshops.registration import pending_approvals_for
from blueprints.workshops.seats import counts_for
from extensions import db


def test_demo_workshops(demo, client):
    titles = set(db.session.scalars(select(Workshop.title)))
    assert {
        "Pelayanan Publik yang Berempati",
        "Komunikasi Efektif dengan Masyarakat",
        "Teknik Presentasi",
        "Kepemimpinan Perubahan",
    } <= titles
    sessions = db.session.scalars(select(WorkshopSession)).all()
    statuses = {s.status for s in sessions}
    assert {"completed", "published", "draft", "cancelled"} <= statuses
    # One upcoming session is full, with people waiting.
    full = [s for s in sessions if s.status == "published" and counts_for(s.id)[0] == s.capacity]
    assert full and counts_for(full[0].id)[1] > 0
    # Past sessions have attendance and evaluations.
    attended = db.session.scalar(select(func.count()).where(Registration.attended.is_(True)))
    assert attended > 20
    assert db.session.scalar(select(func.count(Evaluation.id))) >= 10
    # The demo staff member has some JP this year, below the PNS target.
    jp = jp_for_year(demo.pegawai, today_wib().year)
    assert 0 < jp < 20
    statuses = set(
        db.session.scalars(
            select(ExternalLearning.status).where(ExternalLearning.employee_id == demo.pegawai.id)
        )
    )
    assert statuses == {"verified", "pending"}
    # The organizer runs the programmes; the lurah has a request to decide.
    workshop = db.session.scalars(select(Workshop)).first()
    assert organizes(demo.penyelenggara, workshop.id)
    assert [r.employee_id for r in pending_approvals_for(demo.lurah_terjun)] == [demo.pegawai.id]
