"""Visibility, enforced in one place: the receiver, the author and leaders above the receiver.
Peers, organizers and admins never see feedback texts; every read by a non-party is audited."""

import pytest
from sqlalchemy import func, select

from blueprints.admin.models import AuditEntry
from blueprints.auth.models import Employee
from blueprints.feedback import counts, visibility
from blueprints.feedback.models import Feedback
from extensions import db
from tests import factories
from tests import factories_feedback as ff


def _reads(actor=None) -> int:
    stmt = select(func.count(AuditEntry.id)).where(AuditEntry.action == "feedback.read")
    if actor is not None:
        stmt = stmt.where(AuditEntry.actor_id == actor.id)
    return db.session.scalar(stmt)


def test_can_read_and_its_sql_twin_agree(app, org):
    items = [
        ff.feedback(org.lurah_a, org.staff_a1),
        ff.feedback(org.lurah_a, org.staff_a2, sent=False),
        ff.feedback(org.camat, org.lurah_a),
        ff.feedback(org.camat, org.staff_b1),
        ff.feedback(org.lurah_b, org.staff_b1),
        ff.feedback(org.sekcam, org.staff_sek, sent=False),
        ff.feedback(org.camat, org.staff_sek),
    ]
    people = [v for v in vars(org).values() if isinstance(v, Employee)]
    for person in people:
        in_python = {fb.id for fb in items if visibility.can_read(person, fb)}
        in_sql = set(
            db.session.scalars(select(Feedback.id).where(visibility.readable_condition(person)))
        )
        assert in_python == in_sql, person.name
    # Spot checks of the rule itself.
    sent_a1, draft_a2, camat_lurah = items[0], items[1], items[2]
    assert visibility.can_read(org.camat, sent_a1)  # a leader above the receiver
    assert not visibility.can_read(org.camat, draft_a2)  # drafts: the author only
    assert not visibility.can_read(org.staff_a2, sent_a1)  # a peer
    assert not visibility.can_read(org.lurah_b, sent_a1)  # a peer leader
    assert not visibility.can_read(org.admin, sent_a1) and not visibility.can_read(
        org.organizer, sent_a1
    )
    assert not visibility.can_read(org.staff_a1, camat_lurah)  # below the receiver


class TestDemoAccountsWalk:
    """The demo accounts and peers walk every feedback URL: 200 only where allowed."""

    @pytest.fixture
    def walk(self, demo):
        pegawai = demo.pegawai
        lurah = demo.lurah_terjun
        peer = db.session.scalars(
            select(Employee)
            .where(Employee.unit_id == pegawai.unit_id, Employee.id.not_in([pegawai.id, lurah.id]))
            .order_by(Employee.id)
        ).first()
        other_lurah = db.session.scalars(
            select(Employee)
            .where(Employee.jabatan.like("Lurah %"), Employee.id != lurah.id)
            .order_by(Employee.id)
        ).first()
        people = {
            "admin": demo.admin,
            "penyelenggara": demo.penyelenggara,
            "camat": demo.camat,
            "lurah_terjun": lurah,
            "pegawai": pegawai,
            "peer": peer,
            "other_lurah": other_lurah,
        }
        to_pegawai = db.session.scalars(
            select(Feedback)
            .where(Feedback.receiver_id == pegawai.id, Feedback.status == "sent")
            .order_by(Feedback.id)
        ).first()
        draft = db.session.scalars(
            select(Feedback).where(Feedback.author_id == lurah.id, Feedback.status == "draft")
        ).first()
        to_lurah = db.session.scalars(
            select(Feedback).where(
                Feedback.receiver_id == lurah.id, Feedback.author_id == demo.camat.id
            )
        ).first()
        assert to_pegawai and draft and to_lurah and peer and other_lurah
        return people, to_pegawai, draft, to_lurah

    def test_every_feedback_url(self, client, walk):
        people, to_pegawai, draft, to_lurah = walk
        readers = {
            to_pegawai.id: {"pegawai", "lurah_terjun", "camat"},
            draft.id: {"lurah_terjun"},
            to_lurah.id: {"lurah_terjun", "camat"},
        }
        authors = {to_pegawai.id: "lurah_terjun", draft.id: "lurah_terjun", to_lurah.id: "camat"}
        for key, person in people.items():
            ff.login(client, person)
            for fb_id, allowed in readers.items():
                is_sent = fb_id != draft.id
                urls = {
                    "show": f"/umpan-balik/{fb_id}",
                    "history": f"/umpan-balik/{fb_id}/riwayat",
                    "addendum": f"/umpan-balik/{fb_id}/addendum",
                    "csv": f"/umpan-balik/{fb_id}/ekspor.csv",
                    "xlsx": f"/umpan-balik/{fb_id}/ekspor.xlsx",
                }
                for name, url in urls.items():
                    status = client.get(url).status_code
                    if key not in allowed:
                        expected = {404}
                    elif name == "addendum":
                        # The author only; for a draft it leads to the edit form.
                        expected = {200 if is_sent else 303} if authors[fb_id] == key else {403}
                    elif name in ("csv", "xlsx") and not is_sent:
                        expected = {404}
                    else:
                        expected = {200}
                    assert status in expected, (key, fb_id, name, status)
                if key not in allowed:  # actions, too, deny the feedback exists
                    for action in ("baca", "tanggapan", "addendum", "kirim", "hapus", "ubah"):
                        response = client.post(
                            f"/umpan-balik/{fb_id}/{action}", data={"response": "x", "body": "x"}
                        )
                        assert response.status_code == 404, (key, action, response.status_code)

        # Reads by non-parties were audited: only the camat's reads of pegawai's feedback.
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "feedback.read")
        ).all()
        assert sorted((e.actor_id, e.target_type, e.target_id, e.detail) for e in entries) == [
            (people["camat"].id, "feedback", to_pegawai.id, how)
            for how in ("export", "export", "history", "show")
        ]
        # Ids cannot be guessed into access: a forbidden id looks exactly like a missing one.
        ff.login(client, people["peer"])
        missing = db.session.scalar(select(func.max(Feedback.id))) + 1
        forbidden = client.get(f"/umpan-balik/{to_pegawai.id}")
        absent = client.get(f"/umpan-balik/{missing}")
        assert forbidden.status_code == absent.status_code == 404
        assert to_pegawai.context not in forbidden.get_data(as_text=True)

    def test_admin_sees_counts_only(self, client, walk):
        people, to_pegawai, *_ = walk
        ff.login(client, people["admin"])
        page = client.get("/umpan-balik/admin")
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "Kelurahan Terjun" in html and "Jumlah" in html
        for text in (to_pegawai.context, to_pegawai.strengths, to_pegawai.improvements):
            assert text not in html
        for url in (
            "/umpan-balik/tim",
            f"/umpan-balik/tim/{people['pegawai'].id}",
            f"/umpan-balik/rencana/{people['pegawai'].id}",
        ):
            assert client.get(url).status_code in (403, 404), url
        export = client.get("/umpan-balik/ekspor.csv").get_data(as_text=True)
        assert export.count("\n") == 1  # the header only
        for key in ("pegawai", "camat", "penyelenggara"):
            ff.login(client, people[key])
            assert client.get("/umpan-balik/admin").status_code == 403


class TestListExport:
    def test_export_goes_through_the_visibility_rule(self, client, org):
        mine = ff.feedback(org.lurah_a, org.staff_a1, context="Milik lurah A")
        ff.feedback(org.lurah_a, org.staff_a2, sent=False, context="Draf lurah A")
        by_camat = ff.feedback(org.camat, org.staff_a2, context="Dari camat ke A2")
        ff.feedback(org.lurah_b, org.staff_b1, context="Di kelurahan B")
        ff.feedback(org.camat, org.lurah_a, context="Untuk lurah A sendiri")
        ff.login(client, org.lurah_a)
        response = client.get("/umpan-balik/ekspor.csv")
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/csv")
        body = response.get_data(as_text=True)
        assert "Milik lurah A" in body and "Dari camat ke A2" in body
        assert "Draf lurah A" not in body and "Di kelurahan B" not in body
        assert "Untuk lurah A sendiri" not in body  # one's own received feedback is not a team list
        # The camat's feedback read by lurah A is audited; lurah A's own is not.
        targets = set(
            db.session.scalars(
                select(AuditEntry.target_id).where(
                    AuditEntry.action == "feedback.read", AuditEntry.actor_id == org.lurah_a.id
                )
            )
        )
        assert targets == {by_camat.id} and mine.id not in targets
        xlsx = client.get("/umpan-balik/ekspor.xlsx")
        assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"

    def test_export_neutralises_formulas(self, client, org):
        ff.feedback(org.lurah_a, org.staff_a1, context='=HYPERLINK("http://x")')
        ff.login(client, org.lurah_a)
        body = client.get("/umpan-balik/ekspor.csv").get_data(as_text=True)
        assert "'=HYPERLINK" in body


def test_peers_organizers_admins_see_no_team_or_person_pages(client, org):
    ff.feedback(org.lurah_a, org.staff_a1, context="Rahasia A1")
    for person in (org.staff_a2, org.organizer, org.admin):
        ff.login(client, person)
        assert client.get("/umpan-balik/tim").status_code == 403
        assert client.get(f"/umpan-balik/tim/{org.staff_a1.id}").status_code == 403
        assert client.get(f"/umpan-balik/rencana/{org.staff_a1.id}").status_code == 404
    ff.login(client, org.lurah_b)  # a leader, but not above A1
    assert client.get(f"/umpan-balik/tim/{org.staff_a1.id}").status_code == 404


def test_real_login_flow_reaches_the_feedback_page(client, org, login_as):
    fb = ff.feedback(org.lurah_a, org.staff_a1, context="Lewat login sungguhan")
    login_as(org.staff_a1)
    assert "Lewat login sungguhan" in client.get(f"/umpan-balik/{fb.id}").get_data(as_text=True)
    assert factories.PASSWORD  # the shared test password works through the real form


def test_admin_counts_are_right(app, org):
    ff.feedback(
        org.lurah_a,
        org.staff_a1,
        days_ago=5,
        acknowledged=True,
        follow_ups=[("lewat", -1), ("nanti", 5)],
    )
    ff.feedback(org.lurah_a, org.staff_a2, days_ago=100)
    ff.feedback(org.lurah_a, org.staff_a2, sent=False)
    ff.request(org.staff_b1, org.lurah_b)
    rows, totals = counts.admin_counts()
    names = [row["name"] for row in rows]
    assert names.index("Kecamatan Uji") < names.index("Sekretariat") < names.index("Kelurahan A")
    kel_a = next(row for row in rows if row["name"] == "Kelurahan A")
    assert {k: int(v) for k, v in kel_a.items() if k not in ("id", "name", "depth")} == {
        "people": 3,
        "overdue": 2,
        "recent": 1,
        "acknowledged": 1,
        "year": kel_a["year"],
        "requests": 0,
        "followups": 1,
    }
    assert 1 <= int(kel_a["year"]) <= 2  # the 100-day-old one may fall in last year
    assert totals["people"] == 10 and totals["requests"] == 1 and totals["followups"] == 1
