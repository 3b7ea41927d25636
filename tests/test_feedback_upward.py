"""Upward feedback: anonymous, own direct superior only, once per round; the leader sees
aggregates only from the threshold, comments only from their own threshold, after closing."""

import re

import pytest
from sqlalchemy import DateTime, Integer, func, inspect, select

from blueprints.admin.models import AuditEntry
from blueprints.admin.settings import set_setting
from blueprints.common.models import SealedAnswer
from blueprints.feedback.constants import UPWARD_STATEMENTS
from blueprints.feedback.models import UpwardAnswer, UpwardParticipation, UpwardRound
from blueprints.notifications.models import Notification
from extensions import db
from tests import factories
from tests import factories_feedback as ff
from tests.conftest import YES


def _answer(**overrides):
    data = {code: "4" for code in UPWARD_STATEMENTS}
    data["comment"] = ""
    data.update(overrides)
    return data


def _team_of(org, size):
    """lurah_a with `size` direct reports."""
    people = [org.staff_a1, org.staff_a2]
    while len(people) < size:
        people.append(factories.employee(org.kel_a, f"Staf A{len(people) + 1}"))
    return people[:size]


class TestAnswering:
    def test_staff_rate_their_own_direct_superior_once_per_round(self, client, org):
        round_ = ff.upward_round()
        ff.login(client, org.staff_a1)
        page = client.get("/umpan-balik/ke-atas").get_data(as_text=True)
        assert "Lurah A" in page
        # Any attempt to name another leader is ignored: the subject is the direct superior.
        response = client.post(
            "/umpan-balik/ke-atas", data=_answer(leader_id=str(org.camat.id), comment="Jelas")
        )
        assert response.status_code == 303
        # Sealed, waiting to be mixed with at least k others: nothing readable yet.
        waiting = db.session.scalars(select(SealedAnswer)).one()
        assert waiting.label == org.lurah_a.id and waiting.batch_key == round_.id
        assert waiting.stream == "upward" and "Jelas" not in waiting.sealed
        assert db.session.scalar(select(func.count(UpwardAnswer.id))) == 0
        again = client.post("/umpan-balik/ke-atas", data=_answer())
        assert again.status_code == 409
        assert db.session.scalar(select(func.count(SealedAnswer.id))) == 1
        assert "sudah mengisi" in client.get("/umpan-balik/ke-atas").get_data(as_text=True)
        # A head rates the head above.
        ff.login(client, org.lurah_a)
        client.post("/umpan-balik/ke-atas", data=_answer())
        assert set(db.session.scalars(select(SealedAnswer.label))) == {
            org.lurah_a.id,
            org.camat.id,
        }

    def test_incomplete_answers_are_refused(self, client, org):
        ff.upward_round()
        ff.login(client, org.staff_a1)
        data = _answer()
        del data["fairness"]
        assert client.post("/umpan-balik/ke-atas", data=data).status_code == 422
        assert client.post("/umpan-balik/ke-atas", data=_answer(clarity="9")).status_code == 422
        assert db.session.scalar(select(func.count(UpwardAnswer.id))) == 0

    def test_no_open_round_or_no_superior(self, client, org):
        ff.login(client, org.staff_a1)
        assert client.post("/umpan-balik/ke-atas", data=_answer()).status_code == 409
        ff.upward_round()
        ff.login(client, org.camat)  # heads the root: nobody above
        assert client.post("/umpan-balik/ke-atas", data=_answer()).status_code == 409
        assert db.session.scalar(select(func.count(UpwardParticipation.round_id))) == 0


class TestResults:
    def test_two_respondents_show_no_figure_three_show_averages(self, client, org):
        round_ = ff.upward_round()
        team = _team_of(org, 3)
        for person, score in zip(team[:2], ("5", "3"), strict=True):
            ff.login(client, person)
            client.post("/umpan-balik/ke-atas", data=_answer(clarity=score))
        ff.login(client, org.lurah_a)
        html = client.get("/umpan-balik/ke-atas/hasil").get_data(as_text=True)
        assert "Putaran masih berjalan" in html  # nothing while open
        ff.close_round(round_)
        html = client.get("/umpan-balik/ke-atas/hasil").get_data(as_text=True)
        assert "Belum cukup responden" in html
        assert not re.search(r"\d+,\d", html) and "responden." not in html
        # A third answer in a fresh round of the same shape: now the figures show.
        round2 = ff.upward_round(title="Putaran Dua")
        for person, score in zip(team, ("5", "3", "4"), strict=True):
            ff.login(client, person)
            client.post("/umpan-balik/ke-atas", data=_answer(clarity=score))
        ff.close_round(round2)
        ff.login(client, org.lurah_a)
        html = client.get("/umpan-balik/ke-atas/hasil").get_data(as_text=True)
        section = html.split(f'id="round-{round2.id}"')[1].split("</section>")[0]
        assert "3 responden." in section
        assert "4,0" in section  # clarity (5+3+4)/3 and the others 4
        assert "Komentar tidak ditampilkan" in section  # below the comment threshold (5)

    def test_comments_only_from_their_threshold_in_random_order(self, client, org):
        round_ = ff.upward_round(min_group=3, comment_min_group=5)
        team = _team_of(org, 5)
        ff.upward_answers(round_, org.lurah_a, team[:4], comment="Komentar")
        ff.close_round(round_)
        ff.login(client, org.lurah_a)
        html = client.get("/umpan-balik/ke-atas/hasil").get_data(as_text=True)
        assert "4 responden." in html and "Komentar tidak ditampilkan" in html
        round2 = ff.upward_round(title="Putaran Lima", min_group=3, comment_min_group=5)
        for n, person in enumerate(team):
            ff.upward_answers(round2, org.lurah_a, [person], comment=f"Catatan nomor {n}")
        ff.close_round(round2)
        orders = set()
        for _ in range(8):
            html = client.get("/umpan-balik/ke-atas/hasil").get_data(as_text=True)
            found = tuple(re.findall(r"Catatan nomor (\d)", html))
            assert sorted(found) == ["0", "1", "2", "3", "4"]
            orders.add(found)
        assert len(orders) > 1  # random order, not submission order

    def test_leaders_see_only_their_own(self, client, org):
        round_ = ff.upward_round(open_=False)
        ff.upward_answers(round_, org.lurah_a, _team_of(org, 3), score=5)
        ff.login(client, org.camat)
        html = client.get("/umpan-balik/ke-atas/hasil").get_data(as_text=True)
        assert "Belum cukup responden" in html and "5,0" not in html
        ff.login(client, org.admin)
        assert "5,0" not in client.get("/umpan-balik/ke-atas/hasil").get_data(as_text=True)
        assert "5,0" not in client.get("/umpan-balik/admin").get_data(as_text=True)


class TestAnonymity:
    def test_no_column_links_an_answer_to_its_author(self, app):
        answer_columns = {c.name: c for c in inspect(UpwardAnswer).columns}
        assert set(answer_columns) == {
            "id",
            "round_id",
            "leader_id",
            "answered_on",
            "comment",
            *UPWARD_STATEMENTS,
        }
        assert not isinstance(answer_columns["id"].type, Integer)  # not sequential
        assert all(not isinstance(c.type, DateTime) for c in answer_columns.values())
        foreign = {
            fk.column.table.name + "." + fk.column.name
            for c in answer_columns.values()
            for fk in c.foreign_keys
        }
        assert foreign == {"upward_round.id", "employee.id"}  # employee: the leader only
        participation = {c.name for c in inspect(UpwardParticipation).columns}
        assert participation == {"round_id", "employee_id"}  # no time, no subject, no answer

    def test_ids_are_random_and_dates_only(self, client, org):
        round_ = ff.upward_round()
        team = _team_of(org, 4)
        for person in team:
            ff.login(client, person)
            client.post("/umpan-balik/ke-atas", data=_answer())
        ff.close_round(round_)
        answers = db.session.scalars(select(UpwardAnswer)).all()
        assert all(re.fullmatch(r"[0-9a-f]{32}", a.id) for a in answers)
        assert len({a.id for a in answers}) == 4
        assert all(type(a.answered_on).__name__ == "date" for a in answers)
        if db.engine.dialect.name == "sqlite":  # WITHOUT ROWID: stored in random-id order
            from sqlalchemy import text

            stored = list(db.session.scalars(text("SELECT id FROM upward_answer")))
            assert stored == sorted(stored)
        # Nothing else written at submission names the respondent with the answer.
        audit = db.session.scalars(select(AuditEntry.action)).all()
        assert not [a for a in audit if a.startswith("upward.answer")]
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
        assert round_.id

    def test_no_route_or_export_exposes_answers_per_person(self, app):
        rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("feedback.")]
        upward_rules = [r.rule for r in rules if "ke-atas" in r.rule or "putaran" in r.rule]
        assert sorted(upward_rules) == sorted(
            [
                "/umpan-balik/ke-atas",
                "/umpan-balik/ke-atas/hasil",
                "/umpan-balik/admin/putaran",
                "/umpan-balik/admin/putaran/<int:round_id>/tutup",
            ]
        )
        for rule in upward_rules:
            assert "employee" not in rule and "answer" not in rule


class TestRounds:
    def test_admin_opens_and_closes_rounds_with_frozen_thresholds(self, client, org):
        set_setting("upward_min_group", 4)
        set_setting("upward_comment_min_group", 6)
        db.session.commit()
        ff.login(client, org.staff_a1)
        assert client.post("/umpan-balik/admin/putaran", data={}).status_code == 403
        ff.login(client, org.admin)
        closes = (ff.today_wib() + ff.timedelta(days=14)).isoformat()
        response = client.post(
            "/umpan-balik/admin/putaran", data={"title": "Triwulan IV 2026", "closes_on": closes}
        )
        assert response.status_code == 303
        round_ = db.session.scalars(select(UpwardRound)).one()
        assert (round_.min_group, round_.comment_min_group) == (4, 6)
        notified = set(
            db.session.scalars(
                select(Notification.recipient_id).where(Notification.kind == "feedback.upward_open")
            )
        )
        assert org.staff_a1.id in notified and org.camat.id not in notified
        assert (
            client.post(
                "/umpan-balik/admin/putaran", data={"title": "Lagi", "closes_on": closes}
            ).status_code
            == 409
        )
        ff.login(client, org.staff_a1)
        client.post("/umpan-balik/ke-atas", data=_answer())
        ff.login(client, org.admin)
        page = client.get("/umpan-balik/admin").get_data(as_text=True)
        assert "Triwulan IV 2026" in page
        assert (
            client.post(f"/umpan-balik/admin/putaran/{round_.id}/tutup", data=YES).status_code
            == 303
        )
        db.session.expire_all()
        assert round_.closed_at is not None
        actions = set(db.session.scalars(select(AuditEntry.action)))
        assert {"upward.round_opened", "upward.round_closed"} <= actions
        ff.login(client, org.staff_a2)
        assert client.post("/umpan-balik/ke-atas", data=_answer()).status_code == 409


def test_no_answer_carries_the_transaction_stamp_of_a_submit(app, client, org):
    """PostgreSQL: answers are written by the mixing transaction at closing, one stamp (xmin)
    for the batch, never the stamp of a submit (which the participation row carries)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("transaction stamps are PostgreSQL's")
    from sqlalchemy import text

    round_ = ff.upward_round()
    for person in _team_of(org, 3):
        ff.login(client, person)
        client.post("/umpan-balik/ke-atas", data=_answer())
    assert db.session.scalar(select(func.count(UpwardAnswer.id))) == 0  # sealed until mixed
    ff.login(client, org.admin)
    client.post(f"/umpan-balik/admin/putaran/{round_.id}/tutup", data=YES)
    answers = set(db.session.scalars(text("SELECT xmin::text FROM upward_answer")))
    submits = set(db.session.scalars(text("SELECT xmin::text FROM upward_participation")))
    assert len(answers) == 1 and len(submits) == 3 and not answers & submits


def test_a_round_past_its_date_closes_itself(client, org):
    round_ = ff.upward_round()
    ff.upward_answers(round_, org.lurah_a, _team_of(org, 3), score=5)
    round_.closes_on = ff.today_wib() - ff.timedelta(days=1)
    db.session.commit()
    ff.login(client, org.lurah_a)
    html = client.get("/umpan-balik/ke-atas/hasil").get_data(as_text=True)
    assert "3 responden." in html
    db.session.expire_all()
    assert db.session.get(UpwardRound, round_.id).closed_at is not None
