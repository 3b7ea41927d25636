"""Builders for the dashboard tests: small explicit rows through the other blueprints' models,
a "home" scenario with one case per item kind, and a bulk organisation for query counts."""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from sqlalchemy import insert, select, text

from blueprints.auth.models import Employee, EmployeeRole, Unit
from blueprints.common.anonymity import random_id
from blueprints.common.timefmt import today_wib, utcnow, wib_to_utc
from blueprints.feedback.models import (
    DevelopmentGoal,
    Feedback,
    FeedbackCompetency,
    FeedbackRequest,
    FeedbackWorkshop,
    FollowUp,
)
from blueprints.surveys import builder as survey_builder
from blueprints.surveys import waves as survey_waves
from blueprints.surveys.models import (
    SurveyParticipation,
    SurveyResponse,
    SurveyWave,
    SurveyWaveUnit,
)
from blueprints.workshops.models import (
    Evaluation,
    ExternalLearning,
    Registration,
    Topic,
    Workshop,
    WorkshopSession,
)
from extensions import db
from tests import factories

_SEQ = itertools.count(1)


# --- single rows ----------------------------------------------------------------------------------
def workshop(organizer=None, title=None, *, requires_approval=False, topics=()) -> Workshop:
    row = Workshop(
        title=title or f"Pelatihan Dasbor {next(_SEQ)}",
        description="",
        competency_type="teknis",
        learning_form="klasikal",
        learning_kind="pelatihan",
        requires_approval=requires_approval,
    )
    row.organizers = [organizer] if organizer else []
    row.topics = list(topics)
    db.session.add(row)
    db.session.flush()
    return row


def session(w: Workshop, *, days=7, status="published", capacity=10, jp=4, hours=3, starts=None):
    starts = starts or (utcnow() + timedelta(days=days)).replace(microsecond=0)
    row = WorkshopSession(
        workshop_id=w.id,
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        venue="Aula",
        capacity=capacity,
        jp_credited=jp,
        status=status,
        queue_seq=0,
    )
    db.session.add(row)
    db.session.flush()
    return row


def register(s: WorkshopSession, person, status="confirmed", attended=False) -> Registration:
    s.queue_seq += 1
    row = Registration(
        session_id=s.id,
        employee_id=person.id,
        status=status,
        position=s.queue_seq if status in ("confirmed", "waitlisted") else None,
        attended=attended,
    )
    db.session.add(row)
    db.session.flush()
    return row


def external(
    person, *, jp=5, status="pending", day=None, title="Kursus daring"
) -> ExternalLearning:
    row = ExternalLearning(
        employee_id=person.id,
        title=title,
        provider="LAN RI",
        learning_form="nonklasikal",
        learning_kind="e_learning",
        learned_on=day or today_wib(),
        jp=jp,
        evidence_file="bukti.pdf",
        evidence_name="bukti.pdf",
        evidence_type="application/pdf",
        evidence_size=100,
        status=status,
        review_reason="Tidak terbaca" if status == "rejected" else "",
    )
    db.session.add(row)
    db.session.flush()
    return row


def feedback(
    author,
    receiver,
    *,
    sent_at: datetime | None = None,
    ack=False,
    status="sent",
    follow_ups=(),
    competencies=(),
    workshops=(),
    improvements="Perbaiki cara menjelaskan persyaratan.",
) -> Feedback:
    """follow_ups: (description, due_on, done) tuples."""
    sent_at = sent_at or utcnow()
    row = Feedback(
        author_id=author.id,
        receiver_id=receiver.id,
        occurred_on=today_wib(),
        context="Pelayanan di loket",
        strengths="Ramah kepada warga",
        improvements=improvements,
        status=status,
        sent_at=sent_at if status == "sent" else None,
        acknowledged_at=sent_at if ack and status == "sent" else None,
        created_at=sent_at,
        updated_at=sent_at,
    )
    for position, (action, due_on, done) in enumerate(follow_ups):
        row.follow_ups.append(
            FollowUp(
                position=position,
                description=action,
                due_on=due_on,
                done_at=utcnow() if done else None,
            )
        )
    for code in competencies:
        row.competencies.append(FeedbackCompetency(code=code))
    for w in workshops:
        row.workshops.append(FeedbackWorkshop(workshop_id=w.id, title=w.title))
    db.session.add(row)
    db.session.flush()
    return row


def request(requester, leader, *, status="open", topic="Cara saya melayani warga"):
    row = FeedbackRequest(
        requester_id=requester.id,
        leader_id=leader.id,
        topic=topic,
        status=status,
        decline_reason="Sedang dinas luar" if status == "declined" else "",
        closed_at=None if status == "open" else utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    return row


def goal(
    employee, *, status="proposed", title="Menguasai layanan daring", competency="layanan_digital"
):
    row = DevelopmentGoal(
        employee_id=employee.id,
        competency=competency,
        title=title,
        status=status,
        proposed_by_id=employee.id,
        agreed_at=utcnow() if status in ("agreed", "done") else None,
        closed_at=utcnow() if status in ("done", "cancelled") else None,
    )
    db.session.add(row)
    db.session.flush()
    return row


def wave(units, *, title=None, status="open", opens=-3, closes=10, live=False) -> SurveyWave:
    inst, _created = survey_builder.install_builtin_instrument()
    today = today_wib()
    row = SurveyWave(
        instrument_id=inst.id,
        title=title or f"Gelombang {next(_SEQ)}",
        opens_on=today + timedelta(days=opens),
        closes_on=today + timedelta(days=closes),
        min_group=5,
        comment_min_group=10,
        live_results=live,
        status=status,
    )
    for unit in units:
        row.targets.append(SurveyWaveUnit(unit_id=unit.id))
    db.session.add(row)
    db.session.flush()
    return row


def participate(w: SurveyWave, *people) -> None:
    for person in people:
        db.session.add(SurveyParticipation(wave_id=w.id, employee_id=person.id))
    db.session.flush()


# --- the home scenario: one case per kind of item, and its near misses ----------------------------
def home_scenario(org) -> SimpleNamespace:
    """Rows that need someone, and rows that look alike but need nobody (the near misses)."""
    today = today_wib()
    a1, a2, b1 = org.staff_a1, org.staff_a2, org.staff_b1
    lurah, camat, organizer = org.lurah_a, org.camat, org.organizer
    ns = SimpleNamespace()
    # Feedback to staff_a1: one unread, one read with follow-ups in every state.
    ns.unread = feedback(lurah, a1, sent_at=utcnow() - timedelta(days=1))
    ns.read = feedback(
        lurah,
        a1,
        sent_at=utcnow() - timedelta(days=20),
        ack=True,
        follow_ups=[
            ("Susun daftar periksa berkas", today + timedelta(days=3), False),  # due soon
            ("Ikuti pelatihan presentasi", today + timedelta(days=30), False),  # not yet
            ("Pindai arsip bulan lalu", today - timedelta(days=2), False),  # overdue
            ("Rapikan loket", today - timedelta(days=5), True),  # done: the author confirms
        ],
    )
    ns.due_soon, ns.later, ns.overdue, ns.done = ns.read.follow_ups
    feedback(lurah, a2, status="draft")  # a draft is nobody's business yet
    # Requests to lurah_a: one open, one answered.
    ns.open_request = request(a2, lurah)
    request(a1, lurah, status="declined", topic="Topik lama")
    # Development goals of lurah_a's reports: one proposed (needs the lurah), one agreed.
    ns.proposed_goal = goal(a1)
    goal(a2, status="agreed", title="Sudah disepakati")
    # Workshops: an upcoming session for a1, a pending approval from a2 (direct report of lurah).
    own = workshop(organizer, "Pelayanan Prima")
    other = workshop(None, "Program Orang Lain")
    approval = workshop(organizer, "Kepemimpinan Perubahan", requires_approval=True)
    ns.upcoming = session(own, days=5)
    register(ns.upcoming, a1)
    cancelled = session(own, days=6, status="cancelled")
    register(cancelled, a1)
    ns.approval_session = session(approval, days=9)
    ns.approval = register(ns.approval_session, a2, status="pending_approval")
    # Attendance: started and still published (needs the organizer) vs completed/cancelled/other.
    ns.to_mark = session(own, days=-1)
    register(ns.to_mark, a1)
    register(ns.to_mark, b1)
    done = session(own, days=-3, status="completed")
    register(done, b1, attended=True)
    session(own, days=-2, status="cancelled")
    session(other, days=-1)  # not the organizer's workshop
    # External records: b1's pending (needs an organizer), the organizer's own, and a verified.
    ns.record = external(b1, title="Kursus Excel")
    external(organizer, title="Catatan penyelenggara sendiri")
    external(a2, status="verified", title="Sudah diverifikasi")
    # Surveys: KEL-A's open wave (a1 and a2 invited), a KEC-wide one a1 already answered,
    # a closed one and a draft.
    ns.wave_a = wave([org.kel_a], title="Survei Kelurahan A")
    ns.wave_all = wave([org.kec], title="Survei Kecamatan")
    participate(ns.wave_all, a1, camat, lurah, organizer)
    wave([org.kec], title="Survei lama", status="closed", opens=-60, closes=-40)
    wave([org.kec], title="Survei draf", status="draft")
    db.session.commit()
    return ns


# --- bulk organisation for query counts -----------------------------------------------------------
def bulk_org(employees: int) -> SimpleNamespace:
    """A root unit with kelurahan and lingkungan below, `employees` people (bulk INSERT), and
    rows in every table the dashboards read, scaled with the number of people."""
    root = factories.unit("B-ROOT", "Kecamatan Besar", kind="kecamatan")
    kelurahan = [
        factories.unit(f"B-K{i}", f"Kelurahan {i}", root, kind="kelurahan") for i in range(5)
    ]
    units = list(kelurahan)
    for i, parent in enumerate(kelurahan):
        units += [
            factories.unit(f"B-L{i}-{j}", f"Lingkungan {i}-{j}", parent, kind="lingkungan")
            for j in range(3)
        ]
    camat = factories.employee(root, "Camat Besar", email="camat@besar.local", heads=root)
    lurah = factories.employee(
        kelurahan[0], "Lurah Besar", email="lurah@besar.local", heads=kelurahan[0]
    )
    organizer = factories.employee(
        root, "Penyelenggara Besar", email="org@besar.local", roles=["organizer"]
    )
    staff = factories.employee(kelurahan[0], "Staf Besar", email="staf@besar.local")
    password = factories.password_hash()
    rows = []
    for n in range(employees):
        rows.append(
            {
                "nip": f"{19700101 + n % 20:08d}{2000 + n % 20}{1 + n % 12:02d}1{n % 999 + 1:03d}"[
                    :18
                ],
                "name": f"Pegawai Massal {n:05d}",
                "email": f"massal{n}@besar.local",
                "unit_id": units[n % len(units)].id,
                "jabatan": "Pelaksana",
                "jenis_jabatan": "pelaksana",
                "employment_type": "PPPK" if n % 4 == 0 else "PNS",
                "active": True,
                "password_hash": password,
                "must_change_password": False,
                "session_version": 1,
                "locale": "id",
            }
        )
    # NIPs must be unique: make the sequence part unique per row.
    for n, row in enumerate(rows):
        row["nip"] = f"{row['nip'][:12]}{n:06d}"
    db.session.execute(insert(Employee), rows)
    people = list(
        db.session.execute(
            select(Employee.id, Employee.unit_id).where(Employee.email.like("massal%"))
        ).all()
    )
    ids = [p.id for p in people]

    topic = Topic(name="Pelayanan publik")
    db.session.add(topic)
    w = workshop(organizer, "Program Massal", topics=[topic])
    past = session(w, days=-20, status="completed", capacity=max(10, employees))
    upcoming = session(w, days=10, capacity=max(10, employees))
    started = session(w, days=-1, capacity=max(10, employees))
    for s, attended in ((past, True), (started, False)):
        db.session.execute(
            insert(Registration),
            [
                {
                    "session_id": s.id,
                    "employee_id": pid,
                    "status": "confirmed",
                    "position": i + 1,
                    "attended": attended and i % 2 == 0,
                    "mandatory": False,
                    "walk_in": False,
                    "evaluated": False,
                    "decision_reason": "",
                }
                for i, pid in enumerate(ids[::3])
            ],
        )
    db.session.add_all(
        Evaluation(session_id=past.id, relevance=4, usefulness=4, facilitator=5, comment="")
        for _ in range(max(3, employees // 50))
    )
    register(upcoming, staff)
    register(upcoming, camat)
    db.session.execute(
        insert(ExternalLearning),
        [
            {
                "employee_id": pid,
                "title": "Kursus daring",
                "provider": "LAN RI",
                "learning_form": "nonklasikal",
                "learning_kind": "e_learning",
                "learned_on": today_wib(),
                "jp": 20,
                "evidence_file": "bukti.pdf",
                "evidence_name": "bukti.pdf",
                "evidence_type": "application/pdf",
                "evidence_size": 100,
                "status": "verified" if i % 3 else "pending",
                "review_reason": "",
            }
            for i, pid in enumerate(ids[::5])
        ],
    )
    sent = utcnow() - timedelta(days=2)
    db.session.execute(
        insert(Feedback),
        [
            {
                "author_id": camat.id,
                "receiver_id": pid,
                "occurred_on": today_wib(),
                "context": "Konteks",
                "strengths": "Kekuatan",
                "improvements": "Perbaikan",
                "status": "sent",
                "sent_at": sent,
                "created_at": sent,
                "updated_at": sent,
            }
            for pid in ids[::2]
        ],
    )
    first_feedback = db.session.scalars(
        select(Feedback.id).where(Feedback.author_id == camat.id).order_by(Feedback.id)
    ).all()
    db.session.execute(
        insert(FollowUp),
        [
            {
                "feedback_id": fid,
                "position": 0,
                "description": "Tindak lanjut",
                "due_on": today_wib() - timedelta(days=1),
            }
            for fid in first_feedback[::4]
        ],
    )
    db.session.execute(
        insert(FeedbackCompetency),
        [{"feedback_id": fid, "code": "pelayanan_publik"} for fid in first_feedback[::3]],
    )
    db.session.execute(
        insert(FeedbackRequest),
        [
            {
                "requester_id": pid,
                "leader_id": camat.id,
                "topic": "Topik",
                "detail": "",
                "status": "open",
                "decline_reason": "",
            }
            for pid in ids[::50]
        ],
    )
    # The fixed people have one of everything too.
    feedback(lurah, staff, follow_ups=[("Segera", today_wib(), False)])
    feedback(camat, lurah, follow_ups=[("Selesai", today_wib(), True)])
    request(staff, lurah)
    goal(staff)
    goal(lurah)
    external(staff, title="Menunggu")
    approval = workshop(organizer, "Perlu izin", requires_approval=True)
    register(session(approval, days=12), lurah, status="pending_approval")
    register(session(approval, days=13), staff, status="pending_approval")
    # Surveys: a closed wave with stored figures (responses from a tenth of the people) and an
    # open live one, both over the whole organisation.
    closed = wave([root], title="Gelombang lalu", opens=-40, closes=-30)
    _responses(closed, people[::10])
    survey_waves.close_wave(closed)
    live = wave([root], title="Gelombang kini", live=True)
    _responses(live, people[::10], on=today_wib() - timedelta(days=1))
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # What autovacuum does within a minute of a bulk load in production: without fresh
        # statistics the planner takes the new tables for empty and nests loops.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    return SimpleNamespace(root=root, camat=camat, lurah=lurah, organizer=organizer, staff=staff)


def _responses(w: SurveyWave, people, on: date | None = None) -> None:
    """Bulk anonymous responses (every Likert item 4, reverse-keyed 2) and participation."""
    from blueprints.surveys.models import SurveyAnswer
    from blueprints.surveys.scoring import score_responses

    questions = [q for q in w.instrument.questions if q.kind == "likert"]
    responses, answers = [], []
    for person in people:
        rid = random_id()
        responses.append(
            {
                "id": rid,
                "wave_id": w.id,
                "unit_id": person.unit_id,
                "submitted_on": on or w.opens_on,
            }
        )
        answers += [
            {
                "response_id": rid,
                "question_id": q.id,
                "value": 2 if q.reverse_keyed else 4,
                "text": None,
            }
            for q in questions
        ]
    db.session.execute(insert(SurveyResponse), responses)
    db.session.execute(insert(SurveyAnswer), answers)
    db.session.execute(
        insert(SurveyParticipation), [{"wave_id": w.id, "employee_id": p.id} for p in people]
    )
    score_responses(w)
    db.session.flush()


# --- reading pages --------------------------------------------------------------------------------
def section(html: str, section_id: str) -> str | None:
    """The HTML of <section id="section_id">…</section> (sections are not nested here)."""
    match = re.search(
        rf'<section[^>]*\bid="{re.escape(section_id)}"[^>]*>(.*?)</section>', html, re.S
    )
    return match.group(1) if match else None


def anchor(html: str, anchor_id: str) -> str:
    """The text of <a … id="anchor_id">…</a> (the stat cards)."""
    match = re.search(rf'<a[^>]*\bid="{re.escape(anchor_id)}"[^>]*>(.*?)</a>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))) if match else ""


def links(fragment: str | None) -> list[str]:
    return re.findall(r'href="([^"]+)"', fragment or "")


def employee_in(unit, name: str) -> Employee:
    return factories.employee(unit, name)


def this_year_past() -> datetime:
    """A moment that has passed and lies in the current WIB year (even on 1 January)."""
    start = wib_to_utc(date(today_wib().year, 1, 1), time())
    return max(start + timedelta(minutes=1), utcnow() - timedelta(days=10)).replace(microsecond=0)


def wib_start(day: date) -> datetime:
    return wib_to_utc(day, time())


def role(person, name: str) -> None:
    person.role_rows.append(EmployeeRole(role=name))
    db.session.commit()


def unit_of(code: str) -> Unit:
    return db.session.scalars(select(Unit).where(Unit.code == code)).one()


# --- independent computations (plain Python over the rows; no dashboard code) ---------------------
def _in_subtree(unit_id: int, path: str, units: dict) -> bool:
    return units[unit_id].path.startswith(path)


def _superior(person, units: dict, heads: set) -> int | None:
    """The direct superior by the rule of product.md §2, re-derived here."""
    if person.superior_id:
        return person.superior_id
    unit = units[person.unit_id]
    while unit is not None:
        if unit.head_id is not None and unit.head_id != person.id:
            return unit.head_id
        unit = units.get(unit.parent_id)
    return None


def expected_home(person) -> dict[str, set]:
    """What needs `person` now, by the definitions in blueprints/dashboard/services.py."""
    from blueprints.auth.models import Employee
    from blueprints.common.timefmt import as_utc
    from blueprints.feedback.models import UpwardParticipation, UpwardRound

    today = today_wib()
    now = utcnow()
    units = {u.id: u for u in db.session.scalars(select(Unit))}
    people = {e.id: e for e in db.session.scalars(select(Employee))}
    leads = [u for u in units.values() if u.head_id == person.id and u.active]
    organizer = "organizer" in {r.role for r in person.role_rows}
    feedback_rows = list(db.session.scalars(select(Feedback)))
    out = {
        key: set()
        for key in (
            "feedback",
            "follow_ups",
            "surveys",
            "upward",
            "requests",
            "approvals",
            "confirm",
            "goals",
            "attendance",
            "records",
        )
    }
    for fb in feedback_rows:
        if fb.status != "sent":
            continue
        if fb.receiver_id == person.id and fb.acknowledged_at is None:
            out["feedback"].add(fb.id)
        for item in fb.follow_ups:
            if (
                fb.receiver_id == person.id
                and item.done_at is None
                and (item.due_on - today).days <= 7
            ):
                out["follow_ups"].add(item.id)
            if (
                fb.author_id == person.id
                and leads
                and item.confirmed_at is None
                and (item.done_at is not None or item.due_on < today)
            ):
                out["confirm"].add(item.id)
    answered = set(
        db.session.scalars(
            select(SurveyParticipation.wave_id).where(SurveyParticipation.employee_id == person.id)
        )
    )
    my_path = units[person.unit_id].path
    for wave_ in db.session.scalars(select(SurveyWave)):
        invited = any(my_path.startswith(units[t.unit_id].path) for t in wave_.targets)
        is_open = wave_.status == "open" and wave_.opens_on <= today <= wave_.closes_on
        if is_open and invited and wave_.id not in answered:
            out["surveys"].add(wave_.id)
    heads = {u.head_id for u in units.values() if u.head_id}
    for round_ in db.session.scalars(select(UpwardRound)):
        if round_.closed_at is None and round_.opens_on <= today <= round_.closes_on:
            took_part = db.session.get(UpwardParticipation, (round_.id, person.id))
            if _superior(person, units, heads) and took_part is None:
                out["upward"].add(round_.id)
    if leads:
        for req in db.session.scalars(select(FeedbackRequest)):
            if req.leader_id == person.id and req.status == "open":
                out["requests"].add(req.id)
        for reg in db.session.scalars(select(Registration)):
            if (
                reg.status == "pending_approval"
                and reg.session.status == "published"
                and _superior(people[reg.employee_id], units, heads) == person.id
                and people[reg.employee_id].active
            ):
                out["approvals"].add(reg.id)
        for g in db.session.scalars(select(DevelopmentGoal)):
            owner = people[g.employee_id]
            if (
                g.status == "proposed"
                and owner.active
                and _superior(owner, units, heads) == person.id
            ):
                out["goals"].add(g.id)
    if organizer:
        for s in db.session.scalars(select(WorkshopSession)):
            if (
                s.status == "published"
                and as_utc(s.starts_at) <= now
                and person.id in {o.id for o in s.workshop.organizers}
            ):
                out["attendance"].add(s.id)
        for record in db.session.scalars(select(ExternalLearning)):
            if record.status == "pending" and record.employee_id != person.id:
                out["records"].add(record.id)
    return out


def expected_jp_days(person, today: date) -> tuple[date, date]:
    """[first, end) days of the person's JP year under way, worked out here independently of
    blueprints/workshops/jp_period.py: the WIB calendar year, or for a PPPK with a contract start
    the contract year since its last anniversary (29 Feb -> 28 Feb in a non-leap year)."""
    if person.contract_start is None:
        return date(today.year, 1, 1), date(today.year + 1, 1, 1)

    def anniversary(year):
        start = person.contract_start
        return (
            date(year, 2, 28)
            if (start.month, start.day) == (2, 29) and year % 4
            else (start.replace(year=year))
        )

    first = anniversary(today.year)
    if first > today:
        first = anniversary(today.year - 1)
    return first, anniversary(first.year + 1)


def expected_figures(leader) -> dict:
    """JP compliance, quarter coverage and the overdue count for a leader's scope."""
    from blueprints.admin.settings import get_setting
    from blueprints.auth.models import Employee
    from blueprints.common.timefmt import as_utc, to_wib

    today = today_wib()
    q = (today.month - 1) // 3
    start = wib_to_utc(date(today.year, 3 * q + 1, 1), time())
    end = wib_to_utc(date(today.year + (q == 3), 1 if q == 3 else 3 * q + 4, 1), time())
    cadence_start = utcnow() - timedelta(days=get_setting("feedback_cadence_days"))
    pns = get_setting("jp_target_pns")
    pppk = min(pns, get_setting("jp_max_pppk"))
    units = {u.id: u for u in db.session.scalars(select(Unit))}
    paths = [u.path for u in units.values() if u.head_id == leader.id and u.active]
    people = [
        e
        for e in db.session.scalars(select(Employee))
        if e.active
        and e.id != leader.id
        and any(units[e.unit_id].path.startswith(p) for p in paths)
    ]
    jp, covered, recent = {}, set(), set()
    for e in people:
        total = 0
        first, after = expected_jp_days(e, today)
        for r in db.session.scalars(select(Registration).where(Registration.employee_id == e.id)):
            if (
                r.status == "confirmed"
                and r.attended
                and r.session.status != "cancelled"
                and first <= to_wib(r.session.starts_at).date() < after
            ):
                total += r.session.jp_credited
        for x in db.session.scalars(
            select(ExternalLearning).where(ExternalLearning.employee_id == e.id)
        ):
            if x.status == "verified" and first <= x.learned_on < after:
                total += x.jp
        jp[e.id] = total
        for fb in db.session.scalars(select(Feedback).where(Feedback.receiver_id == e.id)):
            if fb.status == "sent":
                sent = as_utc(fb.sent_at)
                if start <= sent < end:
                    covered.add(e.id)
                if sent >= cadence_start:
                    recent.add(e.id)
    at_target = {e.id for e in people if jp[e.id] >= (pppk if e.employment_type == "PPPK" else pns)}
    return {
        "people": {e.id for e in people},
        "names": {e.name for e in people},
        "jp": jp,
        "at_target": at_target,
        "covered": covered,
        "overdue": {e.id for e in people} - recent,
    }


def independent_index(wave_, unit_path: str, construct: str, before: date | None = None):
    """Readiness or resistance index of a unit's subtree from the raw answers, by the scoring
    rules of product.md §3.3 (reverse keying, two-thirds rule, mean of person scores, mean of
    dimensions), and the number of responses."""
    from blueprints.surveys.models import SurveyAnswer

    units = {u.id: u for u in db.session.scalars(select(Unit))}
    questions = [q for q in wave_.instrument.questions if q.kind == "likert"]
    dims = [d for d in wave_.instrument.dimensions if d.construct == construct]
    items = {d.id: [q for q in questions if q.dimension_id == d.id] for d in dims}
    responses = [
        r
        for r in db.session.scalars(
            select(SurveyResponse).where(SurveyResponse.wave_id == wave_.id)
        )
        if units[r.unit_id].path.startswith(unit_path)
        and (before is None or r.submitted_on < before)
    ]
    answers: dict[str, dict[int, int]] = {r.id: {} for r in responses}
    for a in db.session.scalars(
        select(SurveyAnswer).where(SurveyAnswer.response_id.in_([r.id for r in responses] or [""]))
    ):
        if a.value is not None:
            answers[a.response_id][a.question_id] = a.value
    means = []
    for d in dims:
        scores = []
        for values in answers.values():
            keyed = [
                6 - values[q.id] if q.reverse_keyed else values[q.id]
                for q in items[d.id]
                if q.id in values
            ]
            if keyed and 3 * len(keyed) >= 2 * len(items[d.id]):
                scores.append(sum(keyed) / len(keyed))
        if not scores:
            return None, len(responses)
        means.append(sum(scores) / len(scores))
    return sum(means) / len(means), len(responses)
