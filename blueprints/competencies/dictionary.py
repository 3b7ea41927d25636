"""The competency dictionary (kamus kompetensi): the eight managerial competencies and the one
sosial kultural competency of PermenPANRB 38/2017, and technical competencies per field of work.

The behaviour description of each level is our own short wording (not the regulation's text).
The built-in entries are data: admins edit names and descriptions and add technical
competencies. The dictionary is the one list of competencies: the feedback form offers its active
entries as tags (feedback.tags), a tag stores the entry's code, and a tagged feedback is evidence
on the same competency. That is why a code never changes once made (save() keeps it)."""

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from blueprints.admin.audit import audit
from blueprints.common.refusals import Refused
from blueprints.competencies.models import Competency
from extensions import db

KINDS = {
    "manajerial": _l("Manajerial"),
    "sosial_kultural": _l("Sosial kultural"),
    "teknis": _l("Teknis"),
}
KIND_ORDER = {"manajerial": 0, "sosial_kultural": 1, "teknis": 2}

# code, name, kind, field, five level descriptions (our own words).
BUILTIN: list[tuple[str, str, str, str, tuple[str, str, str, str, str]]] = [
    (
        "integritas",
        "Integritas",
        "manajerial",
        "",
        (
            "Jujur dan mematuhi aturan dalam tugasnya sendiri.",
            "Mengingatkan rekan kerja bila ada tindakan yang menyimpang dari aturan.",
            "Menjaga unit kerjanya bebas dari penyimpangan dan berani menolak tekanan.",
            "Membangun sistem kerja yang mencegah penyimpangan di lingkungannya.",
            "Menjadi teladan integritas bagi instansi dan menegakkannya secara konsisten.",
        ),
    ),
    (
        "kerjasama",
        "Kerja sama",
        "manajerial",
        "",
        (
            "Ikut berperan dalam tugas tim dan berbagi informasi yang diperlukan.",
            "Menghargai pendapat anggota tim dan membantu rekan yang kesulitan.",
            "Membangun semangat tim dan menyelesaikan perbedaan pendapat secara terbuka.",
            "Membangun kerja sama antarunit untuk tujuan bersama.",
            "Menciptakan jejaring kerja sama lintas instansi untuk kepentingan organisasi.",
        ),
    ),
    (
        "komunikasi",
        "Komunikasi",
        "manajerial",
        "",
        (
            "Menyampaikan informasi dengan jelas dan mendengarkan dengan baik.",
            "Menyesuaikan cara bicara dan tulisan dengan pendengarnya.",
            "Menyampaikan gagasan secara meyakinkan dan menanggapi pertanyaan dengan tepat.",
            "Mengelola komunikasi yang sulit dan membangun pemahaman bersama di unitnya.",
            "Mengomunikasikan arah organisasi sehingga dipahami dan didukung banyak pihak.",
        ),
    ),
    (
        "orientasi_hasil",
        "Orientasi pada hasil",
        "manajerial",
        "",
        (
            "Menyelesaikan tugas sesuai standar dan tepat waktu.",
            "Menetapkan target kerja sendiri dan memantau pencapaiannya.",
            "Memperbaiki cara kerja agar hasil unit lebih baik.",
            "Menetapkan target yang menantang dan mengarahkan sumber daya untuk mencapainya.",
            "Mendorong budaya kinerja tinggi di seluruh organisasi.",
        ),
    ),
    (
        "pelayanan_publik",
        "Pelayanan publik",
        "manajerial",
        "",
        (
            "Melayani warga dengan ramah sesuai prosedur yang berlaku.",
            "Memahami kebutuhan warga dan menindaklanjuti keluhan dengan cepat.",
            "Memperbaiki prosedur layanan berdasarkan masukan warga.",
            "Merancang layanan baru yang lebih mudah diakses warga.",
            "Membangun budaya pelayanan prima di seluruh instansi.",
        ),
    ),
    (
        "pengembangan_diri",
        "Pengembangan diri dan orang lain",
        "manajerial",
        "",
        (
            "Mau belajar hal baru yang diperlukan dalam tugasnya.",
            "Mencari umpan balik dan menyusun rencana belajar sendiri.",
            "Membimbing rekan kerja dan berbagi pengetahuan.",
            "Menyusun program pengembangan bagi anggota unitnya.",
            "Membangun budaya belajar di seluruh organisasi.",
        ),
    ),
    (
        "mengelola_perubahan",
        "Mengelola perubahan",
        "manajerial",
        "",
        (
            "Menerima perubahan dan menyesuaikan cara kerjanya.",
            "Memahami alasan perubahan dan membantu rekan menyesuaikan diri.",
            "Menjalankan perubahan di unitnya dan menangani keberatan dengan baik.",
            "Merencanakan perubahan dan menyiapkan orang serta sistemnya.",
            "Memimpin perubahan besar organisasi secara berkelanjutan.",
        ),
    ),
    (
        "pengambilan_keputusan",
        "Pengambilan keputusan",
        "manajerial",
        "",
        (
            "Mengambil keputusan rutin sesuai aturan dan data yang ada.",
            "Menimbang beberapa pilihan sebelum memutuskan.",
            "Menganalisis masalah dan memutuskan dengan memperhatikan risikonya.",
            "Memutuskan perkara yang rumit dan bertanggung jawab atas dampaknya.",
            "Mengambil keputusan strategis untuk arah organisasi.",
        ),
    ),
    (
        "perekat_bangsa",
        "Perekat bangsa",
        "sosial_kultural",
        "",
        (
            "Menghargai perbedaan suku, agama dan budaya dalam bekerja.",
            "Bersikap adil kepada setiap warga tanpa membedakan latar belakang.",
            "Menjembatani perbedaan dan menjaga kerukunan di lingkungan kerja.",
            "Mengelola keberagaman masyarakat menjadi kekuatan bersama.",
            "Menjadi perekat persatuan di wilayahnya dan menularkannya kepada orang lain.",
        ),
    ),
]

# Technical competencies per field (the same codes as the feedback tags where they exist).
TECHNICAL = [
    ("administrasi_kependudukan", "Administrasi kependudukan", "Kependudukan"),
    ("pelayanan_perizinan", "Pelayanan perizinan", "Pelayanan perizinan"),
    ("pengelolaan_keuangan", "Pengelolaan keuangan dan aset", "Keuangan"),
    ("tata_naskah", "Tata naskah dinas", "Administrasi perkantoran"),
    ("pengolahan_data", "Pengolahan dan analisis data", "Data dan informasi"),
    ("layanan_digital", "Layanan digital dan aplikasi", "Teknologi informasi"),
    ("presentasi", "Teknik presentasi", "Umum"),
    ("pelayanan_kesehatan", "Pelayanan kesehatan dasar", "Kesehatan"),
]


def technical_levels(subject: str) -> tuple[str, str, str, str, str]:
    s = subject.lower()
    return (
        f"Memahami dasar-dasar {s} dan mengerjakannya dengan bimbingan.",
        f"Mengerjakan tugas {s} yang rutin secara mandiri dan benar.",
        f"Menangani kasus {s} yang tidak biasa dan membimbing rekan.",
        f"Memperbaiki prosedur {s} dan menjadi rujukan di unitnya.",
        f"Menjadi ahli {s} yang merancang kebijakan dan melatih orang lain.",
    )


def builtin_entries():
    for code, name, kind, field, levels in BUILTIN:
        yield code, name, kind, field, levels
    for code, name, field in TECHNICAL:
        yield code, name, "teknis", field, technical_levels(name)


def install_builtin() -> int:
    """Add the built-in entries that are missing (by code); existing ones are left as edited."""
    existing = set(db.session.scalars(select(Competency.code)))
    added = 0
    for position, (code, name, kind, field, levels) in enumerate(builtin_entries()):
        if code in existing:
            continue
        db.session.add(
            Competency(
                code=code,
                name=name,
                kind=kind,
                field=field,
                position=position,
                **{f"level_{n}": text for n, text in enumerate(levels, start=1)},
            )
        )
        added += 1
    db.session.flush()
    return added


def dictionary_order():
    """The dictionary's order: kind (manajerial, sosial kultural, teknis), field, position, name.
    The feedback form's competency tags follow it too (feedback.tags)."""
    return (
        case(KIND_ORDER, value=Competency.kind, else_=9),
        Competency.field,
        Competency.position,
        Competency.name,
    )


def all_competencies(active_only: bool = True) -> list[Competency]:
    stmt = select(Competency).order_by(*dictionary_order())
    if active_only:
        stmt = stmt.where(Competency.active.is_(True))
    return list(db.session.scalars(stmt))


def choices(active_only: bool = True) -> list[tuple[int, str]]:
    return [(c.id, f"{c.name} ({KINDS[c.kind]})") for c in all_competencies(active_only)]


def get_or_404(competency_id: int) -> Competency:
    competency = db.session.get(Competency, competency_id)
    if competency is None:
        abort(404)
    return competency


def by_code(code: str) -> Competency | None:
    return db.session.scalars(select(Competency).where(Competency.code == code)).first()


def save(competency: Competency | None, data: dict, by) -> Competency:
    """Create (competency None) or update a dictionary entry. Codes never change once made."""
    if competency is None:
        code = data["code"].strip().lower()
        if db.session.scalar(select(func.count()).where(Competency.code == code)):
            raise Refused(_("Kode kompetensi sudah dipakai."))
        competency = Competency(code=code, kind=data["kind"], position=999)
        db.session.add(competency)
    competency.name = data["name"].strip()
    competency.field = (data.get("field") or "").strip() if data["kind"] == "teknis" else ""
    competency.kind = data["kind"]
    competency.active = bool(data.get("active", True))
    for n in range(1, 6):
        setattr(competency, f"level_{n}", (data.get(f"level_{n}") or "").strip())
    db.session.flush()
    audit("competencies.dictionary_saved", competency, competency.code, actor=by)
    return competency
