"""The mixer: nothing lost and nothing twice (a killed mixer, two mixers at once, a crash between
submit and mix), figures from mixed answers equal a hand computation, and answers stored by an
older version are written again (``flask rewrite-anonymous``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import func, select

from blueprints.common import anonymity, sealing
from blueprints.common.models import SealedAnswer
from blueprints.surveys import mixing, results, scoring
from blueprints.surveys.models import SurveyAnswer, SurveyResponse
from extensions import db
from tests import factories
from tests import factories_surveys as fs

ROOT = Path(__file__).resolve().parent.parent


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _comments() -> list[str]:
    return sorted(
        db.session.scalars(select(SurveyAnswer.text).where(SurveyAnswer.text.is_not(None)))
    )


def _sealed_comments(t) -> list[str]:
    key = sealing.instance_key(current_app.config)
    out = []
    for row in db.session.scalars(select(SealedAnswer)):
        data = sealing.unseal(
            key,
            row.sealed,
            purpose=anonymity.SEAL_PURPOSE,
            aad=f"{row.stream}:{row.batch_key}:{row.id}".encode(),
        )
        out.append(data["answers"][str(t.texts[0].id)])
    return sorted(out)


def _sealed_wave(org, n: int, k: int = 3):
    """A wave with n answers sealed in the inbox (committed), each with its own comment."""
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kec], k=k, comment_k=k)
    for i in range(n):
        answers = {q.id: 4 for q in t.items["R1"]}
        answers[t.texts[0].id] = f"jawaban-{i:02d}"
        mixing.seal_response(w, org.kel_a.id, answers)
    db.session.commit()
    return t, w, [f"jawaban-{i:02d}" for i in range(n)]


def _mixer(wave_id: int, instance: Path, after_write: str) -> list[str]:
    """A separate process that mixes one wave; ``after_write`` runs between writing the batch
    and committing it (a pause, or the process killing itself)."""
    script = textwrap.dedent(
        f"""
        import os, signal, sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from tests.conftest import make_test_app
        from blueprints.common import anonymity
        from extensions import db
        app = make_test_app({current_app.config["SQLALCHEMY_DATABASE_URI"]!r}, {str(instance)!r})
        with app.app_context():
            stream = anonymity.STREAMS["survey"]
            def write(batch_key, day, rows):
                stream.write(batch_key, day, rows)
                db.session.flush()
                {after_write}
            anonymity.STREAMS["survey"] = anonymity.Stream(**{{**stream.__dict__, "write": write}})
            print(anonymity.mix("survey", {wave_id}).moved)
            db.session.commit()
        """
    )
    return [sys.executable, "-c", script]


def test_two_processes_mixing_at_once_move_each_answer_exactly_once(app, org, tmp_path):
    t, w, everything = _sealed_wave(org, 12)
    wave_id = w.id
    db.session.commit()  # nothing held: the mixers can take their locks
    command = _mixer(wave_id, tmp_path, "time.sleep(1.0)  # the other arrives meanwhile")
    mixers = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True) for _ in "ab"]
    moved = sorted(int(m.communicate(timeout=120)[0].strip()) for m in mixers)
    assert [m.returncode for m in mixers] == [0, 0]
    # 12 waiting with k=3: the first moves 9 (leaving k), the second waits for it, then finds
    # 3 waiting (under 2k) and moves none.
    assert moved == [0, 9]
    db.session.expire_all()
    assert _count(SurveyResponse) == 9 and _count(SealedAnswer) == 3
    assert sorted(_comments() + _sealed_comments(t)) == everything  # none lost, none twice


def test_a_mixer_killed_in_the_middle_of_a_batch_loses_and_duplicates_nothing(app, org, tmp_path):
    t, w, everything = _sealed_wave(org, 12)
    wave_id = w.id
    db.session.commit()  # nothing held: the subprocess can take the write lock
    command = _mixer(wave_id, tmp_path, "os.kill(os.getpid(), signal.SIGKILL)  # before commit")
    killed = subprocess.run(command, cwd=ROOT, timeout=120)
    assert killed.returncode == -signal.SIGKILL
    db.session.expire_all()
    assert _count(SurveyResponse) == 0 and _count(SealedAnswer) == 12  # the batch never landed
    assert anonymity.mix("survey", wave_id).moved == 9
    db.session.commit()
    assert _count(SurveyResponse) == 9 and _count(SealedAnswer) == 3
    assert sorted(_comments() + _sealed_comments(t)) == everything


def test_answers_left_sealed_by_a_crash_are_mixed_by_the_daily_command(app, org, runner):
    t, w, everything = _sealed_wave(org, 7)  # submitted; the mix after them never ran
    result = runner.invoke(args=["mix-answers"])
    assert result.exit_code == 0 and "survey: 4 mixed, 3 waiting" in result.output
    assert _count(SurveyResponse) == 4 and _count(SealedAnswer) == 3
    assert sorted(_comments() + _sealed_comments(t)) == everything


def test_figures_after_mixing_equal_a_hand_computation(app, org, client, login_as):
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kec], k=3, comment_k=3)
    people = [factories.employee(org.kel_a, f"Penjawab {i}") for i in range(7)]
    db.session.commit()
    raw_values = [5, 4, 4, 3, 2, 5, 1]
    for person, value in zip(people, raw_values, strict=True):
        login_as(person)
        form = {f"q_{q.id}": str(value) for qs in t.items.values() for q in qs}
        assert client.post(f"/survei/{w.id}/kirim", data=form).status_code == 303
        client.post("/keluar")
    # After each submit the route mixed what it could: at 6 waiting (2k) it moved 3, leaving k;
    # the seventh makes 4 waiting, under 2k.
    assert _count(SurveyResponse) == 3 and _count(SealedAnswer) == 4
    login_as(org.camat)
    page = client.get(f"/survei/hasil/{w.id}?unit={org.kel_a.id}").get_data(as_text=True)
    assert 'id="answers-waiting"' in page and "4 jawaban menunggu dicampur" in page
    mixing.mix_all(w)  # as closing does
    db.session.commit()
    figures = scoring.compute_figures(w, scoring.dimension_ids_of(w))
    for code, questions in t.items.items():
        keyed = [
            [6 - v if q.reverse_keyed else v for q in questions] for v in raw_values
        ]  # per person, the dimension's items after reverse keying
        by_hand = sum(sum(items) for items in keyed) / sum(len(items) for items in keyed)
        favourable = sum(1 for items in keyed for x in items if x >= 4) / (3 * len(keyed))
        cell = figures.cell(org.kel_a.id, t.dims[code].id)
        assert cell.n == 7
        assert cell.mean == pytest.approx(by_hand)
        assert cell.favourable == pytest.approx(favourable)
    assert figures.nodes[org.kel_a.id].n == 7
    assert results.ResultsView  # the page reads these same figures


def test_rewrite_gives_stored_answers_new_ids_in_batches_of_k(app, org, runner):
    """Answers stored one submit at a time by an older version: written again as one batch with
    new random ids; a unit under k joins the unit above, and what is still under k at the top
    goes back into the inbox, sealed (nothing lost, but no longer counted)."""
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kec], k=3, comment_k=3)
    old_ids = []
    for i in range(5):  # one row per commit, as the old submit wrote them
        old_ids += fs.responses(w, org.kel_a, fs.uniform(t, 2 + i % 3, 1, comment=f"a{i}"))
    for i in range(2):  # a unit with fewer than k answers
        old_ids += fs.responses(w, org.kel_b, fs.uniform(t, 4, 1, comment=f"b{i}"))
    dims = scoring.dimension_ids_of(w)
    before = scoring.compute_figures(w, dims)
    result = runner.invoke(args=["rewrite-anonymous"])
    assert result.exit_code == 0 and "survey: 5 rewritten" in result.output
    db.session.expire_all()
    rows = db.session.execute(select(SurveyResponse.id, SurveyResponse.unit_id)).all()
    assert len(rows) == 5 and not {rid for rid, _u in rows} & set(old_ids)
    assert {u for _rid, u in rows} == {org.kel_a.id}
    # Kelurahan B's two answers cannot make a group of 3 even at the top: sealed again.
    assert _count(SealedAnswer) == 2
    assert [c for c in _sealed_comments(t)] == ["b0 1", "b1 1"]
    after = scoring.compute_figures(w, dims)
    assert after.nodes[org.kec.id].n == 5 and before.nodes[org.kec.id].n == 7
    # Kelurahan A's five keyed scores were 2, 3, 4, 2, 3 on every item.
    assert after.nodes[org.kel_a.id].n == 5
    for d in dims:
        assert after.cell(org.kel_a.id, d).mean == pytest.approx(2.8)
    assert not before.nodes[org.kel_b.id].visible  # never shown before either


def test_rewrite_gives_stored_upward_answers_new_ids_per_leader_of_k_or_more(app, org, runner):
    """Upward answers an older version stored one submit at a time: the lurah with four answers
    gets them back as one batch with new ids; the sekcam's two (under k=3, and an answer about
    one leader never counts for another) go back into the inbox, sealed, padded like any."""
    from blueprints.feedback import upward
    from blueprints.feedback.constants import UPWARD_STATEMENTS
    from blueprints.feedback.models import UpwardAnswer
    from tests import factories_feedback as ff

    round_ = ff.upward_round(open_=False, min_group=3, comment_min_group=3)
    old_ids = []
    for i, (leader, score) in enumerate(
        [(org.lurah_a, s) for s in (1, 2, 4, 5)] + [(org.sekcam, 3)] * 2
    ):
        row = UpwardAnswer(
            round_id=round_.id,
            leader_id=leader.id,
            comment=f"lama {i}",
            **dict.fromkeys(UPWARD_STATEMENTS, score),
        )
        db.session.add(row)
        db.session.commit()  # one row per commit, as the old submit wrote them
        old_ids.append(row.id)
    # An answer an older version left waiting, sealed without padding (its length is its own).
    old_row = anonymity.random_id()
    old_token = sealing.seal(
        sealing.instance_key(current_app.config),
        {"scores": dict.fromkeys(UPWARD_STATEMENTS, 2), "comment": "menunggu"},
        purpose=anonymity.SEAL_PURPOSE,
        aad=f"upward:{round_.id}:{old_row}".encode(),
    )
    db.session.add(
        SealedAnswer(
            id=old_row, stream="upward", batch_key=round_.id, label=org.lurah_b.id, sealed=old_token
        )
    )
    db.session.commit()
    result = runner.invoke(args=["rewrite-anonymous"])
    assert result.exit_code == 0 and "upward: 4 rewritten" in result.output
    db.session.expire_all()
    rows = db.session.execute(
        select(UpwardAnswer.id, UpwardAnswer.leader_id, UpwardAnswer.clarity)
    ).all()
    assert len(rows) == 4 and not {rid for rid, _l, _s in rows} & set(old_ids)
    assert {leader for _r, leader, _s in rows} == {org.lurah_a.id}
    assert sorted(score for _r, _l, score in rows) == [1, 2, 4, 5]
    sealed = db.session.scalars(select(SealedAnswer)).all()
    assert sorted(row.label for row in sealed) == sorted([org.sekcam.id] * 2 + [org.lurah_b.id])
    padded = len(sealing.seal(b"k" * 32, {}, purpose=b"p", size=upward.SEALED_SIZE))
    assert {len(row.sealed) for row in sealed} == {padded} and len(old_token) < padded
    # The old row was sealed again in place, padded, and still opens to the same answer.
    waiting = db.session.get(SealedAnswer, old_row)
    data = sealing.unseal(
        sealing.instance_key(current_app.config),
        waiting.sealed,
        purpose=anonymity.SEAL_PURPOSE,
        aad=f"upward:{round_.id}:{old_row}".encode(),
    )
    assert data == {"scores": dict.fromkeys(UPWARD_STATEMENTS, 2), "comment": "menunggu"}


@pytest.mark.skipif(os.name != "posix", reason="signals")
def test_sealed_answers_open_only_with_the_instance_key(app, org):
    t, w, _everything = _sealed_wave(org, 1)
    row = db.session.scalars(select(SealedAnswer)).one()
    assert "jawaban-00" not in row.sealed
    aad = f"survey:{w.id}:{row.id}".encode()
    wrong = sealing.instance_key({"SECRET_KEY": "another-instance-secret"})
    assert sealing.unseal(wrong, row.sealed, purpose=anonymity.SEAL_PURPOSE, aad=aad) is None
    moved = f"survey:{w.id + 1}:{row.id}".encode()  # bound to its wave and row
    right = sealing.instance_key(current_app.config)
    assert sealing.unseal(right, row.sealed, purpose=anonymity.SEAL_PURPOSE, aad=moved) is None
    assert sealing.unseal(right, row.sealed, purpose=anonymity.SEAL_PURPOSE, aad=aad)


def test_a_wrong_key_loses_nothing_and_never_fails_a_submit(app, org, runner, client, login_as):
    t, w, everything = _sealed_wave(org, 7)
    right = current_app.config.get("ANONYMITY_KEY")
    current_app.config["ANONYMITY_KEY"] = "another-instance-key-" + "x" * 20  # a lost key
    result = runner.invoke(args=["mix-answers"])
    assert result.exit_code == 1 and "7 sealed answers do not open" in result.output
    assert _count(SealedAnswer) == 7 and _count(SurveyResponse) == 0
    login_as(org.staff_a1)  # a submit under the wrong key: accepted, sealed with that key
    form = {f"q_{q.id}": "3" for qs in t.items.values() for q in qs}
    assert client.post(f"/survei/{w.id}/kirim", data=form).status_code == 303
    assert _count(SealedAnswer) == 8 and _count(SurveyResponse) == 0
    current_app.config["ANONYMITY_KEY"] = right  # the right key back: the seven mix, the
    result = runner.invoke(args=["mix-answers"])  # one sealed under the wrong key stays apart
    assert result.exit_code == 1 and "1 sealed answers do not open" in result.output
    assert _count(SurveyResponse) == 4 and _count(SealedAnswer) == 4
    assert "survey: 4 mixed, 4 waiting" in result.output
