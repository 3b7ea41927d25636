"""Large data set (product.md §6): 400 workshops, 1,500 sessions, 30,000 registrations, in bulk.

Sessions spread over the last fifteen months and the next five; past sessions are completed
(a few cancelled, a few recent ones still waiting for attendance), future ones published (some
drafts, some cancelled). Registrations follow the seat rule of registration.register: arrival
positions from the session's queue_seq, the first `capacity` people who did not cancel hold a
seat, the rest wait. Confirmed registrations therefore never exceed capacity. Past sessions carry
attendance and some evaluations; workshops that need izin atasan carry pending, approved and
declined requests, decided by the direct superior.
"""

from datetime import date, time, timedelta

from sqlalchemy import select

from blueprints.common.large import (
    LargeContext,
    bulk_insert,
    insert_in_chunks,
    large_seeder,
    next_id,
    superiors,
    sync_sequence,
)
from blueprints.common.timefmt import today_wib, wib_to_utc
from blueprints.workshops.models import (
    DEFAULT_TOPICS,
    Evaluation,
    ExternalLearning,
    Registration,
    Topic,
    Workshop,
    WorkshopSession,
    workshop_organizer,
    workshop_topic_link,
)
from extensions import db

# (title, description, competency type, learning form, learning kind, topics)
PROGRAMMES = [
    (
        "Pelayanan Publik yang Berempati",
        "Mendengarkan aktif dan melayani warga lanjut usia serta penyandang disabilitas di loket.",
        "sosial_kultural",
        "klasikal",
        "pelatihan",
        ["Pelayanan publik", "Empati"],
    ),
    (
        "Komunikasi Efektif dengan Masyarakat",
        "Menyampaikan informasi layanan dengan jelas dan menangani pengaduan warga secara santun.",
        "sosial_kultural",
        "klasikal",
        "workshop",
        ["Komunikasi publik", "Pelayanan publik"],
    ),
    (
        "Teknik Presentasi",
        "Menyusun alur paparan dan berbicara di depan musyawarah kelurahan.",
        "manajerial",
        "klasikal",
        "pelatihan",
        ["Presentasi", "Komunikasi publik"],
    ),
    (
        "Kepemimpinan Perubahan",
        "Menjelaskan alasan perubahan dan mengawal layanan baru.",
        "manajerial",
        "klasikal",
        "workshop",
        ["Kepemimpinan", "Manajemen perubahan"],
    ),
    (
        "Digitalisasi Layanan Kelurahan",
        "Layanan administrasi kependudukan daring dan arsip digital.",
        "teknis",
        "nonklasikal",
        "pjj",
        ["Digitalisasi layanan"],
    ),
    (
        "Budaya Kerja BerAKHLAK",
        "Tujuh nilai BerAKHLAK dalam kebiasaan kerja sehari-hari.",
        "sosial_kultural",
        "klasikal",
        "sosialisasi",
        ["Budaya kerja BerAKHLAK"],
    ),
    (
        "Tata Naskah Dinas dan Srikandi",
        "Menyusun, menomori dan mengarsipkan naskah dinas elektronik.",
        "teknis",
        "klasikal",
        "bimtek",
        ["Administrasi perkantoran"],
    ),
    (
        "Pengelolaan Keuangan Kelurahan",
        "Penatausahaan belanja, SPJ dan laporan realisasi.",
        "teknis",
        "klasikal",
        "bimtek",
        ["Pengelolaan keuangan"],
    ),
    (
        "Pengolahan Data dengan Spreadsheet",
        "Rekap data penduduk dan bantuan sosial dengan spreadsheet.",
        "teknis",
        "nonklasikal",
        "e_learning",
        ["Digitalisasi layanan", "Administrasi perkantoran"],
    ),
    (
        "Penanganan Pengaduan Warga",
        "Mencatat, meneruskan dan menuntaskan pengaduan.",
        "sosial_kultural",
        "klasikal",
        "workshop",
        ["Pelayanan publik", "Komunikasi publik"],
    ),
    (
        "Coaching untuk Pejabat Pengawas",
        "Percakapan kinerja dan umpan balik yang membangun.",
        "manajerial",
        "nonklasikal",
        "coaching",
        ["Kepemimpinan"],
    ),
    (
        "Mentoring Pegawai Baru",
        "Pendampingan pegawai baru di tiga bulan pertama.",
        "manajerial",
        "nonklasikal",
        "mentoring",
        ["Kepemimpinan", "Budaya kerja BerAKHLAK"],
    ),
    (
        "Pelindungan Data Pribadi Warga",
        "UU 27/2022 dalam layanan kelurahan sehari-hari.",
        "teknis",
        "klasikal",
        "seminar",
        ["Digitalisasi layanan"],
    ),
    (
        "Manajemen Arsip Dinamis",
        "Klasifikasi, retensi dan penyusutan arsip.",
        "teknis",
        "klasikal",
        "kursus",
        ["Administrasi perkantoran"],
    ),
    (
        "Pengadaan Barang dan Jasa Dasar",
        "Prinsip pengadaan dan katalog elektronik.",
        "teknis",
        "klasikal",
        "bimtek",
        ["Pengelolaan keuangan"],
    ),
    (
        "Kesiapsiagaan Banjir Rob",
        "Koordinasi lapangan dan laporan kondisi saat banjir rob.",
        "teknis",
        "klasikal",
        "pelatihan",
        ["Pelayanan publik"],
    ),
    (
        "Menulis Laporan Kegiatan",
        "Laporan yang ringkas, runtut dan berbasis data.",
        "teknis",
        "nonklasikal",
        "belajar_mandiri",
        ["Administrasi perkantoran"],
    ),
    (
        "Layanan Prima di Puskesmas",
        "Alur layanan, antrean dan komunikasi dengan pasien.",
        "sosial_kultural",
        "klasikal",
        "pelatihan",
        ["Pelayanan publik", "Empati"],
    ),
    (
        "Inovasi Pelayanan Publik",
        "Merancang dan menguji inovasi layanan kecil.",
        "manajerial",
        "klasikal",
        "workshop",
        ["Manajemen perubahan", "Pelayanan publik"],
    ),
    (
        "Benchmarking Mal Pelayanan Publik",
        "Belajar dari mal pelayanan publik kota lain.",
        "manajerial",
        "nonklasikal",
        "benchmarking",
        ["Pelayanan publik", "Manajemen perubahan"],
    ),
]

VENUES = [
    "Aula Kantor Camat, Jl. Marelan Raya",
    "Ruang Rapat Sekretariat Kecamatan",
    "Aula Kelurahan Rengas Pulau",
    "Ruang Rapat Kelurahan Terjun",
    "Aula Puskesmas Terjun",
]
FACILITATORS = [
    "Dra. Hj. Nurhayati Lubis, M.Si",
    "Tim BPSDM Provinsi Sumatera Utara",
    "Irwan Syahputra Siregar, S.Kom",
    "Dr. Yusuf Harahap, M.AP",
    "Rina Marpaung, S.E., M.Ak",
]
COMMENTS = [
    "Materinya langsung bisa dipakai di loket.",
    "Contoh kasusnya dekat dengan pekerjaan kami.",
    "Waktunya kurang panjang untuk praktik.",
    "Fasilitator sabar menjawab pertanyaan.",
    "",
    "",
    "",
]
EXTERNAL = [
    ("E-learning Pelayanan Prima", "ASN Unggul (LAN RI)", "nonklasikal", "e_learning", 4),
    ("Pelatihan Arsip Digital", "ANRI", "nonklasikal", "pjj", 8),
    ("Kursus Excel untuk Administrasi", "BPSDM Sumatera Utara", "klasikal", "kursus", 6),
    ("Seminar Kota Cerdas Medan", "Diskominfo Kota Medan", "klasikal", "seminar", 3),
    ("Coaching Penulisan Laporan", "Sekretariat Kecamatan", "nonklasikal", "coaching", 2),
]
# (start, end) in WIB
SLOTS = [
    (time(8, 0), time(12, 30)),
    (time(9, 0), time(12, 0)),
    (time(13, 0), time(16, 0)),
    (time(8, 30), time(14, 30)),
    (time(9, 0), time(11, 15)),
]
JP_MINUTES = 45

PAST_DAYS, FUTURE_DAYS = 450, 150


def _working_day(day: date, forward: bool) -> date:
    """Workshops run Monday to Friday: a weekend date moves away from today."""
    while day.weekday() >= 5:
        day += timedelta(days=1 if forward else -1)
    return day


# --- the seeder -------------------------------------------------------------------------------
@large_seeder(order=10, name="workshops, sessions and registrations")
def seed_workshops(ctx: LargeContext) -> None:
    rng = ctx.rng
    today = today_wib()
    # Decisions depend on the date only (midnight WIB): the same seed gives the same data all day.
    now = wib_to_utc(today, time(0, 0))

    existing = set(db.session.scalars(select(Topic.name)))
    missing = [{"name": name, "active": True} for name in DEFAULT_TOPICS if name not in existing]
    if missing:
        insert_in_chunks(Topic.__table__, missing)
    topic_ids = dict(db.session.execute(select(Topic.name, Topic.id)).all())
    superior = superiors(ctx)

    # Programmes: each base programme in several editions (angkatan).
    workshop_count = ctx.n(400)
    first_workshop = next_id(Workshop)
    workshops, topic_links, organizer_links, approval = [], [], [], {}
    for i in range(workshop_count):
        title, description, competency, form, kind, topics = PROGRAMMES[i % len(PROGRAMMES)]
        wid = first_workshop + i
        approval[wid] = rng.random() < 0.08
        workshops.append(
            {
                "id": wid,
                "title": f"{title} — Angkatan {i // len(PROGRAMMES) + 1}",
                "description": description,
                "competency_type": competency,
                "learning_form": form,
                "learning_kind": kind,
                "requires_approval": approval[wid],
                "active": rng.random() < 0.97,
                "created_by_id": rng.choice(ctx.organizer_ids),
                "created_at": now - timedelta(days=rng.randint(PAST_DAYS, PAST_DAYS + 200)),
            }
        )
        topic_links += [{"workshop_id": wid, "topic_id": topic_ids[name]} for name in topics]
        for organizer in rng.sample(
            ctx.organizer_ids, min(len(ctx.organizer_ids), rng.choice([1, 1, 2]))
        ):
            organizer_links.append({"workshop_id": wid, "employee_id": organizer})
    bulk_insert(Workshop.__table__, workshops)
    bulk_insert(workshop_topic_link, topic_links)
    bulk_insert(workshop_organizer, organizer_links)
    sync_sequence(Workshop)

    # Sessions over the past fifteen months and the next five.
    session_count = ctx.n(1500)
    first_session = next_id(WorkshopSession)
    sessions = []
    for i in range(session_count):
        wid = first_workshop + (i * 7919) % workshop_count  # spread editions over the calendar
        offset = rng.randint(-PAST_DAYS, FUTURE_DAYS)
        day = _working_day(today + timedelta(days=offset), forward=offset > 0)
        start, end = rng.choice(SLOTS)
        starts_at, ends_at = wib_to_utc(day, start), wib_to_utc(day, end)
        roll = rng.random()
        if starts_at <= now:
            recent = (today - day).days <= 10
            status = (
                "cancelled"
                if roll < 0.05
                else ("published" if recent and roll < 0.4 else "completed")
            )
        else:
            status = "draft" if roll < 0.07 else ("cancelled" if roll < 0.13 else "published")
        online = PROGRAMMES[(wid - first_workshop) % len(PROGRAMMES)][3] == "nonklasikal"
        sessions.append(
            {
                "id": first_session + i,
                "workshop_id": wid,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "venue": "" if online else rng.choice(VENUES),
                "online_url": f"https://zoom.us/j/8{rng.randint(10**9, 10**10 - 1)}"
                if online
                else "",
                "capacity": rng.choice([15, 20, 20, 25, 25, 30, 30, 40]),
                "jp_credited": int((ends_at - starts_at).total_seconds() // 60) // JP_MINUTES,
                "registration_opens_at": None,
                "registration_closes_at": wib_to_utc(day - timedelta(days=1), time(16, 0))
                if status == "published" and starts_at > now
                else None,
                "status": status,
                "queue_seq": 0,
                "facilitator": rng.choice(FACILITATORS),
                "created_at": starts_at - timedelta(days=rng.randint(20, 60)),
                "updated_at": starts_at - timedelta(days=rng.randint(1, 19)),
            }
        )

    # How full each session is; then scaled so that the total is the data set's size.
    def fullness(s) -> float:
        if s["status"] == "draft":
            return 0.0
        if s["status"] == "cancelled":
            return rng.uniform(0.2, 0.6)
        if s["starts_at"] <= now:
            return rng.uniform(0.55, 1.05)
        return rng.uniform(1.1, 1.4) if rng.random() < 0.15 else rng.uniform(0.15, 0.95)

    weights = [s["capacity"] * fullness(s) for s in sessions]
    factor = ctx.n(30000) / max(1.0, sum(weights))
    people = ctx.employee_ids

    registrations, evaluations = [], []
    first_registration = next_id(Registration)
    for s, weight in zip(sessions, weights, strict=True):
        count = min(len(people), round(weight * factor))
        if count <= 0:
            continue
        past = s["starts_at"] <= now
        needs_approval = approval[s["workshop_id"]]
        attendees = rng.sample(people, count)
        position = 0
        seats = 0
        first_day = s["starts_at"] - timedelta(days=rng.randint(14, 40))
        span = max(1, int((min(s["starts_at"], now) - first_day).total_seconds()))
        moments = sorted(first_day + timedelta(seconds=rng.randrange(span)) for _ in attendees)
        for employee_id, created in zip(attendees, moments, strict=True):
            row = {
                "id": first_registration + len(registrations),
                "session_id": s["id"],
                "employee_id": employee_id,
                "status": "confirmed",
                "position": None,
                "mandatory": False,
                "walk_in": False,
                "attended": False,
                "evaluated": False,
                "decided_by_id": None,
                "decision_reason": "",
                "created_at": created,
                "status_changed_at": created,
            }
            boss = superior.get(employee_id) if needs_approval else None
            if boss is not None:
                row["decided_by_id"] = boss
                decision = rng.random()
                if not past and s["status"] == "published" and decision < 0.15:
                    row.update(status="pending_approval", decided_by_id=None)
                    registrations.append(row)
                    continue
                if decision < 0.22:
                    row.update(
                        status="declined",
                        decision_reason="Jadwal bentrok dengan "
                        "pelayanan loket; ikuti angkatan berikutnya.",
                    )
                    registrations.append(row)
                    continue
            position += 1
            row["position"] = position
            if rng.random() < 0.07:
                row["status"] = "cancelled"
                row["status_changed_at"] = created + timedelta(hours=rng.randint(1, 72))
            elif seats < s["capacity"]:
                seats += 1
                row["mandatory"] = rng.random() < 0.03
                if past and s["status"] == "completed":
                    row["attended"] = rng.random() < 0.88
                    if row["attended"] and rng.random() < 0.55:
                        row["evaluated"] = True
                        evaluations.append(
                            {
                                "session_id": s["id"],
                                "relevance": rng.choice([3, 4, 4, 5, 5]),
                                "usefulness": rng.choice([2, 3, 4, 4, 5]),
                                "facilitator": rng.choice([3, 4, 4, 5, 5]),
                                "comment": rng.choice(COMMENTS),
                            }
                        )
            elif past:
                row["status"] = "cancelled"  # waited in vain; cancelled before the day
                row["status_changed_at"] = s["starts_at"] - timedelta(days=1)
            else:
                row["status"] = "waitlisted"
            registrations.append(row)
        s["queue_seq"] = position
    bulk_insert(WorkshopSession.__table__, sessions)
    sync_sequence(WorkshopSession)
    bulk_insert(Registration.__table__, registrations)
    sync_sequence(Registration)
    bulk_insert(Evaluation.__table__, evaluations)

    # External learning with evidence (one small real PDF shared by all records, as in the demo).
    try:
        from blueprints.workshops.demo import evidence_file

        evidence, size = evidence_file()
    except (ImportError, OSError):
        evidence, size = "large-contoh.pdf", 1024
    records = []
    for _ in range(ctx.n(2000)):
        title, provider, form, kind, jp = rng.choice(EXTERNAL)
        learned_on = today - timedelta(days=rng.randint(1, 420))
        status = rng.choices(["verified", "pending", "rejected"], [70, 20, 10])[0]
        reviewed = status != "pending"
        records.append(
            {
                "employee_id": rng.choice(people),
                "title": title,
                "provider": provider,
                "learning_form": form,
                "learning_kind": kind,
                "learned_on": learned_on,
                "jp": jp,
                "evidence_file": evidence,
                "evidence_name": f"sertifikat-{rng.randint(1000, 9999)}.pdf",
                "evidence_type": "application/pdf",
                "evidence_size": size,
                "status": status,
                "review_reason": "Sertifikat tidak mencantumkan jumlah jam pelajaran."
                if status == "rejected"
                else "",
                "reviewed_by_id": rng.choice(ctx.organizer_ids) if reviewed else None,
                "reviewed_at": wib_to_utc(learned_on + timedelta(days=2), time(10, 0))
                if reviewed
                else None,
                "created_at": wib_to_utc(learned_on + timedelta(days=1), time(9, 0)),
            }
        )
    bulk_insert(ExternalLearning.__table__, records)
    ctx.echo(
        f" {len(workshops)} workshops, {len(sessions)} sessions, {len(registrations)} registrations,"
        f" {len(evaluations)} evaluations, {len(records)} external records;"
    )
