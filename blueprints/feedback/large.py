"""Large data set (product.md §6): 40,000 sent feedback entries, in bulk.

Every entry goes from a leader to someone in their subtree: mostly the direct superior (the head
of the person's unit, or for a head the nearest head above, as access.direct_superior_id), some
from a leader higher up. Recent entries are more frequent than old ones; about one person in ten
has never received any (overdue in the team view). Entries carry acknowledgements, answers,
values, competencies, follow-ups (done and confirmed when due), recommended workshops and the
sent version. Also: requests (answered ones are answered by an entry), a few drafts and
addenda, development goals for a few hundred people, self-reflections, and one closed round of
anonymous upward feedback.
"""

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from blueprints.auth.models import Unit
from blueprints.common.large import (
    LargeContext,
    bulk_insert,
    large_seeder,
    next_id,
    superiors,
    sync_sequence,
)
from blueprints.common.timefmt import today_wib, utcnow, wib_to_utc
from blueprints.feedback.constants import UPWARD_STATEMENTS
from blueprints.feedback.demo import RESPONSES, TEMPLATES, UPWARD_COMMENTS, _quarter
from blueprints.feedback.models import (
    DevelopmentGoal,
    Feedback,
    FeedbackAddendum,
    FeedbackCompetency,
    FeedbackRequest,
    FeedbackValue,
    FeedbackVersion,
    FeedbackWorkshop,
    FollowUp,
    SelfReflection,
    UpwardAnswer,
    UpwardParticipation,
    UpwardRound,
)
from blueprints.workshops.models import Workshop
from extensions import db

HISTORY_DAYS = 730
REQUEST_TOPICS = [
    "Cara saya menjelaskan persyaratan layanan kepada warga",
    "Laporan kegiatan bulan ini",
    "Cara saya memandu rapat dengan kepala lingkungan",
    "Penanganan pengaduan warga minggu lalu",
    "Paparan saya di musyawarah kelurahan",
]
GOALS = [
    ("presentasi", "Menyampaikan paparan yang runtut dan tepat waktu"),
    ("pelayanan_publik", "Melayani warga lanjut usia tanpa antrean ulang"),
    ("layanan_digital", "Melayani perubahan data kependudukan secara daring"),
    ("tata_naskah", "Menyusun naskah dinas tanpa revisi berulang"),
    ("pengolahan_data", "Menyusun rekap bulanan dengan spreadsheet"),
    ("komunikasi", "Menjawab pengaduan warga dalam dua hari kerja"),
]
REFLECTIONS = [
    (
        "Antrean pagi lebih tertib setelah daftar periksa berkas dipakai.",
        "Menjelaskan layanan daring kepada warga lanjut usia.",
        "Masukan tentang cara saya menjelaskan di loket.",
    ),
    (
        "Rekap data selesai tepat waktu bulan ini.",
        "Data dari lingkungan sering terlambat.",
        "Contoh format rekap yang lebih ringkas.",
    ),
]


def _snapshot(row: dict, values, competencies, follow_ups, workshops) -> dict:
    """The shape of feedback.giving.snapshot()."""
    return {
        "receiver_id": row["receiver_id"],
        "request_id": row["request_id"],
        "occurred_on": row["occurred_on"].isoformat(),
        "context": row["context"],
        "strengths": row["strengths"],
        "improvements": row["improvements"],
        "values": sorted(values),
        "competencies": sorted(competencies),
        "follow_ups": [
            {"description": f["description"], "due_on": f["due_on"].isoformat()} for f in follow_ups
        ],
        "workshops": [{"id": w["workshop_id"], "title": w["title"]} for w in workshops],
    }


@large_seeder(order=20, name="feedback, requests, plans and upward feedback")
def seed_feedback(ctx: LargeContext) -> None:
    rng = ctx.rng
    today = today_wib()
    now = utcnow()
    latest = now - timedelta(minutes=30)
    superior = superiors(ctx)
    units = {row.id: row for row in db.session.execute(select(Unit.id, Unit.parent_id, Unit.kind))}
    heads = set(ctx.unit_heads.values())

    def chain(employee_id: int) -> list[int]:
        """Leaders above the person, nearest first (the first is the direct superior)."""
        out, current = [], superior.get(employee_id)
        while current is not None and current not in out:
            out.append(current)
            current = superior.get(current)
        return out

    editions: dict[str, list[tuple[int, str]]] = {}
    for wid, title in db.session.execute(select(Workshop.id, Workshop.title)):
        editions.setdefault(title.split(" — ")[0], []).append((wid, title))

    def templates_for(receiver: int):
        if receiver in heads:
            return TEMPLATES["leader"]
        kind = units[ctx.employee_unit[receiver]].kind
        return (
            TEMPLATES["kelurahan"]
            if kind == "kelurahan"
            else rng.choice([TEMPLATES["kelurahan"], TEMPLATES["default"], TEMPLATES["puskesmas"]])
        )

    def moment(day: date) -> datetime:
        return min(latest, wib_to_utc(day, time(rng.randint(8, 15), rng.choice([0, 15, 30, 45]))))

    pool = [e for e in ctx.employee_ids if e in superior]
    covered = rng.sample(pool, int(len(pool) * 0.9))

    fb_id = next_id(Feedback)
    req_id = next_id(FeedbackRequest)
    feedback, values, competencies, follow_ups, fb_workshops, versions = [], [], [], [], [], []
    requests = []

    def add_feedback(
        author: int, receiver: int, days_ago: int, *, request_id=None, status: str = "sent"
    ) -> dict:
        context, strengths, improvements, vals, comps, actions, workshop = rng.choice(
            templates_for(receiver)
        )
        sent_day = today - timedelta(days=days_ago)
        sent_at = moment(sent_day)
        occurred = sent_day - timedelta(days=rng.randint(0, 3))
        row = {
            "id": fb_id + len(feedback),
            "author_id": author,
            "receiver_id": receiver,
            "request_id": request_id,
            "occurred_on": occurred,
            "context": context,
            "strengths": strengths,
            "improvements": improvements,
            "status": status,
            "created_at": sent_at - timedelta(hours=rng.randint(1, 48)),
            "updated_at": sent_at,
            "sent_at": sent_at if status == "sent" else None,
            "acknowledged_at": None,
            "response": None,
            "responded_at": None,
        }
        if status == "sent" and rng.random() < (0.9 if days_ago > 14 else 0.45):
            row["acknowledged_at"] = min(latest, sent_at + timedelta(hours=rng.randint(2, 60)))
            if rng.random() < 0.35:
                row["response"] = rng.choice(RESPONSES)
                row["responded_at"] = min(latest, row["acknowledged_at"] + timedelta(minutes=20))
        mine_values = [{"feedback_id": row["id"], "value": v} for v in vals]
        mine_comps = [{"feedback_id": row["id"], "code": c} for c in comps]
        mine_follow = []
        for position, (description, after) in enumerate(actions):
            item = {
                "feedback_id": row["id"],
                "position": position,
                "description": description,
                "due_on": occurred + timedelta(days=after),
                "done_at": None,
                "confirmed_at": None,
                "reminded_at": None,
            }
            if status == "sent" and item["due_on"] < today and rng.random() < 0.7:
                item["done_at"] = moment(item["due_on"] - timedelta(days=1))
                if rng.random() < 0.8:
                    item["confirmed_at"] = min(latest, item["done_at"] + timedelta(days=1))
            mine_follow.append(item)
        mine_workshops = []
        if workshop and editions.get(workshop):
            wid, title = rng.choice(editions[workshop])
            mine_workshops.append({"feedback_id": row["id"], "workshop_id": wid, "title": title})
        versions.append(
            {
                "feedback_id": row["id"],
                "number": 1,
                "status": status,
                "saved_at": row["sent_at"] or row["updated_at"],
                "saved_by_id": author,
                "snapshot": _snapshot(row, vals, comps, mine_follow, mine_workshops),
            }
        )
        feedback.append(row)
        values.extend(mine_values)
        competencies.extend(mine_comps)
        follow_ups.extend(mine_follow)
        fb_workshops.extend(mine_workshops)
        return row

    def recency() -> int:
        return int(HISTORY_DAYS * rng.random() ** 1.6)

    # Requests: answered ones by a sent entry of the leader asked.
    for _ in range(ctx.n(2500)):
        requester = rng.choice(covered)
        leader = superior[requester]
        days_ago = recency() + 2
        created = moment(today - timedelta(days=days_ago))
        roll = rng.random()
        status = "answered" if roll < 0.55 else ("open" if roll < 0.85 else "declined")
        if status == "open":
            created = moment(today - timedelta(days=rng.randint(0, 20)))
        row = {
            "id": req_id + len(requests),
            "requester_id": requester,
            "leader_id": leader,
            "topic": rng.choice(REQUEST_TOPICS),
            "detail": "",
            "status": status,
            "decline_reason": "",
            "created_at": created,
            "closed_at": None,
        }
        if status == "answered":
            answer = add_feedback(
                leader, requester, max(0, days_ago - rng.randint(1, 2)), request_id=row["id"]
            )
            row["closed_at"] = answer["sent_at"]
        elif status == "declined":
            row["decline_reason"] = "Saya sedang dinas luar; kita bicarakan langsung minggu depan."
            row["closed_at"] = min(latest, created + timedelta(days=1))
        requests.append(row)

    # The rest of the sent entries: direct superior mostly, a leader higher up sometimes.
    while len(feedback) < ctx.n(40000):
        receiver = rng.choice(covered)
        above = chain(receiver)
        author = above[0] if len(above) == 1 or rng.random() < 0.85 else rng.choice(above[1:])
        add_feedback(author, receiver, recency())
    sent_count = len(feedback)
    for _ in range(ctx.n(300)):
        receiver = rng.choice(pool)
        add_feedback(superior[receiver], receiver, rng.randint(0, 10), status="draft")

    bulk_insert(FeedbackRequest.__table__, requests)
    sync_sequence(FeedbackRequest)
    bulk_insert(Feedback.__table__, feedback)
    sync_sequence(Feedback)
    bulk_insert(FeedbackValue.__table__, values)
    bulk_insert(FeedbackCompetency.__table__, competencies)
    bulk_insert(FollowUp.__table__, follow_ups)
    bulk_insert(FeedbackWorkshop.__table__, fb_workshops)
    bulk_insert(FeedbackVersion.__table__, versions)

    sent = feedback[:sent_count]
    addenda = [
        {
            "feedback_id": row["id"],
            "author_id": row["author_id"],
            "body": "Pada kesempatan berikutnya hasilnya jauh lebih baik. Pertahankan.",
            "created_at": min(latest, row["sent_at"] + timedelta(days=rng.randint(10, 40))),
        }
        for row in rng.sample(sent, max(1, sent_count // 100))
    ]
    bulk_insert(FeedbackAddendum.__table__, addenda)

    # Development plans for a few hundred people, some tied to a feedback entry.
    goals = []
    for row in rng.sample(sent, min(sent_count, ctx.n(600))):
        employee, leader = row["receiver_id"], row["author_id"]
        competency, title = rng.choice(GOALS)
        status = rng.choices(["proposed", "agreed", "done", "cancelled"], [25, 45, 20, 10])[0]
        created = min(latest, row["sent_at"] + timedelta(days=rng.randint(1, 10)))
        agreed = status in ("agreed", "done")
        closed = status in ("done", "cancelled")
        goals.append(
            {
                "employee_id": employee,
                "competency": competency,
                "title": title,
                "reason": "Dari umpan balik atasan.",
                "feedback_id": row["id"],
                "workshop_id": None,
                "external_activity": "",
                "target_on": row["occurred_on"] + timedelta(days=90),
                "status": status,
                "proposed_by_id": rng.choice([employee, leader]),
                "agreed_by_id": leader if agreed else None,
                "agreed_at": min(latest, created + timedelta(days=2)) if agreed else None,
                "closed_by_id": leader if closed else None,
                "closed_at": min(latest, created + timedelta(days=60)) if closed else None,
                "created_at": created,
            }
        )
    bulk_insert(DevelopmentGoal.__table__, goals)
    reflections = []
    for _ in range(ctx.n(800)):
        went_well, was_hard, help_wanted = rng.choice(REFLECTIONS)
        reflections.append(
            {
                "employee_id": rng.choice(pool),
                "went_well": went_well,
                "was_hard": was_hard,
                "help_wanted": help_wanted,
                "created_at": moment(today - timedelta(days=rng.randint(0, 365))),
            }
        )
    bulk_insert(SelfReflection.__table__, reflections)

    # One closed round of upward feedback (last quarter): participation and anonymous answers
    # are separate rows with nothing in common but the round.
    _q, start, _end = _quarter(today)
    prev_q, prev_start, prev_end = _quarter(start - timedelta(days=1))
    round_ = UpwardRound(
        title=f"Triwulan {['I', 'II', 'III', 'IV'][prev_q - 1]} {prev_start.year}",
        opens_on=prev_end - timedelta(days=27),
        closes_on=prev_end - timedelta(days=7),
        closed_at=wib_to_utc(prev_end - timedelta(days=6), time(16, 0)),
        min_group=3,
        comment_min_group=5,
        opened_by_id=ctx.employee_ids[-1],
        created_at=wib_to_utc(prev_end - timedelta(days=27), time(8, 0)),
    )
    db.session.add(round_)
    db.session.flush()
    participation, answers = [], []
    for employee in rng.sample(pool, int(len(pool) * 0.4)):
        participation.append({"round_id": round_.id, "employee_id": employee})
        answers.append(
            {
                "id": f"{rng.getrandbits(128):032x}",
                "round_id": round_.id,
                "leader_id": superior[employee],
                "answered_on": round_.opens_on + timedelta(days=rng.randint(0, 20)),
                "comment": rng.choice(UPWARD_COMMENTS),
                **{code: rng.choice([2, 3, 4, 4, 5]) for code in UPWARD_STATEMENTS},
            }
        )
    rng.shuffle(participation)
    answers.sort(key=lambda a: a["id"])
    bulk_insert(UpwardParticipation.__table__, participation)
    bulk_insert(UpwardAnswer.__table__, answers)
    ctx.echo(
        f" {sent_count} sent and {len(feedback) - sent_count} draft entries, {len(requests)}"
        f" requests, {len(goals)} goals, {len(answers)} upward answers;"
    )
