"""Demo data that makes the homes and dashboards tell one story (runs after the workshops,
feedback and surveys seeders):

- JP history: colleagues recorded e-learning and coaching this year (verified by the organizer),
  more in the units whose leaders push learning (Terjun, the puskesmas) and less in Paya Pasir,
  where the survey shows low personal valence; the demo accounts have earlier years too, so the
  career profile shows a year-by-year history. Pegawai stays below the PNS target this year.
- The organizer ran a session yesterday whose attendance is still open.
- The camat has work waiting: the lurah of Paya Pasir asked for feedback on leading the switch to
  online services, a section head asked permission to join "Kepemimpinan Perubahan", and the
  lurah of Terjun proposed a development goal for it.
"""

from datetime import date, time, timedelta

from flask import current_app, url_for
from sqlalchemy import select

from blueprints.auth.access import direct_superior_id
from blueprints.common.demo import DemoContext, demo_seeder
from blueprints.common.timefmt import today_wib, wib_to_utc
from blueprints.feedback.models import DevelopmentGoal, FeedbackRequest
from blueprints.notifications.services import notify
from blueprints.workshops.api import (
    approval_link,
    current_period,
    default_jp,
    jp_by_employee,
    when_text,
)
from blueprints.workshops.models import ExternalLearning, Registration, Workshop, WorkshopSession
from extensions import db

# Share of people per unit who completed e-learning this year (the rest, a typical share).
LEARNING_SHARE = {"KEL-TJ": 0.8, "PKM-TJ": 0.7, "KEL-PP": 0.2, "SEK-UMPEG": 0.6}
TYPICAL_SHARE = 0.45

COURSES = [
    ("Pelayanan Publik Prima (e-learning)", "ASN Unggul (LAN RI)", "e_learning", "nonklasikal"),
    ("Literasi Digital ASN", "Kementerian Kominfo", "e_learning", "nonklasikal"),
    ("Bimbingan Teknis SRIKANDI", "Arsip Nasional RI", "bimtek", "klasikal"),
    ("Coaching Penulisan Laporan Kinerja", "Sekretariat Kecamatan", "coaching", "nonklasikal"),
]

PAST_YEARS = [
    # (years ago, title, provider, kind, form, JP)
    (
        1,
        "Pelatihan Pelayanan Terpadu Kecamatan",
        "BPSDM Provinsi Sumatera Utara",
        "pelatihan",
        "klasikal",
        16,
    ),
    (1, "Orientasi Budaya Kerja BerAKHLAK", "ASN Unggul (LAN RI)", "e_learning", "nonklasikal", 6),
    (
        2,
        "Pelatihan Administrasi Kependudukan",
        "Dinas Dukcapil Kota Medan",
        "pelatihan",
        "klasikal",
        20,
    ),
]


def _evidence(title: str) -> tuple[str, int]:
    from blueprints.workshops import demo as workshops_demo

    return workshops_demo.evidence_file(title)


def _record(person, title, provider, kind, form, day, jp, organizer, evidence) -> ExternalLearning:
    name, size = evidence
    record = ExternalLearning(
        employee_id=person.id,
        title=title,
        provider=provider,
        learning_form=form,
        learning_kind=kind,
        learned_on=day,
        jp=jp,
        evidence_file=name,
        evidence_name="sertifikat.pdf",
        evidence_type="application/pdf",
        evidence_size=size,
        status="verified",
        reviewed_by_id=organizer.id,
        reviewed_at=wib_to_utc(day + timedelta(days=3), time(10, 0)),
        created_at=wib_to_utc(day + timedelta(days=1), time(14, 0)),
    )
    db.session.add(record)
    return record


def _learning(ctx: DemoContext, today: date) -> int:
    rng = ctx.rng
    people = ctx.people
    organizer = people["penyelenggara"]
    skip = {people["pegawai"].id, organizer.id}
    codes = {unit.id: code for code, unit in ctx.units.items()}
    current = jp_by_employee([e.id for e in ctx.employees])  # each person's "this year"
    evidence = {course[0]: _evidence(f"{course[0]} - {course[1]}") for course in COURSES}
    year_start = date(today.year, 1, 15)
    added = 0
    for person in ctx.employees:
        if person.id in skip:
            continue
        share = LEARNING_SHARE.get(codes.get(person.unit_id), TYPICAL_SHARE)
        if rng.random() >= share:
            continue
        title, provider, kind, form = rng.choice(COURSES)
        have = current.get(person.id, 0)
        # Most of them reach the PNS target; some are part of the way there.
        jp = max(2, 20 - have + rng.randint(0, 6)) if rng.random() < 0.8 else rng.randint(3, 8)
        # Within the person's JP period under way (a PPPK's contract year may start later).
        start = max(year_start, current_period(person, today).first)
        span = max(1, (today - timedelta(days=7) - start).days)
        day = min(start + timedelta(days=rng.randint(0, span)), today)
        _record(person, title, provider, kind, form, day, jp, organizer, evidence[title])
        added += 1
    # Earlier years for the demo accounts: the career profile's history.
    for key in ("pegawai", "lurah_terjun", "camat", "penyelenggara"):
        for years_ago, title, provider, kind, form, jp in PAST_YEARS:
            if key == "camat" and years_ago == 2:
                continue
            day = date(today.year - years_ago, rng.randint(2, 11), rng.randint(1, 28))
            _record(
                people[key],
                title,
                provider,
                kind,
                form,
                day,
                jp,
                organizer,
                _evidence(f"{title} - {provider}"),
            )
    return added


def _open_attendance(ctx: DemoContext, today: date) -> WorkshopSession | None:
    """Yesterday's session in Paya Pasir: attendance not recorded yet."""
    workshop = db.session.scalars(
        select(Workshop).where(Workshop.title == "Pelayanan Publik yang Berempati")
    ).first()
    if workshop is None:
        return None
    day = today - timedelta(days=1)
    starts_at, ends_at = wib_to_utc(day, time(9, 0)), wib_to_utc(day, time(12, 0))
    session = WorkshopSession(
        workshop_id=workshop.id,
        starts_at=starts_at,
        ends_at=ends_at,
        venue="Aula Kelurahan Paya Pasir",
        capacity=20,
        jp_credited=default_jp(starts_at, ends_at),
        status="published",
        queue_seq=0,
        facilitator="Dra. Hj. Nurhayati Lubis, M.Si",
    )
    db.session.add(session)
    db.session.flush()
    units = {ctx.units[code].id for code in ("KEL-PP", "KEL-LD") if code in ctx.units}
    people = [
        e
        for e in ctx.employees
        if e.unit_id in units and e.id not in {u.head_id for u in ctx.units.values()}
    ]
    for person in people[:12]:
        session.queue_seq += 1
        db.session.add(
            Registration(
                session_id=session.id,
                employee_id=person.id,
                status="confirmed",
                position=session.queue_seq,
                created_at=starts_at - timedelta(days=10),
                status_changed_at=starts_at - timedelta(days=10),
            )
        )
    return session


def _camat_queue(ctx: DemoContext, today: date) -> None:
    people, units = ctx.people, ctx.units
    camat = people["camat"]
    by_id = {e.id: e for e in ctx.employees}
    lurah_pp = by_id.get(units["KEL-PP"].head_id) if "KEL-PP" in units else None
    if lurah_pp is not None and direct_superior_id(lurah_pp) == camat.id:
        request = FeedbackRequest(
            requester_id=lurah_pp.id,
            leader_id=camat.id,
            topic="Cara saya memimpin peralihan ke layanan daring di Kelurahan Paya Pasir",
            detail="Hasil survei menunjukkan staf belum merasakan manfaatnya. Saya ingin masukan "
            "Bapak tentang cara saya menjelaskan perubahan ini di rapat staf.",
            created_at=wib_to_utc(today - timedelta(days=2), time(15, 30)),
        )
        db.session.add(request)
        notify(
            camat,
            "feedback.request_received",
            link=url_for("feedback.requests"),
            requester=lurah_pp.name,
            topic=request.topic,
        )
    change = db.session.scalars(
        select(WorkshopSession)
        .join(Workshop, Workshop.id == WorkshopSession.workshop_id)
        .where(Workshop.title == "Kepemimpinan Perubahan", WorkshopSession.status == "published")
        .order_by(WorkshopSession.starts_at)
    ).first()
    section_head = by_id.get(units["SKS-PU"].head_id) if "SKS-PU" in units else None
    if change is not None and section_head is not None:
        pending = Registration(
            session_id=change.id,
            employee_id=section_head.id,
            status="pending_approval",
            created_at=wib_to_utc(today - timedelta(days=1), time(9, 0)),
            status_changed_at=wib_to_utc(today - timedelta(days=1), time(9, 0)),
        )
        db.session.add(pending)
        db.session.flush()
        notify(
            camat,
            "workshops.approval_requested",
            link=approval_link(pending.id),
            name=section_head.name,
            workshop=change.workshop.title,
            when=when_text(change),
        )
    lurah = people["lurah_terjun"]
    db.session.add(
        DevelopmentGoal(
            employee_id=lurah.id,
            competency="mengelola_perubahan",
            title="Memimpin peralihan layanan daring di Kelurahan Terjun sampai semua loket siap",
            reason="Survei kesiapan gelombang 1: keyakinan staf untuk berubah masih rendah.",
            workshop_id=change.workshop_id if change is not None else None,
            external_activity="Pendampingan sebaya di loket dua kali seminggu",
            target_on=today + timedelta(days=60),
            status="proposed",
            proposed_by_id=lurah.id,
            created_at=wib_to_utc(today - timedelta(days=1), time(16, 0)),
        )
    )
    notify(
        camat,
        "feedback.goal_proposed",
        link=url_for("feedback.plan", employee_id=lurah.id),
        name=lurah.name,
        title="Memimpin peralihan layanan daring di Kelurahan Terjun",
    )


@demo_seeder(order=60, name="beranda dan dasbor: riwayat JP dan pekerjaan yang menunggu")
def seed_dashboard(ctx: DemoContext) -> None:
    from flask import g

    g.pop("access_cache", None)
    today = today_wib()
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_BASE_URL"]):
        added = _learning(ctx, today)
        _open_attendance(ctx, today)
        _camat_queue(ctx, today)
    db.session.flush()
    ctx.echo(
        f"  {added} catatan pembelajaran terverifikasi, sesi menunggu kehadiran, antrean camat"
    )


@demo_seeder(order=905, name="permintaan pelatihan dari umpan balik")
def _demo_demand(ctx: DemoContext) -> None:
    """The kept demand counts (demand.py), after every seeder that wrote feedback."""
    from blueprints.dashboard.demand import rebuild

    rebuild()
