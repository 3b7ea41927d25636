"""Demo surveys: the built-in instrument, a closed wave (about two months ago, results stored)
and an open wave with live results, over the whole kecamatan. Respondents are demo employees:
each gets a participation row and, apart from it, an anonymous response.

Variation that a leader should find: personal valence (manfaat pribadi) is low in Kelurahan Paya
Pasir; Labuhan Deli reacts more emotionally to change; the puskesmas feels able to change;
Terjun's self-efficacy improved after the lurah's action plan. In the open wave Kelurahan Tanah
Enam Ratus has fewer respondents than k, so its figures stay hidden.
"""

from datetime import timedelta

from babel.dates import format_date
from sqlalchemy import insert

from blueprints.common.anonymity import random_id
from blueprints.common.demo import DemoContext, demo_seeder
from blueprints.common.timefmt import today_wib, utcnow
from blueprints.notifications.services import notify
from blueprints.surveys import builder, mixing, waves
from blueprints.surveys.models import (
    SurveyActionPlan,
    SurveyAnswer,
    SurveyParticipation,
    SurveyResponse,
    SurveyWave,
    SurveyWaveUnit,
)
from extensions import db

CHANGE = (
    "Mulai tahun ini, permohonan surat keterangan dan layanan administrasi kependudukan di "
    "kantor kelurahan dan kecamatan diterima dan diproses melalui aplikasi layanan daring. "
    "Berkas kertas hanya untuk warga yang belum dapat memakai aplikasi, dengan pendampingan "
    "petugas di meja layanan."
)

# Typical readiness (per dimension) and resistance, before personal variation.
BASE = {
    "kesesuaian": 3.8,
    "dukungan": 3.6,
    "keyakinan": 3.7,
    "manfaat": 3.5,
    "rutinitas": 3.0,
    "emosional": 2.8,
    "jangka_pendek": 2.9,
    "kekakuan": 2.6,
}
UNIT_SHIFT = {
    "KEL-PP": {"manfaat": -1.2, "kesesuaian": -0.3},
    "KEL-LD": {"emosional": +0.8, "rutinitas": +0.4},
    "KEL-TJ": {"keyakinan": -0.7, "dukungan": +0.2},
    "KEL-TER": {"dukungan": -0.5},
}
# The second wave: Terjun's efficacy improved, Paya Pasir a little.
SECOND_WAVE_SHIFT = {"KEL-TJ": {"keyakinan": +0.6}, "KEL-PP": {"manfaat": +0.3}}

RESISTANCE = {"rutinitas", "emosional", "jangka_pendek", "kekakuan"}

# Respondents per unit: (closed wave, open wave).
RESPONDENTS = {
    "KEC": (1, 1),
    "SEK": (1, 1),
    "SEK-UMPEG": (2, 4),
    "SEK-KEUPROG": (3, 3),
    "SKS-PEM": (3, 3),
    "SKS-TRANTIB": (2, 2),
    "SKS-PMD": (3, 3),
    "SKS-PU": (2, 3),
    "KEL-LD": (7, 6),
    "KEL-PP": (6, 5),
    "KEL-RP": (5, 6),
    "KEL-TER": (5, 4),
    "KEL-TJ": (5, 6),
}

COMMENTS = {
    1: [
        "Pelatihan langsung di meja layanan, bukan hanya sosialisasi di aula.",
        "Jaringan internet kantor yang stabil; sering putus sore hari.",
        "Panduan singkat bergambar untuk warga yang datang ke kantor.",
        "Ada rekan yang sudah mahir dan bisa ditanya kapan saja.",
        "Komputer tambahan di loket, sekarang harus bergantian.",
        "Jadwal peralihan yang jelas, supaya tidak dua kali kerja.",
        "Contoh dari kelurahan lain yang sudah berhasil.",
    ],
    2: [
        "Pimpinan ikut mencoba aplikasinya dan mendengar kendala kami.",
        "Rapat evaluasi rutin setiap bulan, bukan hanya di awal.",
        "Menjelaskan ke warga juga, bukan hanya ke pegawai.",
        "Beban kerja dibagi ulang selama masa peralihan.",
        "Memberi apresiasi kepada petugas yang membantu warga.",
        "Keputusan yang konsisten, jangan berubah-ubah aturannya.",
    ],
}


def _respondents(ctx: DemoContext, code: str, count: int, exclude: set[int]) -> list:
    unit = ctx.units[code]
    people = [e for e in ctx.employees if e.unit_id == unit.id and e.id not in exclude]
    return ctx.rng.sample(people, min(count, len(people)))


def _answers(
    ctx: DemoContext, inst, code: str, second: bool
) -> list[tuple[int, int | None, str | None]]:
    rng = ctx.rng
    profile = dict(BASE)
    for dim, delta in UNIT_SHIFT.get(code, {}).items():
        profile[dim] += delta
    if second:
        for dim, delta in SECOND_WAVE_SHIFT.get(code, {}).items():
            profile[dim] += delta
    person = rng.gauss(0, 0.35)
    dims = {d.id: d.code for d in inst.dimensions}
    out = []
    for q in inst.questions:
        if q.kind == "text":
            if rng.random() < 0.45:
                number = 1 if "membantu" in q.text else 2
                out.append((q.id, None, rng.choice(COMMENTS[number])))
            continue
        if rng.random() < 0.04:
            continue  # skipped item
        code_ = dims[q.dimension_id]
        # An open person agrees more with readiness and less with resistance statements.
        openness = -person if code_ in RESISTANCE else person
        target = profile[code_] + openness + rng.gauss(0, 0.65)
        value = max(1, min(5, round(target)))
        out.append((q.id, 6 - value if q.reverse_keyed else value, None))
    return out


def _fill(ctx: DemoContext, wave: SurveyWave, inst, second: bool, exclude: set[int]) -> int:
    start, end = wave.opens_on, min(wave.closes_on, today_wib() - timedelta(days=1))
    span = max(0, (end - start).days)
    participations, responses, answers = [], [], []
    for code, counts in RESPONDENTS.items():
        for person in _respondents(ctx, code, counts[1 if second else 0], exclude):
            participations.append({"wave_id": wave.id, "employee_id": person.id})
            rid = random_id()
            responses.append(
                {
                    "id": rid,
                    "wave_id": wave.id,
                    "unit_id": person.unit_id,
                    "submitted_on": start + timedelta(days=ctx.rng.randint(0, span)),
                }
            )
            answers.extend(
                {"response_id": rid, "question_id": qid, "value": value, "text": text}
                for qid, value, text in _answers(ctx, inst, code, second)
            )
    # Participation and responses are written in unrelated orders, as rows of separate tables.
    ctx.rng.shuffle(participations)
    responses.sort(key=lambda row: row["id"])
    db.session.execute(insert(SurveyParticipation), participations)
    db.session.execute(insert(SurveyResponse), responses)
    db.session.execute(insert(SurveyAnswer), answers)
    # As `flask rewrite-anonymous` leaves answers stored before the inbox: one batch, groups
    # under k counted for the unit above, dated the day before (so live results show them).
    return mixing.rewrite_stored(wave, day=end)


@demo_seeder(order=40, name="survei kesiapan perubahan")
def seed_surveys(ctx: DemoContext) -> None:
    inst, _created = builder.install_builtin_instrument()
    today = today_wib()
    admin, camat, lurah = ctx.people["admin"], ctx.people["camat"], ctx.people["lurah_terjun"]
    root = ctx.units["KEC"]

    first = SurveyWave(
        instrument_id=inst.id,
        title="Layanan daring — gelombang 1",
        change_description=CHANGE,
        opens_on=today - timedelta(days=70),
        closes_on=today - timedelta(days=52),
        min_group=5,
        comment_min_group=10,
        live_results=False,
        status="open",
        created_by_id=admin.id,
        opened_at=utcnow() - timedelta(days=70),
    )
    first.targets.append(SurveyWaveUnit(unit_id=root.id))
    db.session.add(first)
    db.session.flush()
    n_first = _fill(
        ctx, first, inst, second=False, exclude={admin.id, ctx.people["penyelenggara"].id}
    )
    waves.close_wave(first, actor=admin)
    first.closed_at = utcnow() - timedelta(days=52)

    db.session.add(
        SurveyActionPlan(
            wave_id=first.id,
            unit_id=root.id,
            author_id=camat.id,
            focus="Manfaat pribadi rendah di Kelurahan Paya Pasir; dukungan pimpinan perlu terlihat.",
            actions=(
                "1. Lurah dan Sekcam hadir di meja layanan pada minggu pertama peralihan.\n"
                "2. Hitung ulang pembagian tugas loket agar petugas aplikasi tidak lembur.\n"
                "3. Kirim dua pegawai tiap kelurahan ke workshop manajemen perubahan."
            ),
            due_on=today - timedelta(days=10),
            status="berjalan",
        )
    )
    db.session.add(
        SurveyActionPlan(
            wave_id=first.id,
            unit_id=ctx.units["KEL-TJ"].id,
            author_id=lurah.id,
            focus="Keyakinan diri untuk berubah.",
            actions=(
                "Pendampingan sebaya dua kali seminggu: petugas yang sudah mahir mendampingi "
                "rekan di loket selama satu jam."
            ),
            due_on=today - timedelta(days=20),
            status="selesai",
        )
    )

    second = SurveyWave(
        instrument_id=inst.id,
        title="Layanan daring — gelombang 2",
        change_description=CHANGE,
        opens_on=today - timedelta(days=12),
        closes_on=today + timedelta(days=16),
        min_group=5,
        comment_min_group=10,
        live_results=True,
        status="open",
        created_by_id=admin.id,
        opened_at=utcnow() - timedelta(days=12),
    )
    second.targets.append(SurveyWaveUnit(unit_id=root.id))
    db.session.add(second)
    db.session.flush()
    keep_open = {admin.id, ctx.people["penyelenggara"].id, ctx.people["pegawai"].id, lurah.id}
    n_second = _fill(ctx, second, inst, second=True, exclude=keep_open)
    link = f"/survei/{second.id}"
    for person in db.session.scalars(waves.eligible_stmt(second)):
        notify(
            person,
            "surveys.opened",
            link=link,
            title=second.title,
            closes=format_date(second.closes_on, "long", locale="id"),
        )
    ctx.echo(
        f"  instrumen bawaan, gelombang ditutup ({n_first} respons) dan dibuka ({n_second} respons)"
    )
