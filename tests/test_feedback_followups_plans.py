"""Follow-ups (receiver marks done, author confirms, overdue stands out), reminders, the
development plan (proposed by either side, agreed by the leader, closed after the workshop) and
self-reflection (the person and leaders above)."""

from datetime import timedelta

from sqlalchemy import select

from blueprints.common.timefmt import today_wib
from blueprints.feedback.models import DevelopmentGoal, FollowUp, SelfReflection
from blueprints.notifications.models import Notification
from extensions import db
from tests import factories_feedback as ff
from tests.conftest import HX


def _kinds(person):
    return list(
        db.session.scalars(select(Notification.kind).where(Notification.recipient_id == person.id))
    )


class TestFollowUps:
    def test_receiver_marks_done_and_author_confirms(self, client, org):
        fb = ff.feedback(org.lurah_a, org.staff_a1, follow_ups=[("Susun daftar periksa", 7)])
        item = fb.follow_ups[0]
        ff.login(client, org.lurah_a)  # the author cannot confirm before it is done
        assert client.post(f"/umpan-balik/tindak-lanjut/{item.id}/konfirmasi").status_code == 409
        assert client.post(f"/umpan-balik/tindak-lanjut/{item.id}/selesai").status_code == 403
        ff.login(client, org.staff_a1)
        row = client.post(f"/umpan-balik/tindak-lanjut/{item.id}/selesai", headers=HX)
        assert row.status_code == 200
        html = row.get_data(as_text=True)
        assert html.lstrip().startswith(f'<tr id="follow-up-{item.id}"')
        assert "menunggu konfirmasi" in html
        assert "feedback.followup_done" in _kinds(org.lurah_a)
        ff.login(client, org.lurah_a)
        given = client.get("/umpan-balik/diberikan").get_data(as_text=True)
        assert "Konfirmasi selesai" in given
        response = client.post(
            f"/umpan-balik/tindak-lanjut/{item.id}/konfirmasi", data={"next": "given"}
        )
        assert response.status_code == 303 and response.headers["Location"].endswith("/diberikan")
        db.session.expire_all()
        fresh = db.session.get(FollowUp, item.id)
        assert fresh.done_at is not None and fresh.confirmed_at is not None

    def test_strangers_get_404(self, client, org):
        fb = ff.feedback(org.lurah_a, org.staff_a1, follow_ups=[("Aksi", 7)])
        ff.login(client, org.staff_a2)
        assert (
            client.post(f"/umpan-balik/tindak-lanjut/{fb.follow_ups[0].id}/selesai").status_code
            == 404
        )

    def test_overdue_ones_stand_out_to_both(self, client, org):
        fb = ff.feedback(org.lurah_a, org.staff_a1, follow_ups=[("Lewat", -2), ("Belum", 5)])
        late, fine = fb.follow_ups
        for person, url in (
            (org.staff_a1, "/umpan-balik/"),
            (org.lurah_a, "/umpan-balik/diberikan"),
            (org.staff_a1, f"/umpan-balik/{fb.id}"),
            (org.lurah_a, f"/umpan-balik/{fb.id}"),
        ):
            ff.login(client, person)
            html = client.get(url).get_data(as_text=True)
            assert 'class="fu-overdue"' in html, url
            assert "Lewat tenggat" in html, url
        ff.login(client, org.staff_a1)
        html = client.get(f"/umpan-balik/{fb.id}").get_data(as_text=True)
        assert f'<tr id="follow-up-{late.id}" class="fu-overdue">' in html
        assert f'<tr id="follow-up-{fine.id}" class="fu-open">' in html

    def test_reminder_command_notifies_once(self, app, org):
        ff.feedback(org.lurah_a, org.staff_a1, follow_ups=[("Segera", 2), ("Nanti", 30)])
        runner = app.test_cli_runner()
        result = runner.invoke(args=["feedback", "remind"])
        assert result.exit_code == 0, result.output
        assert "1 reminders" in result.output
        assert _kinds(org.staff_a1).count("feedback.followup_due") == 1
        assert "0 reminders" in runner.invoke(args=["feedback", "remind"]).output


class TestDevelopmentPlan:
    def _goal(self, **extra):
        ff.competency_dictionary()  # the goal's competency is one of the dictionary's
        data = {
            "competency": "presentasi",
            "title": "Paparan yang runtut",
            "reason": "Umpan balik",
            "feedback_id": "0",
            "workshop_id": "0",
            "external_activity": "",
            "target_on": (today_wib() + timedelta(days=30)).isoformat(),
        }
        data.update(extra)
        return data

    def test_staff_propose_and_the_leader_agrees(self, client, org):
        fb = ff.feedback(org.lurah_a, org.staff_a1)
        ws = ff.workshop("Teknik Presentasi")
        ff.login(client, org.staff_a1)
        response = client.post(
            f"/umpan-balik/rencana/{org.staff_a1.id}/baru",
            data=self._goal(feedback_id=str(fb.id), workshop_id=str(ws.id)),
        )
        assert response.status_code == 303
        goal = db.session.scalars(select(DevelopmentGoal)).one()
        assert goal.status == "proposed" and goal.feedback_id == fb.id and goal.workshop_id == ws.id
        assert "feedback.goal_proposed" in _kinds(org.lurah_a)
        # The person cannot agree to their own proposal.
        assert client.post(f"/umpan-balik/rencana/sasaran/{goal.id}/setujui").status_code == 403
        ff.login(client, org.lurah_a)
        assert client.post(f"/umpan-balik/rencana/sasaran/{goal.id}/setujui").status_code == 303
        db.session.expire_all()
        assert goal.status == "agreed" and goal.agreed_by_id == org.lurah_a.id
        assert "feedback.goal_agreed" in _kinds(org.staff_a1)
        # Once agreed it cannot be reworded.
        assert (
            client.post(
                f"/umpan-balik/rencana/sasaran/{goal.id}/ubah", data=self._goal(title="Lain")
            ).status_code
            == 409
        )

    def test_a_leader_proposal_is_agreed_at_once(self, client, org):
        ff.login(client, org.camat)
        client.post(f"/umpan-balik/rencana/{org.staff_a1.id}/baru", data=self._goal())
        assert db.session.scalars(select(DevelopmentGoal)).one().status == "agreed"

    def test_attended_workshop_shows_and_the_goal_closes(self, client, org):
        ws = ff.workshop("Teknik Presentasi")
        ff.login(client, org.lurah_a)
        client.post(
            f"/umpan-balik/rencana/{org.staff_a1.id}/baru", data=self._goal(workshop_id=str(ws.id))
        )
        goal = db.session.scalars(select(DevelopmentGoal)).one()
        ff.login(client, org.staff_a1)
        html = client.get("/umpan-balik/rencana").get_data(as_text=True)
        assert "belum diikuti" in html and "Sudah diikuti" not in html
        ff.attended_session(ws, org.staff_a1, days_ago=3)
        html = client.get("/umpan-balik/rencana").get_data(as_text=True)
        assert "Sudah diikuti pada" in html
        assert "Pelatihan sudah diikuti — tandai tercapai" in html
        assert f"/pelatihan/program/{ws.id}" in html
        assert client.post(f"/umpan-balik/rencana/sasaran/{goal.id}/tercapai").status_code == 303
        db.session.expire_all()
        assert goal.status == "done" and goal.closed_at is not None

    def test_only_the_person_and_leaders_above(self, client, org):
        ff.login(client, org.staff_a1)
        client.post(f"/umpan-balik/rencana/{org.staff_a1.id}/baru", data=self._goal())
        goal = db.session.scalars(select(DevelopmentGoal)).one()
        for person in (org.staff_a2, org.lurah_b, org.admin, org.organizer):
            ff.login(client, person)
            assert client.get(f"/umpan-balik/rencana/{org.staff_a1.id}").status_code == 404
            assert client.post(f"/umpan-balik/rencana/sasaran/{goal.id}/batal").status_code == 404
            assert (
                client.post(
                    f"/umpan-balik/rencana/{org.staff_a1.id}/baru", data=self._goal()
                ).status_code
                == 404
            )
        ff.login(client, org.camat)
        assert "Paparan yang runtut" in client.get(
            f"/umpan-balik/rencana/{org.staff_a1.id}"
        ).get_data(as_text=True)

    def test_a_feedback_of_someone_else_cannot_be_linked(self, client, org):
        other = ff.feedback(org.lurah_a, org.staff_a2)
        ff.login(client, org.staff_a1)
        response = client.post(
            f"/umpan-balik/rencana/{org.staff_a1.id}/baru",
            data=self._goal(feedback_id=str(other.id)),
        )
        assert response.status_code == 409
        assert db.session.scalars(select(DevelopmentGoal)).first() is None


class TestSelfReflection:
    def test_visible_to_the_person_and_leaders_above_only(self, client, org):
        ff.login(client, org.staff_a1)
        assert client.post("/umpan-balik/refleksi", data={}).status_code == 422
        response = client.post(
            "/umpan-balik/refleksi",
            data={
                "went_well": "Antrean lancar",
                "was_hard": "Warga lansia",
                "help_wanted": "Contoh",
            },
        )
        assert response.status_code == 303
        assert db.session.scalars(select(SelfReflection)).one().employee_id == org.staff_a1.id
        assert "Antrean lancar" in client.get("/umpan-balik/refleksi").get_data(as_text=True)
        for leader in (org.lurah_a, org.camat):
            ff.login(client, leader)
            assert "Antrean lancar" in client.get(f"/umpan-balik/tim/{org.staff_a1.id}").get_data(
                as_text=True
            )
        ff.login(client, org.lurah_a)  # and beside the form when writing feedback
        assert "Antrean lancar" in client.get(
            f"/umpan-balik/baru?receiver={org.staff_a1.id}"
        ).get_data(as_text=True)
        for person in (org.staff_a2, org.lurah_b, org.admin):
            ff.login(client, person)
            assert "Antrean lancar" not in client.get("/umpan-balik/refleksi").get_data(
                as_text=True
            )
            assert client.get(f"/umpan-balik/tim/{org.staff_a1.id}").status_code in (403, 404)
