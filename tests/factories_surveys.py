"""Builders for survey tests: a small known instrument, waves, and anonymous responses in bulk."""

import csv
import io
from datetime import date, timedelta
from types import SimpleNamespace

from sqlalchemy import insert

from blueprints.common.anonymity import random_id
from blueprints.common.timefmt import today_wib
from blueprints.surveys import scoring, waves
from blueprints.surveys.models import (
    SurveyAnswer,
    SurveyDimension,
    SurveyInstrument,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
    SurveyWave,
    SurveyWaveUnit,
)
from extensions import db


def instrument(spec=None, text_questions: int = 1, name: str = "Instrumen uji") -> SimpleNamespace:
    """spec: [(code, construct, [reverse flags per item])]. Default: R1 (readiness: 3 items, the
    third reverse-keyed), R2 (readiness: 3 plain items), S1 (resistance: 3 items, the second
    reverse-keyed). Returns .inst, .dims[code], .items[code] = [questions], .texts = [questions]."""
    spec = spec or [
        ("R1", "readiness", [False, False, True]),
        ("R2", "readiness", [False, False, False]),
        ("S1", "resistance", [False, True, False]),
    ]
    inst = SurveyInstrument(name=name)
    db.session.add(inst)
    db.session.flush()
    dims, items, position = {}, {}, 0
    for dpos, (code, construct, flags) in enumerate(spec, 1):
        dim = SurveyDimension(
            instrument_id=inst.id,
            name=f"Dimensi {code}",
            code=code.lower(),
            construct=construct,
            position=dpos,
        )
        db.session.add(dim)
        db.session.flush()
        dims[code] = dim
        items[code] = []
        for i, reverse in enumerate(flags, 1):
            position += 1
            q = SurveyQuestion(
                instrument_id=inst.id,
                dimension_id=dim.id,
                kind="likert",
                text=f"Pernyataan {code}.{i}",
                reverse_keyed=reverse,
                position=position,
            )
            db.session.add(q)
            items[code].append(q)
    texts = []
    for i in range(text_questions):
        position += 1
        q = SurveyQuestion(
            instrument_id=inst.id, kind="text", text=f"Komentar {i + 1}?", position=position
        )
        db.session.add(q)
        texts.append(q)
    db.session.commit()
    return SimpleNamespace(inst=inst, dims=dims, items=items, texts=texts)


def wave(
    inst,
    units,
    *,
    status: str = "open",
    k: int = 5,
    comment_k: int = 10,
    live: bool = True,
    opened_days_ago: int = 10,
    closes_in: int = 10,
    title: str = "Gelombang uji",
) -> SurveyWave:
    today = today_wib()
    w = SurveyWave(
        instrument_id=inst.id,
        title=title,
        change_description="Perubahan uji",
        opens_on=today - timedelta(days=opened_days_ago),
        closes_on=today + timedelta(days=closes_in),
        min_group=k,
        comment_min_group=comment_k,
        live_results=live,
        status=status,
    )
    for unit in units:
        w.targets.append(SurveyWaveUnit(unit_id=unit.id))
    db.session.add(w)
    db.session.commit()
    return w


def responses(w: SurveyWave, unit, rows, on: date | None = None) -> list[str]:
    """rows: list of {question_id: value (int) or text (str)}; dated yesterday by default
    (open waves show responses dated before today)."""
    on = on or today_wib() - timedelta(days=1)
    resp, answers, ids = [], [], []
    for row in rows:
        rid = random_id()
        ids.append(rid)
        resp.append({"id": rid, "wave_id": w.id, "unit_id": unit.id, "submitted_on": on})
        for qid, value in row.items():
            qid = getattr(qid, "id", qid)
            answers.append(
                {
                    "response_id": rid,
                    "question_id": qid,
                    "value": value if isinstance(value, int) else None,
                    "text": value if isinstance(value, str) else None,
                }
            )
    _bulk(SurveyResponse, resp)
    _bulk(SurveyAnswer, answers)
    scoring.score_responses(w)
    db.session.commit()
    return ids


def _bulk(model, rows) -> None:
    """Bulk insert: COPY on PostgreSQL, executemany on SQLite (both fast for 50,000 rows)."""
    if not rows:
        return
    if db.engine.dialect.name != "postgresql":
        db.session.execute(insert(model.__table__), rows)
        return
    columns = list(rows[0])
    raw = db.session.connection().connection.driver_connection
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {model.__tablename__} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([row[c] for c in columns])


def uniform(t: SimpleNamespace, value: int, n: int, comment: str | None = None) -> list[dict]:
    """n responses answering every Likert item with `value` as the *keyed* score."""
    rows = []
    for i in range(n):
        row = {}
        for questions in t.items.values():
            for q in questions:
                row[q.id] = 6 - value if q.reverse_keyed else value
        if comment is not None and t.texts:
            row[t.texts[0].id] = f"{comment} {i + 1}"
        rows.append(row)
    return rows


def participate(w: SurveyWave, people) -> None:
    db.session.execute(
        insert(SurveyParticipation), [{"wave_id": w.id, "employee_id": p.id} for p in people]
    )
    db.session.commit()


def close(w: SurveyWave) -> None:
    waves.close_wave(w)
    db.session.commit()


def parse_csv(body: bytes) -> list[list[str]]:
    """Read with the separator of the export's locale (Indonesian ';', English ',')."""
    text = body.decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def number(text: str) -> float | None:
    """'3,45' or '3.45' or '75%' -> float; '' or '–' -> None."""
    text = (text or "").strip().replace("%", "").replace("\u00a0", "")
    if text in ("", "–", "-"):
        return None
    try:
        return float(text.replace(".", "").replace(",", ".")) if "," in text else float(text)
    except ValueError:
        return None
