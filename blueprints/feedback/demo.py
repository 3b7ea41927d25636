"""Demo feedback for Marelan: a history of feedback from the camat, the lurah of Terjun and other
heads of units — some acknowledged and answered, some pending, overdue people and follow-ups,
requests (one open from pegawai), a development plan for pegawai tied to the "Teknik
Presentasi" workshop she attended, self-reflection, and upward feedback rounds (one closed with
enough answers about lurah_terjun, one open)."""

from datetime import date, datetime, time, timedelta

from flask import current_app

from blueprints.auth import access
from blueprints.common import anonymity
from blueprints.common.demo import DemoContext, demo_seeder
from blueprints.common.timefmt import today_wib, utcnow, wib_to_utc
from blueprints.feedback import upward, workshop_link
from blueprints.feedback.giving import snapshot
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
    UpwardParticipation,
    UpwardRound,
)
from blueprints.notifications.services import notify
from extensions import db

# Situations by kind of unit: (context, strengths, improvements, values, competencies,
# follow-ups as (text, days after the conversation), recommended workshop title or None).
TEMPLATES = {
    "kelurahan": [
        (
            "Pelayanan surat keterangan domisili dan pengantar KK di loket kelurahan pada pekan "
            "antrean padat menjelang pendaftaran sekolah.",
            "Ramah dan sabar kepada warga lanjut usia; berkas yang Anda proses lengkap dan jarang "
            "dikembalikan.",
            "Antrean sempat menumpuk karena berkas diperiksa satu per satu di depan warga. Pakai "
            "daftar periksa dan minta warga melengkapi berkas sambil menunggu giliran.",
            ["berorientasi_pelayanan", "adaptif"],
            ["pelayanan_publik", "administrasi_kependudukan"],
            [("Susun daftar periksa berkas layanan domisili dan tempel di loket", 14)],
            "Pelayanan Publik yang Berempati",
        ),
        (
            "Pendataan warga penerima bantuan sosial bersama kepala lingkungan.",
            "Data Anda lengkap dan rapi; Anda teliti mencocokkan NIK dengan KK.",
            "Rekap terlambat dua hari dari jadwal karena menunggu semua lingkungan selesai. "
            "Kirim rekap bertahap per lingkungan agar pimpinan bisa segera menindaklanjuti.",
            ["akuntabel", "kolaboratif"],
            ["orientasi_hasil", "pengolahan_data"],
            [("Kirim rekap bertahap setiap Jumat", 21)],
            None,
        ),
        (
            "Penanganan pengaduan warga soal lampu jalan dan saluran tersumbat di Lingkungan III.",
            "Anda cepat mencatat pengaduan dan menghubungi warga kembali.",
            "Pengaduan belum diteruskan ke dinas terkait dengan surat resmi, sehingga tindak "
            "lanjutnya lambat. Gunakan format surat pengantar yang sudah ada.",
            ["berorientasi_pelayanan", "akuntabel"],
            ["pelayanan_publik", "tata_naskah"],
            [("Teruskan pengaduan yang tertunda dengan surat resmi", 7)],
            "Komunikasi Efektif dengan Masyarakat",
        ),
        (
            "Layanan administrasi kependudukan secara daring yang mulai dicoba di kelurahan.",
            "Anda mau mencoba cara baru dan membantu rekan yang belum terbiasa.",
            "Warga yang tidak punya ponsel pintar belum mendapat penjelasan yang jelas. Siapkan "
            "jalur bantuan di meja informasi dan lembar panduan singkat.",
            ["adaptif", "berorientasi_pelayanan"],
            ["layanan_digital", "mengelola_perubahan"],
            [("Buat lembar panduan layanan daring untuk warga", 14)],
            "Digitalisasi Layanan Kelurahan",
        ),
    ],
    "puskesmas": [
        (
            "Pelayanan imunisasi di posyandu Lingkungan IV.",
            "Pencatatan KMS rapi dan ibu-ibu merasa nyaman bertanya kepada Anda.",
            "Data cakupan tidak segera diinput ke aplikasi sehingga rekap bulanan terlambat. "
            "Input di hari yang sama setelah posyandu selesai.",
            ["akuntabel", "kompeten"],
            ["pengolahan_data", "pelayanan_publik"],
            [("Input data cakupan imunisasi paling lambat H+1", 10)],
            None,
        ),
        (
            "Penyuluhan demam berdarah di sekolah dasar wilayah Terjun.",
            "Materi Anda sederhana dan anak-anak antusias menjawab pertanyaan.",
            "Waktu penyuluhan melewati jadwal sehingga kelas berikutnya terganggu. Susun "
            "rundown dan patuhi batas waktu.",
            ["berorientasi_pelayanan", "kolaboratif"],
            ["komunikasi", "presentasi"],
            [],
            "Teknik Presentasi",
        ),
    ],
    "default": [
        (
            "Pengelolaan surat masuk dan disposisi pimpinan.",
            "Surat terdistribusi cepat; Anda rajin menindaklanjuti disposisi yang tertunda.",
            "Beberapa nomor surat keluar ganda. Periksa buku agenda sebelum memberi nomor dan "
            "gunakan aplikasi Srikandi secara konsisten.",
            ["akuntabel", "adaptif"],
            ["tata_naskah", "layanan_digital"],
            [("Pindahkan seluruh agenda surat bulan ini ke Srikandi", 14)],
            None,
        ),
        (
            "Penyusunan laporan realisasi anggaran triwulan.",
            "Laporan selesai tepat waktu dan angka cocok dengan SP2D.",
            "Penjelasan selisih anggaran terlalu singkat; pimpinan perlu alasan untuk setiap "
            "selisih di atas 10%.",
            ["akuntabel"],
            ["orientasi_hasil", "pengelolaan_keuangan"],
            [("Tambahkan kolom penjelasan selisih pada format laporan", 21)],
            None,
        ),
        (
            "Penertiban pedagang kaki lima di sekitar Pasar Marelan bersama Satpol PP.",
            "Anda tetap tenang dan santun saat pedagang bersuara keras; tidak ada bentrokan.",
            "Sosialisasi sebelum penertiban hanya lewat surat edaran. Kunjungi kelompok pedagang "
            "lebih awal dan jelaskan lokasi relokasi.",
            ["harmonis", "berorientasi_pelayanan"],
            ["komunikasi", "mengelola_perubahan"],
            [("Jadwalkan pertemuan dengan paguyuban pedagang", 10)],
            "Komunikasi Efektif dengan Masyarakat",
        ),
        (
            "Pendampingan kegiatan Bank Sampah dan padat karya di kelurahan.",
            "Anda aktif mengajak kader PKK dan pemuda; kegiatan diikuti lebih banyak warga.",
            "Koordinasi dengan seksi lain sering mendadak. Bagikan jadwal kegiatan seminggu "
            "sebelumnya di grup koordinasi.",
            ["kolaboratif"],
            ["kerjasama", "pengembangan_diri"],
            [],
            None,
        ),
    ],
    "leader": [
        (
            "Rapat koordinasi bulanan dan tindak lanjut pengaduan warga soal banjir rob.",
            "Anda cepat turun ke lapangan dan laporan kondisi lengkap dengan foto.",
            "Tindak lanjut pengaduan belum dicatat terpusat, sehingga sulit memantau mana yang "
            "selesai. Tunjuk satu petugas pencatat dan laporkan rekap setiap minggu.",
            ["berorientasi_pelayanan", "akuntabel"],
            ["pengambilan_keputusan", "orientasi_hasil"],
            [("Kirim rekap mingguan pengaduan warga kepada Camat", 14)],
            "Kepemimpinan Perubahan",
        ),
        (
            "Persiapan penerapan antrean daring di kantor kecamatan dan kelurahan.",
            "Tim Anda paling cepat siap; Anda menjelaskan manfaatnya dengan contoh nyata.",
            "Sebagian staf masih ragu dan belum didengar kekhawatirannya. Adakan sesi tanya "
            "jawab singkat dan catat kendala mereka.",
            ["adaptif", "kolaboratif"],
            ["mengelola_perubahan", "pengembangan_diri"],
            [("Adakan sesi tanya jawab dengan staf", 10)],
            "Kepemimpinan Perubahan",
        ),
    ],
}

RESPONSES = [
    "Terima kasih atas masukannya. Saya akan mulai minggu ini.",
    "Baik, saya mengerti. Mohon bimbingan bila saya masih keliru.",
    "Terima kasih. Kendalanya kemarin printer loket sering macet; sudah saya laporkan ke Subbag Umum.",
    "Siap, akan saya perbaiki dan laporkan hasilnya.",
]

UPWARD_COMMENTS = [
    "Selalu menyempatkan diri mendengar kendala kami di loket.",
    "Arahan tugas kadang baru jelas setelah pekerjaan berjalan.",
    "Terima kasih sudah mendorong saya ikut pelatihan.",
    "Umpan balik sebaiknya lebih sering, tidak hanya saat ada masalah.",
    "Pembagian tugas sudah adil.",
    "",
    "",
]


def _quarter(day: date) -> tuple[int, date, date]:
    q = (day.month - 1) // 3 + 1
    start = date(day.year, 3 * q - 2, 1)
    end = (date(day.year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)) - timedelta(days=1)
    return q, start, end


class _Seeder:
    def __init__(self, ctx: DemoContext):
        self.ctx = ctx
        self.rng = ctx.rng
        self.today = today_wib()
        self.now = utcnow()
        self.workshops = {
            title: workshop_link.find_by_title(title)
            for spec in TEMPLATES.values()
            for *_rest, title in spec
            if title
        }
        self.workshops["Teknik Presentasi"] = workshop_link.find_by_title("Teknik Presentasi")
        self.count = 0

    def at(self, day: date, hour: int | None = None) -> datetime:
        hour = hour if hour is not None else self.rng.randint(8, 15)
        return wib_to_utc(day, time(hour, self.rng.choice([0, 10, 20, 30, 45])))

    def before_now(self, value: datetime) -> datetime:
        return min(value, self.now - timedelta(minutes=30))

    def feedback(
        self,
        author,
        receiver,
        days_ago,
        template,
        *,
        ack=True,
        respond=None,
        status="sent",
        request=None,
        done_ratio=0.7,
    ):
        context, strengths, improvements, values, comps, follow_ups, workshop = template
        day = self.today - timedelta(days=days_ago)
        sent_at = self.before_now(self.at(day))
        fb = Feedback(
            author_id=author.id,
            receiver_id=receiver.id,
            occurred_on=day,
            context=context,
            strengths=strengths,
            improvements=improvements,
            status=status,
            created_at=sent_at - timedelta(hours=2),
            updated_at=sent_at,
            sent_at=sent_at if status == "sent" else None,
            request_id=request.id if request else None,
        )
        fb.values = [FeedbackValue(value=v) for v in values]
        fb.competencies = [FeedbackCompetency(code=c) for c in comps]
        for position, (text, after) in enumerate(follow_ups):
            item = FollowUp(description=text, due_on=day + timedelta(days=after), position=position)
            if status == "sent" and item.due_on < self.today and self.rng.random() < done_ratio:
                item.done_at = self.before_now(self.at(item.due_on - timedelta(days=1)))
                if self.rng.random() < 0.8:
                    item.confirmed_at = self.before_now(item.done_at + timedelta(days=1))
            fb.follow_ups.append(item)
        wid = self.workshops.get(workshop) if workshop else None
        if wid:
            fb.workshops = [FeedbackWorkshop(workshop_id=wid, title=workshop)]
        if status == "sent" and ack:
            fb.acknowledged_at = self.before_now(sent_at + timedelta(hours=self.rng.randint(2, 40)))
            if respond:
                fb.response = respond
                fb.responded_at = self.before_now(fb.acknowledged_at + timedelta(minutes=20))
        db.session.add(fb)
        db.session.flush()
        db.session.add(
            FeedbackVersion(
                feedback_id=fb.id,
                number=1,
                status=status,
                saved_at=sent_at,
                saved_by_id=author.id,
                snapshot=snapshot(fb),
            )
        )
        if request is not None and status == "sent":
            request.status = "answered"
            request.closed_at = sent_at
        self.count += 1
        return fb


@demo_seeder(order=30, name="umpan balik, rencana pengembangan dan umpan balik ke atas")
def seed_feedback(ctx: DemoContext) -> None:
    from flask import g

    g.pop("access_cache", None)  # the organisation was just created in this context
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_BASE_URL"]):
        _seed(ctx)


def _seed(ctx: DemoContext) -> None:
    s = _Seeder(ctx)
    rng = ctx.rng
    units = ctx.units
    people = ctx.people
    camat, lurah, pegawai = people["camat"], people["lurah_terjun"], people["pegawai"]
    by_id = {e.id: e for e in ctx.employees}

    def staff_of(code):
        unit = units[code]
        return [
            e
            for e in ctx.employees
            if e.unit_id == unit.id
            and e.id != unit.head_id
            and e.id not in (people["admin"].id, people["penyelenggara"].id)
        ]

    # 1. Heads of units give feedback to their staff: most recently, some long ago (overdue),
    #    a few never (overdue too).
    for code, unit in units.items():
        if code in ("KEC", "SEK") or unit.head_id is None:
            continue
        head = by_id[unit.head_id]
        templates = TEMPLATES.get(unit.kind, TEMPLATES["default"])
        for person in staff_of(code):
            if person.id == pegawai.id:
                continue
            roll = rng.random()
            if roll < 0.15:
                continue  # never had feedback: overdue
            if roll < 0.4:
                s.feedback(
                    head,
                    person,
                    rng.randint(100, 220),
                    rng.choice(templates),
                    respond=rng.choice([None, *RESPONSES]),
                    done_ratio=0.5,
                )
                continue
            if rng.random() < 0.5:
                s.feedback(
                    head,
                    person,
                    rng.randint(120, 240),
                    rng.choice(templates),
                    respond=rng.choice([None, *RESPONSES]),
                )
            recent = rng.randint(3, 80)
            s.feedback(
                head,
                person,
                recent,
                rng.choice(templates),
                ack=recent > 10 or rng.random() < 0.4,
                respond=rng.choice([None, None, *RESPONSES]) if recent > 7 else None,
            )

    # 2. The camat and the sekretaris camat give feedback to the heads below them.
    sekcam = by_id[units["SEK"].head_id]
    for code in (
        "SEK",
        "SKS-PEM",
        "SKS-TRANTIB",
        "SKS-PMD",
        "SKS-PU",
        "KEL-LD",
        "KEL-PP",
        "KEL-RP",
        "KEL-TER",
    ):
        head = by_id[units[code].head_id]
        if rng.random() < 0.75:
            days = rng.randint(5, 70) if rng.random() < 0.7 else rng.randint(95, 160)
            s.feedback(
                camat,
                head,
                days,
                rng.choice(TEMPLATES["leader"]),
                respond=rng.choice([None, *RESPONSES]),
            )
    for code in ("SEK-UMPEG", "SEK-KEUPROG"):
        head = by_id[units[code].head_id]
        s.feedback(
            sekcam, head, rng.randint(15, 60), TEMPLATES["default"][1 if "KEU" in code else 0]
        )
    s.feedback(
        camat,
        lurah,
        34,
        TEMPLATES["leader"][0],
        respond="Terima kasih, Pak Camat. Mulai minggu depan rekap pengaduan saya kirim "
        "setiap Jumat.",
    )

    # 3. Pegawai (Fitri, Kelurahan Terjun): weak presentation -> Teknik Presentasi (attended),
    #    a development plan, an addendum, a recent pending feedback and an open request.
    presentation = (
        "Paparan rekapitulasi data penduduk rentan pada Musyawarah Kelurahan Terjun.",
        "Data yang Anda kumpulkan lengkap dan akurat; Anda menguasai angka per lingkungan.",
        "Paparan terlalu padat tulisan dan tidak runtut, sehingga peserta sulit menangkap pesan "
        "utama. Mulailah dengan kesimpulan, pakai grafik sederhana, dan latih waktu bicara "
        "paling lama 10 menit.",
        ["kompeten", "berorientasi_pelayanan"],
        ["komunikasi", "presentasi"],
        [("Ikuti pelatihan Teknik Presentasi", 20), ("Latihan paparan di rapat staf", 45)],
        "Teknik Presentasi",
    )
    first = s.feedback(
        lurah,
        pegawai,
        100,
        presentation,
        done_ratio=1.0,
        respond="Terima kasih, Bu Lurah. Saya sudah mendaftar pelatihan Teknik Presentasi dan "
        "akan berlatih di rapat staf.",
    )
    db.session.add(
        FeedbackAddendum(
            feedback_id=first.id,
            author_id=lurah.id,
            body="Pada musyawarah bulan berikutnya paparan Anda jauh lebih runtut dan tepat waktu. "
            "Pertahankan.",
            created_at=s.before_now(s.at(s.today - timedelta(days=50))),
        )
    )
    counter = (
        "Pelayanan rekam KTP-el dan perubahan KK di loket Kelurahan Terjun bulan ini.",
        "Anda teliti memeriksa dokumen dan warga memuji keramahan Anda.",
        "Beberapa warga harus kembali esok hari karena persyaratan tidak dijelaskan sejak awal. "
        "Sampaikan daftar persyaratan lengkap saat warga pertama kali bertanya, juga lewat "
        "pesan WhatsApp resmi kelurahan.",
        ["berorientasi_pelayanan"],
        ["pelayanan_publik", "administrasi_kependudukan", "komunikasi"],
        [
            ("Susun pesan templat persyaratan KTP-el dan KK", 7),
            ("Catat warga yang harus kembali karena berkas kurang selama dua minggu", 14),
        ],
        "Komunikasi Efektif dengan Masyarakat",
    )
    pending = s.feedback(lurah, pegawai, 3, counter, ack=False)
    notify(pegawai, "feedback.received", link=f"/umpan-balik/{pending.id}", author=lurah.name)
    overdue = (
        "Penyusunan arsip berkas pindah datang tahun berjalan.",
        "Berkas tersusun menurut lingkungan sehingga mudah dicari.",
        "Berkas bulan lalu belum dipindai ke arsip digital.",
        ["akuntabel"],
        ["tata_naskah"],
        [("Pindai berkas pindah datang bulan lalu", 10)],
        None,
    )
    s.feedback(
        lurah,
        pegawai,
        40,
        overdue,
        done_ratio=0.0,
        respond="Baik, Bu. Pemindai sedang dipinjam seksi lain, akan saya selesaikan.",
    )
    open_request = FeedbackRequest(
        requester_id=pegawai.id,
        leader_id=lurah.id,
        topic="Cara saya menjelaskan persyaratan KTP-el kepada warga di loket",
        detail="Saya ingin tahu apakah penjelasan saya sudah cukup jelas setelah saya memakai "
        "pesan templat.",
        created_at=s.before_now(s.at(s.today - timedelta(days=1))),
    )
    db.session.add(open_request)
    db.session.flush()
    notify(
        lurah,
        "feedback.request_received",
        link="/umpan-balik/permintaan",
        requester=pegawai.name,
        topic=open_request.topic,
    )
    db.session.add(
        SelfReflection(
            employee_id=pegawai.id,
            went_well="Pesan templat persyaratan sudah saya pakai; warga yang kembali karena berkas "
            "kurang jauh berkurang.",
            was_hard="Menjelaskan kepada warga lanjut usia yang tidak memakai WhatsApp.",
            help_wanted="Contoh lembar persyaratan cetak yang mudah dibaca, dan masukan cara saya "
            "menjelaskan di loket.",
            created_at=s.before_now(s.at(s.today - timedelta(days=1), 16)),
        )
    )

    # Development plan: agreed goal tied to the attended presentation workshop, and a proposal.
    presentation_id = s.workshops.get("Teknik Presentasi")
    db.session.add(
        DevelopmentGoal(
            employee_id=pegawai.id,
            competency="presentasi",
            title="Menyampaikan paparan yang runtut dan tepat waktu di musyawarah kelurahan",
            reason="Umpan balik Bu Lurah setelah Musyawarah Kelurahan: paparan terlalu padat.",
            feedback_id=first.id,
            workshop_id=presentation_id,
            external_activity="Latihan paparan di rapat staf setiap bulan",
            target_on=s.today + timedelta(days=30),
            status="agreed",
            proposed_by_id=pegawai.id,
            agreed_by_id=lurah.id,
            agreed_at=s.at(s.today - timedelta(days=96)),
            created_at=s.at(s.today - timedelta(days=97)),
        )
    )
    db.session.add(
        DevelopmentGoal(
            employee_id=pegawai.id,
            competency="layanan_digital",
            title="Melayani perubahan data kependudukan secara daring",
            reason="Kelurahan mulai menerima permohonan daring tahun ini.",
            workshop_id=s.workshops.get("Digitalisasi Layanan Kelurahan"),
            external_activity="E-learning Layanan Adminduk Daring (Dukcapil)",
            target_on=s.today + timedelta(days=75),
            status="proposed",
            proposed_by_id=pegawai.id,
            created_at=s.at(s.today - timedelta(days=2)),
        )
    )

    # A draft of the lurah, an answered request and a declined one elsewhere.
    terjun_staff = [p for p in staff_of("KEL-TJ") if p.id != pegawai.id]
    if terjun_staff:
        s.feedback(lurah, terjun_staff[0], 0, TEMPLATES["kelurahan"][1], status="draft")
    if len(terjun_staff) > 1:
        asked = FeedbackRequest(
            requester_id=terjun_staff[1].id,
            leader_id=lurah.id,
            topic="Cara saya memandu rapat dengan kepala lingkungan",
            created_at=s.at(s.today - timedelta(days=30)),
        )
        db.session.add(asked)
        db.session.flush()
        s.feedback(
            lurah, terjun_staff[1], 26, TEMPLATES["default"][3], request=asked, respond=RESPONSES[1]
        )
    ld_staff = staff_of("KEL-LD")
    if ld_staff:
        db.session.add(
            FeedbackRequest(
                requester_id=ld_staff[0].id,
                leader_id=units["KEL-LD"].head_id,
                topic="Penilaian cara saya menangani pengaduan warga",
                status="declined",
                decline_reason="Saya sedang dinas luar sampai akhir bulan. Mohon ajukan lagi setelah "
                "rapat evaluasi; kita bicarakan langsung.",
                created_at=s.at(s.today - timedelta(days=12)),
                closed_at=s.at(s.today - timedelta(days=11)),
            )
        )
    for code in ("KEL-RP", "SKS-PU"):
        staff = staff_of(code)
        if staff:
            db.session.add(
                FeedbackRequest(
                    requester_id=staff[-1].id,
                    leader_id=units[code].head_id,
                    topic="Masukan untuk laporan kegiatan bulan ini",
                    created_at=s.at(s.today - timedelta(days=rng.randint(2, 9))),
                )
            )

    _seed_upward(s, ctx)
    db.session.flush()
    ctx.echo(f"  {s.count} feedback entries, development plan and upward rounds")


def _seed_upward(s: _Seeder, ctx: DemoContext) -> None:
    rng = ctx.rng
    people = ctx.people
    admin, lurah = people["admin"], people["lurah_terjun"]
    q, start, _end = _quarter(s.today)
    prev_q, prev_start, prev_end = _quarter(start - timedelta(days=1))
    closed = UpwardRound(
        title=f"Triwulan {['I', 'II', 'III', 'IV'][prev_q - 1]} {prev_start.year}",
        opens_on=prev_end - timedelta(days=27),
        closes_on=prev_end - timedelta(days=7),
        closed_at=wib_to_utc(prev_end - timedelta(days=6), time(16, 0)),
        min_group=3,
        comment_min_group=5,
        opened_by_id=admin.id,
        created_at=wib_to_utc(prev_end - timedelta(days=27), time(8, 0)),
    )
    current = UpwardRound(
        title=f"Triwulan {['I', 'II', 'III', 'IV'][q - 1]} {start.year}",
        opens_on=s.today - timedelta(days=7),
        closes_on=s.today + timedelta(days=21),
        min_group=3,
        comment_min_group=5,
        opened_by_id=admin.id,
        created_at=s.at(s.today - timedelta(days=7), 8),
    )
    db.session.add_all([closed, current])
    db.session.flush()

    reports: dict[int, list] = {}
    for person in ctx.employees:
        superior = access.direct_superior_id(person)
        if superior:
            reports.setdefault(superior, []).append(person)

    def answer(round_, respondent, leader_id, bias):
        """As upward.submit stores it: participation, and the answer sealed in the inbox."""
        db.session.add(UpwardParticipation(round_id=round_.id, employee_id=respondent.id))
        score = {
            code: max(1, min(5, rng.choice([3, 4, 4, 5]) + bias.get(code, 0)))
            for code in ("clarity", "listening", "fairness", "feedback", "growth")
        }
        anonymity.seal_answer(
            upward.STREAM,
            round_.id,
            label=leader_id,
            data={"scores": score, "comment": rng.choice(UPWARD_COMMENTS)},
        )

    for leader_id, team in reports.items():
        respondents = list(team)
        rng.shuffle(respondents)
        if leader_id == lurah.id:
            chosen = [p for p in respondents if p.id != people["pegawai"].id][:6]
            bias = {"feedback": -1}
        else:
            chosen = respondents[: rng.randint(0, len(respondents))]
            bias = {}
        for person in chosen:
            rng.randint(0, 19)  # once a per-answer date; drawn still so later demo data stay put
            answer(closed, person, leader_id, bias)
    # The closed round was mixed when it closed (leaders with fewer than k answers: none written).
    anonymity.mix(upward.STREAM, closed.id, final=True)
    # The open round: two of the lurah's team have answered (sealed, waiting); pegawai has not.
    for person in [p for p in reports.get(lurah.id, []) if p.id != people["pegawai"].id][:2]:
        rng.randint(0, 6)  # as above: the old date draw keeps the random stream unchanged
        answer(current, person, lurah.id, {})
