"""Demo workshops for Marelan: past sessions with attendance and evaluations, upcoming ones (one
full with a waitlist, one needing izin atasan), external learning records. Dates are relative to
today (WIB), so the demo always looks current."""

import os
import secrets
from datetime import time, timedelta

from flask import current_app
from sqlalchemy import select

from blueprints.common.demo import DemoContext, demo_seeder
from blueprints.common.timefmt import today_wib, wib_to_utc
from blueprints.workshops.models import (
    DEFAULT_TOPICS,
    Evaluation,
    ExternalLearning,
    Registration,
    Topic,
    Workshop,
    WorkshopSession,
)
from blueprints.workshops.rules import default_jp
from extensions import db

WORKSHOPS = [
    {
        "key": "empati",
        "title": "Pelayanan Publik yang Berempati",
        "description": (
            "Melayani warga dengan empati: mendengarkan aktif, membaca kebutuhan warga lanjut usia "
            "dan penyandang disabilitas, menenangkan warga yang kecewa, dan menjaga standar "
            "pelayanan di loket kelurahan."
        ),
        "competency_type": "sosial_kultural",
        "learning_form": "klasikal",
        "learning_kind": "pelatihan",
        "topics": ["Pelayanan publik", "Empati"],
    },
    {
        "key": "komunikasi",
        "title": "Komunikasi Efektif dengan Masyarakat",
        "description": (
            "Menyampaikan informasi layanan dengan jelas, menulis pengumuman dan pesan WhatsApp "
            "resmi, serta menangani pengaduan warga secara santun dan tuntas."
        ),
        "competency_type": "sosial_kultural",
        "learning_form": "klasikal",
        "learning_kind": "workshop",
        "topics": ["Komunikasi publik", "Pelayanan publik"],
    },
    {
        "key": "presentasi",
        "title": "Teknik Presentasi",
        "description": (
            "Menyusun alur paparan, membuat salindia yang mudah dibaca, berbicara di depan "
            "musyawarah kelurahan, dan menjawab pertanyaan dengan tenang."
        ),
        "competency_type": "manajerial",
        "learning_form": "klasikal",
        "learning_kind": "pelatihan",
        "topics": ["Presentasi", "Komunikasi publik"],
    },
    {
        "key": "perubahan",
        "title": "Kepemimpinan Perubahan",
        "description": (
            "Bagi pejabat pengawas dan staf senior: menjelaskan alasan perubahan, mengajak tim "
            "yang ragu, dan mengawal pelaksanaan layanan baru. Perlu izin atasan langsung."
        ),
        "competency_type": "manajerial",
        "learning_form": "klasikal",
        "learning_kind": "workshop",
        "topics": ["Kepemimpinan", "Manajemen perubahan"],
        "requires_approval": True,
    },
    {
        "key": "digital",
        "title": "Digitalisasi Layanan Kelurahan",
        "description": (
            "Praktik layanan administrasi kependudukan secara daring, pengarsipan digital, dan "
            "keamanan data pribadi warga (UU 27/2022)."
        ),
        "competency_type": "teknis",
        "learning_form": "nonklasikal",
        "learning_kind": "pjj",
        "topics": ["Digitalisasi layanan", "Administrasi perkantoran"],
    },
    {
        "key": "berakhlak",
        "title": "Budaya Kerja BerAKHLAK di Kantor Kecamatan",
        "description": "Menerjemahkan tujuh nilai BerAKHLAK ke kebiasaan kerja sehari-hari.",
        "competency_type": "sosial_kultural",
        "learning_form": "klasikal",
        "learning_kind": "sosialisasi",
        "topics": ["Budaya kerja BerAKHLAK"],
    },
]

VENUES = [
    "Aula Kantor Camat Medan Marelan, Jl. Marelan Raya",
    "Ruang Rapat Kelurahan Terjun",
    "Aula Kelurahan Rengas Pulau",
    "Ruang Rapat Sekretariat Kecamatan",
]

# (workshop key, days from today, start, end, capacity, status, venue index or None for online)
SESSIONS = [
    ("presentasi", -75, time(8, 0), time(12, 30), 20, "completed", 0),
    ("empati", -40, time(9, 0), time(12, 0), 25, "completed", 0),
    ("komunikasi", -20, time(13, 0), time(16, 0), 20, "completed", 2),
    ("digital", -10, time(9, 0), time(11, 15), 30, "completed", None),
    ("empati", 7, time(9, 0), time(12, 0), 25, "published", 1),
    ("perubahan", 10, time(8, 30), time(14, 30), 15, "published", 3),
    ("komunikasi", 14, time(13, 0), time(16, 0), 20, "published", 2),
    ("presentasi", 21, time(9, 0), time(12, 0), 12, "published", 3),  # full, with a waitlist
    ("digital", 30, time(9, 0), time(11, 15), 40, "published", None),
    ("berakhlak", 5, time(9, 0), time(11, 15), 30, "cancelled", 0),
    ("komunikasi", 45, time(13, 0), time(16, 0), 20, "draft", 2),
]

COMMENTS = [
    "Materinya langsung bisa dipakai di loket.",
    "Contoh kasusnya dekat dengan pengaduan warga di kelurahan.",
    "Waktunya kurang panjang untuk praktik.",
    "Fasilitator sabar menjawab pertanyaan.",
    "Perlu sesi lanjutan untuk staf baru.",
    "",
    "",
]


def _working_day(day, forward: bool):
    """Workshops run Monday to Friday: move a weekend date to the nearest working day on the
    same side of today."""
    while day.weekday() >= 5:
        day += timedelta(days=1 if forward else -1)
    return day


def _ensure_topics() -> dict[str, Topic]:
    existing = {t.name: t for t in db.session.scalars(select(Topic))}
    for name in DEFAULT_TOPICS:
        if name not in existing:
            existing[name] = Topic(name=name, active=True)
            db.session.add(existing[name])
    db.session.flush()
    return existing


DEMO_EVIDENCE = "demo-contoh-sertifikat.pdf"


def evidence_file(_title: str = "") -> tuple[str, int]:
    """One small real PDF shared by every demo record (re-seeding does not pile up files).
    (The dashboard's demo calls this with a title, which is not needed.)"""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 12, "Sertifikat (contoh data demo)", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 12)
    pdf.multi_cell(0, 8, "Berkas bukti contoh untuk data demo Karier ASN Marelan.")
    content = bytes(pdf.output())
    folder = os.path.join(current_app.config["UPLOAD_FOLDER"], "external")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, DEMO_EVIDENCE), "wb") as fh:
        fh.write(content)
    return DEMO_EVIDENCE, len(content)


@demo_seeder(order=20, name="pelatihan, pendaftaran dan JP")
def seed_workshops(ctx: DemoContext) -> None:
    rng = ctx.rng
    topics = _ensure_topics()
    organizer = ctx.people["penyelenggara"]
    pegawai = ctx.people["pegawai"]
    workshops = {}
    for spec in WORKSHOPS:
        workshop = Workshop(
            title=spec["title"],
            description=spec["description"],
            competency_type=spec["competency_type"],
            learning_form=spec["learning_form"],
            learning_kind=spec["learning_kind"],
            requires_approval=spec.get("requires_approval", False),
            created_by_id=organizer.id,
        )
        workshop.topics = [topics[name] for name in spec["topics"]]
        workshop.organizers = [organizer]
        db.session.add(workshop)
        workshops[spec["key"]] = workshop
    db.session.flush()

    today = today_wib()
    staff = [e for e in ctx.employees if e.id not in (organizer.id, ctx.people["admin"].id)]
    others = [e for e in staff if e.id != pegawai.id]
    sessions = []
    for key, days, start, end, capacity, status, venue in SESSIONS:
        day = _working_day(today + timedelta(days=days), forward=days > 0)
        starts_at, ends_at = wib_to_utc(day, start), wib_to_utc(day, end)
        session = WorkshopSession(
            workshop_id=workshops[key].id,
            starts_at=starts_at,
            ends_at=ends_at,
            venue=VENUES[venue] if venue is not None else "",
            online_url="" if venue is not None else "https://zoom.us/j/81234567890",
            capacity=capacity,
            jp_credited=default_jp(starts_at, ends_at),
            registration_closes_at=wib_to_utc(day - timedelta(days=1), time(16, 0))
            if status == "published"
            else None,
            status=status,
            queue_seq=0,
            facilitator=rng.choice(
                [
                    "Dra. Hj. Nurhayati Lubis, M.Si",
                    "Tim BPSDM Provinsi Sumatera Utara",
                    "Irwan Syahputra Siregar, S.Kom",
                    "Dr. Yusuf Harahap, M.AP",
                ]
            ),
        )
        db.session.add(session)
        sessions.append((key, days, session))
    db.session.flush()

    def enrol(session, person, status, attended=False, mandatory=False):
        session.queue_seq += 1
        reg = Registration(
            session_id=session.id,
            employee_id=person.id,
            status=status,
            position=session.queue_seq if status in ("confirmed", "waitlisted") else None,
            attended=attended,
            mandatory=mandatory,
            created_at=session.starts_at - timedelta(days=rng.randint(3, 20)),
            status_changed_at=session.starts_at - timedelta(days=rng.randint(1, 3)),
        )
        db.session.add(reg)
        return reg

    evaluations = 0
    for key, _days, session in sessions:
        if session.status == "completed":
            people = rng.sample(others, min(len(others), session.capacity - 3))
            if key in ("presentasi", "empati"):
                people = [pegawai, *people]
            for person in people:
                attended = person.id == pegawai.id or rng.random() < 0.85
                reg = enrol(session, person, "confirmed", attended=attended)
                if attended and rng.random() < 0.7:
                    reg.evaluated = True
                    evaluations += 1
                    db.session.add(
                        Evaluation(
                            session_id=session.id,
                            relevance=rng.choice([3, 4, 4, 5, 5]),
                            usefulness=rng.choice([3, 4, 4, 5]),
                            facilitator=rng.choice([4, 4, 5, 5]),
                            comment=rng.choice(COMMENTS),
                        )
                    )
        elif session.status == "published":
            if key == "presentasi":  # the full one: every seat taken, four waiting
                for person in rng.sample(others, session.capacity + 4):
                    taken = session.queue_seq < session.capacity
                    enrol(session, person, "confirmed" if taken else "waitlisted")
            elif key == "perubahan":
                enrol(session, pegawai, "pending_approval")
                for person in rng.sample(others, 6):
                    enrol(session, person, "confirmed")
            else:
                count = rng.randint(session.capacity // 3, session.capacity * 2 // 3)
                people = rng.sample(others, count)
                if key == "komunikasi":
                    people = [pegawai, *people]
                for person in people:
                    enrol(session, person, "confirmed", mandatory=rng.random() < 0.1)
        elif session.status == "cancelled":
            for person in rng.sample(others, 8):
                enrol(session, person, "confirmed")

    # External learning: pegawai has one verified and one waiting; a few colleagues too.
    demo_file, evidence_size = evidence_file()

    def external(person, title, provider, kind, form, days_ago, jp, status):
        learned_on = max(today - timedelta(days=days_ago), today.replace(month=1, day=1))
        record = ExternalLearning(
            employee_id=person.id,
            title=title,
            provider=provider,
            learning_form=form,
            learning_kind=kind,
            learned_on=learned_on,
            jp=jp,
            evidence_file=demo_file,
            evidence_name=f"sertifikat-{secrets.token_hex(2)}.pdf",
            evidence_type="application/pdf",
            evidence_size=evidence_size,
            status=status,
        )
        if status != "pending":
            record.reviewed_by_id = organizer.id
            record.reviewed_at = wib_to_utc(learned_on + timedelta(days=2), time(10, 0))
        if status == "rejected":
            record.review_reason = "Sertifikat tidak mencantumkan jumlah jam pelajaran."
        db.session.add(record)

    external(
        pegawai,
        "E-learning Pelayanan Prima",
        "ASN Unggul (LAN RI)",
        "e_learning",
        "nonklasikal",
        30,
        4,
        "verified",
    )
    external(
        pegawai,
        "Seminar Kota Cerdas Medan",
        "Diskominfo Kota Medan",
        "seminar",
        "klasikal",
        6,
        3,
        "pending",
    )
    for person in rng.sample(others, 6):
        choice = rng.choice(
            [
                ("Pelatihan Arsip Digital", "ANRI", "pjj", "nonklasikal", 8),
                (
                    "Kursus Excel untuk Administrasi",
                    "BPSDM Sumatera Utara",
                    "kursus",
                    "klasikal",
                    6,
                ),
                (
                    "Coaching Penulisan Laporan",
                    "Sekretariat Kecamatan",
                    "coaching",
                    "nonklasikal",
                    2,
                ),
            ]
        )
        external(
            person,
            *choice[:4],
            rng.randint(5, 60),
            choice[4],
            rng.choice(["verified", "verified", "pending", "rejected"]),
        )
    db.session.flush()
    ctx.echo(f"  {len(workshops)} programs, {len(sessions)} sessions, {evaluations} evaluations")
