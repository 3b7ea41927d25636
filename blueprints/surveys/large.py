"""Large data set (product.md §6): 8 survey waves of about 3,500 responses each, in bulk.

The built-in instrument (builder.install_builtin_instrument), seven closed quarterly waves and
one open wave with live results, each over the whole tree. Respondents get a participation row
and, apart from it, an anonymous response: a random id, the wave, their unit and the date, no
time (the rows are written in unrelated orders, responses sorted by their random id). Per-response
scores come from scoring.score_responses (the SQL the submit path runs, here for the whole wave at
once) and closed waves are closed with waves.close_wave, so that the stored aggregates are
exactly what closing computes. Response ids come from the seeded generator (random, not
sequential) so that the same seed gives the same data set.
"""

from datetime import time, timedelta

from sqlalchemy import select

from blueprints.admin.audit import audit
from blueprints.auth.models import Unit
from blueprints.common.large import LargeContext, analyze, bulk_insert, large_seeder
from blueprints.common.timefmt import today_wib, wib_to_utc
from blueprints.surveys import builder, scoring
from blueprints.surveys.demo import BASE, CHANGE, COMMENTS, RESISTANCE
from blueprints.surveys.models import (
    SurveyActionPlan,
    SurveyAnswer,
    SurveyDimension,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
    SurveyWave,
    SurveyWaveUnit,
)
from extensions import db

WAVES = 8
WAVE_DAYS = 21
PLAN_FOCUS = "Keyakinan diri untuk berubah dan manfaat pribadi masih rendah di beberapa unit."
PLAN_ACTIONS = (
    "1. Pendampingan sebaya di meja layanan dua kali seminggu.\n"
    "2. Pimpinan hadir di loket pada minggu pertama peralihan.\n"
    "3. Kirim dua pegawai tiap kelurahan ke workshop manajemen perubahan."
)


def _response_id(rng) -> str:
    return f"{rng.getrandbits(128):032x}"


@large_seeder(order=30, name="survey waves, responses and stored results")
def seed_surveys(ctx: LargeContext) -> None:
    rng = ctx.rng
    today = today_wib()
    inst, _created = builder.install_builtin_instrument()
    dims = dict(
        db.session.execute(
            select(SurveyDimension.id, SurveyDimension.code).where(
                SurveyDimension.instrument_id == inst.id
            )
        ).all()
    )
    questions = db.session.execute(
        select(
            SurveyQuestion.id,
            SurveyQuestion.kind,
            SurveyQuestion.dimension_id,
            SurveyQuestion.reverse_keyed,
            SurveyQuestion.text,
        )
        .where(SurveyQuestion.instrument_id == inst.id)
        .order_by(SurveyQuestion.position)
    ).all()
    # Each unit leans its own way on each dimension; a few lean a lot.
    unit_shift = {
        uid: {
            code: rng.gauss(0, 0.25) + (rng.choice([-0.9, 0.7]) if rng.random() < 0.05 else 0)
            for code in BASE
        }
        for uid in ctx.unit_ids
    }
    root = db.session.get(Unit, ctx.root_unit_id)
    admin_id = ctx.employee_ids[-1]
    people = ctx.employee_ids
    per_wave = min(len(people), ctx.n(3500))

    total_responses = 0
    for number in range(1, WAVES + 1):
        is_open = number == WAVES
        opens_on = today - timedelta(days=10 + (WAVES - number) * 90)
        closes_on = today + timedelta(days=18) if is_open else opens_on + timedelta(days=WAVE_DAYS)
        wave = SurveyWave(
            instrument_id=inst.id,
            title=f"Layanan daring — gelombang {number}",
            change_description=CHANGE,
            opens_on=opens_on,
            closes_on=closes_on,
            min_group=5,
            comment_min_group=10,
            live_results=is_open,
            status="open",
            created_by_id=admin_id,
            opened_at=wib_to_utc(opens_on, time(7, 30)),
            created_at=wib_to_utc(opens_on - timedelta(days=3), time(10, 0)),
        )
        wave.targets.append(SurveyWaveUnit(unit_id=root.id))
        db.session.add(wave)
        db.session.flush()

        last_day = min(closes_on, today - timedelta(days=1))
        span = max(0, (last_day - opens_on).days)
        trend = 0.05 * number  # readiness grows a little from wave to wave
        participation, responses, answers = [], [], []
        for employee_id in rng.sample(people, per_wave):
            participation.append({"wave_id": wave.id, "employee_id": employee_id})
            rid = _response_id(rng)
            unit_id = ctx.employee_unit[employee_id]
            responses.append(
                {
                    "id": rid,
                    "wave_id": wave.id,
                    "unit_id": unit_id,
                    "submitted_on": opens_on + timedelta(days=rng.randint(0, span)),
                }
            )
            shift = unit_shift[unit_id]
            person = rng.gauss(0, 0.35)
            for qid, kind, dimension_id, reverse, text in questions:
                if kind == "text":
                    if rng.random() < 0.25:
                        pool = COMMENTS[1 if "membantu" in text else 2]
                        answers.append(
                            {
                                "response_id": rid,
                                "question_id": qid,
                                "value": None,
                                "text": rng.choice(pool),
                            }
                        )
                    continue
                if rng.random() < 0.04:
                    continue  # a skipped item
                code = dims[dimension_id]
                resist = code in RESISTANCE
                target = (
                    BASE[code]
                    + shift[code]
                    + (-person if resist else person)
                    + (-trend if resist else trend)
                    + rng.gauss(0, 0.65)
                )
                value = max(1, min(5, round(target)))
                answers.append(
                    {
                        "response_id": rid,
                        "question_id": qid,
                        "value": 6 - value if reverse else value,
                        "text": None,
                    }
                )
        rng.shuffle(participation)
        responses.sort(key=lambda row: row["id"])
        answers.sort(key=lambda row: (row["response_id"], row["question_id"]))
        bulk_insert(SurveyParticipation.__table__, participation)
        bulk_insert(SurveyResponse.__table__, responses)
        bulk_insert(SurveyAnswer.__table__, answers)
        total_responses += len(responses)
        if number == 1:  # statistics once, so that PostgreSQL plans the scoring by response id
            analyze(SurveyQuestion, SurveyParticipation, SurveyResponse, SurveyAnswer)
        if is_open:
            scoring.score_responses(wave)
        else:
            _close(wave)
            _plans(ctx, wave, root.id)
        db.session.flush()
    ctx.echo(f" {WAVES} waves, {total_responses} responses;")


def _close(wave: SurveyWave) -> None:
    """waves.close_wave for a bulk-loaded wave: the same scoring and the same stored figures
    (scoring.score_responses, compute_figures, store_figures), the status and the audit entry.
    Left out: close_wave's rewrite of every row on PostgreSQL so that they share one
    transaction stamp; rows loaded here were all written by this one transaction anyway, and the
    rewrite would double the time of seed-large on PostgreSQL. Deleting drafts: there are none.
    tests/test_large_seed.py checks the stored figures against a fresh computation."""
    scoring.score_responses(wave)
    scoring.store_figures(wave, scoring.compute_figures(wave, scoring.dimension_ids_of(wave)))
    wave.status = "closed"
    wave.closed_at = wib_to_utc(wave.closes_on + timedelta(days=1), time(0, 5))
    audit("survey.wave_closed", wave, wave.title)


def _plans(ctx: LargeContext, wave: SurveyWave, root_id: int) -> None:
    """Action plans after a closed wave: the root's head and a few heads of kelurahan."""
    rng = ctx.rng
    kelurahan = list(db.session.scalars(select(Unit.id).where(Unit.depth == 1).order_by(Unit.id)))
    chosen = [root_id, *rng.sample(kelurahan, min(len(kelurahan), 4))]
    rows = []
    for unit_id in chosen:
        rows.append(
            {
                "wave_id": wave.id,
                "unit_id": unit_id,
                "author_id": ctx.unit_heads.get(unit_id),
                "focus": PLAN_FOCUS,
                "actions": PLAN_ACTIONS,
                "due_on": wave.closes_on + timedelta(days=60),
                "status": rng.choice(["rencana", "berjalan", "selesai"]),
                "review": "",
                "created_at": wib_to_utc(wave.closes_on + timedelta(days=5), time(10, 0)),
                "updated_at": wib_to_utc(wave.closes_on + timedelta(days=5), time(10, 0)),
            }
        )
    bulk_insert(SurveyActionPlan.__table__, rows)
