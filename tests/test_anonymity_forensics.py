"""Forensics: someone holding the database files (or a superuser session) tries to tie anonymous
answers to people, with every physical and transaction-order signal the storage keeps.

The scenario: 13 survey submissions and 8 upward-feedback submissions by known people in a known
order, mixed as the app mixes them (after each survey submit, by the daily job, at closing). The
attacker then:

- replays the database transaction by transaction: SQLite's WAL file, frame by frame, commit by
  commit (autocheckpoint off, so it holds the whole history), or, on PostgreSQL, a superuser
  session that looks at every table (with ``xmin``) between any two transactions;
- for every readable answer, takes the people whose submitting transactions could have put it
  there (those of the batch it arrived in), narrows them by everything public (their unit, their
  superior) and by elimination (a perfect matching of the batch's answers to its people);
- reads the raw pages of every table and index that holds answers (SQLite: cells by byte
  offset; PostgreSQL: ``ctid`` order) to see whether the order inside a batch says more;
- looks at freed pages for remains.

The property (docs/anonymity.md): no answer is narrowed to fewer than k people.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import event, text

from blueprints.common import anonymity
from blueprints.feedback import upward
from blueprints.surveys import answering, mixing, waves
from extensions import db
from tests import factories
from tests import factories_feedback as ff
from tests import factories_surveys as fs
from tests.conftest import make_test_app

ON_POSTGRES = bool(__import__("os").environ.get("TEST_DATABASE_URL"))
SURVEY_K = 3
UPWARD_K = 3


# --- the scenario ---------------------------------------------------------------------------------
@dataclass
class Scenario:
    org: object
    wave: object
    round: object
    people: dict = field(default_factory=dict)  # employee id -> (unit path, superior id)
    unit_paths: dict = field(default_factory=dict)  # unit id -> path
    survey_order: list = field(default_factory=list)
    held_comments: list = field(default_factory=list)
    upward_order: list = field(default_factory=list)


def build_people():
    org = factories.small_org()
    kel_a_staff = [org.staff_a1, org.staff_a2] + [
        factories.employee(org.kel_a, f"Staf A{i}") for i in range(3, 8)
    ]
    kel_b_staff = [org.staff_b1] + [factories.employee(org.kel_b, f"Staf B{i}") for i in (2, 3)]
    kec_staff = factories.employee(org.kec, "Staf Kecamatan")
    db.session.commit()
    t = fs.instrument()
    wave = fs.wave(t.inst, [org.kec], k=SURVEY_K, comment_k=SURVEY_K)
    round_ = ff.upward_round(min_group=UPWARD_K, comment_min_group=UPWARD_K)
    s = Scenario(org=org, wave=wave, round=round_)
    s.survey_order = [
        kel_a_staff[0],
        kel_b_staff[0],
        kel_a_staff[1],
        org.camat,
        kel_a_staff[2],
        kel_b_staff[1],
        kel_a_staff[3],
        org.sekcam,
        kel_a_staff[4],
        kec_staff,
        kel_a_staff[5],
        kel_b_staff[2],
        kel_a_staff[6],
    ]
    s.upward_order = kel_a_staff[:3] + kel_b_staff[:2] + kel_a_staff[3:6]
    s.held_comments = [f"Komentar {person.id}" for person in kel_b_staff[:2]]
    from blueprints.auth import access
    from blueprints.auth.models import Employee, Unit

    s.unit_paths = {u.id: u.path for u in db.session.query(Unit)}
    for person in db.session.query(Employee):
        s.people[person.id] = (s.unit_paths[person.unit_id], access.direct_superior_id(person))
    s.t = t
    return s


def play(s: Scenario, after_commit) -> None:
    """Every transaction the app would run, each followed by ``after_commit()``."""

    def commit():
        db.session.commit()
        after_commit()

    upward_queue = list(s.upward_order)
    for i, person in enumerate(s.survey_order):
        raw = {q.id: 1 + (i + q.id) % 5 for qs in s.t.items.values() for q in qs}
        # Answers of very different lengths: a sealed row's length must not tell them apart.
        raw[s.t.texts[0].id] = f"Catatan nomor {i + 1}" + "!" * (2 * i)
        with current_app.test_request_context():  # the draft key lives in the session
            if i % 3 == 0:  # some people save a draft first (its row names them)
                answering.save_draft(s.wave, person, {**raw, s.t.texts[0].id: "x" * (40 * i)})
                commit()
            answering.submit(s.wave, person, raw)  # the route: submit, commit, mix, commit
        commit()
        mixing.mix_waiting(s.wave)
        commit()
        if i % 2 and upward_queue:
            someone = upward_queue.pop(0)
            scores = {code: 1 + (i + n) % 5 for n, code in enumerate(upward.UPWARD_STATEMENTS)}
            upward.submit(someone, scores, f"Komentar {someone.id}" + "!" * (3 * i))
            commit()
    for someone in upward_queue:
        upward.submit(someone, dict.fromkeys(upward.UPWARD_STATEMENTS, 4), "")
        commit()
    anonymity.mix_open_batches()  # the daily job (commits per batch)
    after_commit()
    waves.close_wave(s.wave)
    commit()
    upward.close_round(s.org.admin, s.round)
    commit()


# --- what the attacker reads from one state of the database ----------------------------------------
@dataclass(frozen=True)
class State:
    participation: frozenset  # (stream, batch, employee id)
    inbox: frozenset  # (id, stream, batch)
    readable: dict  # answer id -> (stream, batch, label)
    sealed_lengths: frozenset = frozenset()  # (stream or "draft", batch, length of the sealed text)
    sealed_heads: frozenset = frozenset()  # the first 48 characters of every sealed text


def read_state(execute) -> State:
    participation = {
        ("survey", w, e)
        for w, e in execute("SELECT wave_id, employee_id FROM survey_participation")
    }
    participation |= {
        ("upward", r, e)
        for r, e in execute("SELECT round_id, employee_id FROM upward_participation")
    }
    inbox = {tuple(row) for row in execute("SELECT id, stream, batch_key FROM anonymity_inbox")}
    readable = {
        i: ("survey", w, u)
        for i, w, u in execute("SELECT id, wave_id, unit_id FROM survey_response")
    }
    readable |= {
        i: ("upward", r, lid)
        for i, r, lid in execute("SELECT id, round_id, leader_id FROM upward_answer")
    }
    sealed = [
        (stream, batch, text_)
        for stream, batch, text_ in execute("SELECT stream, batch_key, sealed FROM anonymity_inbox")
    ]
    sealed += [
        ("draft", wave, text_)
        for wave, text_ in execute("SELECT wave_id, payload FROM survey_draft")
    ]
    return State(
        frozenset(participation),
        frozenset(inbox),
        readable,
        frozenset((stream, batch, len(text_)) for stream, batch, text_ in sealed),
        frozenset(text_[:48] for _stream, _batch, text_ in sealed),
    )


def assert_sealed_lengths_say_nothing(states: list[State]) -> None:
    """A sealed row's length is visible (WAL frames, ``length(sealed)``, dead rows). Every sealed
    answer and draft of one wave or round, at any moment, has the same length, so the length
    cannot pair a readable answer with the sealed row (or draft) its author wrote."""
    lengths = defaultdict(set)
    for state in states:
        for stream, batch, length in state.sealed_lengths:
            lengths[(stream, batch)].add(length)
    assert {key for key, seen in lengths.items() if len(seen) > 1} == set(), dict(lengths)
    assert {stream for stream, _batch in lengths} == {"survey", "upward", "draft"}


# --- the attacker's inference -------------------------------------------------------------------
@dataclass
class Batch:
    stream: str
    batch: int
    answers: list  # (answer id, label)
    people: set


def batches_from(states: list[State]) -> list[Batch]:
    """Which answers arrived together, and whose submitting transactions they could come from."""
    owners: dict[str, set] = {}
    found: list[Batch] = []
    for before, after in zip(states, states[1:], strict=False):
        new_people = after.participation - before.participation
        for row in after.inbox - before.inbox:
            owners[row[0]] = {p for s, b, p in new_people if (s, b) == (row[1], row[2])}
        gone = before.inbox - after.inbox
        arrived = defaultdict(list)
        for answer_id, (stream, batch, label) in after.readable.items():
            if answer_id not in before.readable:
                arrived[(stream, batch)].append((answer_id, label))
        for (stream, batch), answers in arrived.items():
            people = {p for s, b, p in new_people if (s, b) == (stream, batch)}
            for row in gone:
                if (row[1], row[2]) == (stream, batch):
                    people |= owners.get(row[0], set())
            found.append(Batch(stream, batch, answers, people))
    return found


def candidates(batch: Batch, s: Scenario) -> dict[str, set]:
    """answer id -> the people it can belong to, given public facts and elimination."""

    def fits(label, person) -> bool:
        path, superior = s.people[person]
        if batch.stream == "survey":
            return path.startswith(s.unit_paths[label])
        return superior == label

    answers = batch.answers
    people = sorted(batch.people)
    out = {}
    for answer_id, label in answers:
        others = [(a, lab) for a, lab in answers if a != answer_id]
        out[answer_id] = {
            p
            for p in people
            if fits(label, p) and _perfect_matching(others, [q for q in people if q != p], fits)
        }
    return out


def _perfect_matching(answers, people, fits) -> bool:
    if len(answers) > len(people):
        return False
    match: dict[int, int] = {}  # person -> answer index

    def augment(i, seen) -> bool:
        for p in people:
            if p in seen or not fits(answers[i][1], p):
                continue
            seen.add(p)
            if p not in match or augment(match[p], seen):
                match[p] = i
                return True
        return False

    return all(augment(i, set()) for i in range(len(answers)))


def assert_nobody_narrowed_below_k(states: list[State], s: Scenario) -> list[Batch]:
    found = batches_from(states)
    k = {"survey": SURVEY_K, "upward": UPWARD_K}
    narrowed = {}
    for batch in found:
        for answer_id, people in candidates(batch, s).items():
            if len(people) < k[batch.stream]:
                narrowed[answer_id] = (batch.stream, sorted(people))
    assert narrowed == {}, f"answers narrowed to fewer than k people: {narrowed}"
    return found


# --- SQLite: WAL replay, raw pages, freed pages -----------------------------------------------------
def wal_states(main: bytes, wal: bytes) -> list[bytes]:
    """The database file as it stood after each commit recorded in the WAL."""
    page_size = int.from_bytes(wal[8:12], "big")
    salts = wal[16:24]
    pages: dict[int, bytes] = {}
    out, pos = [], 32
    while pos + 24 + page_size <= len(wal):
        header = wal[pos : pos + 24]
        if header[8:16] != salts:
            break
        number, commit_size = int.from_bytes(header[:4], "big"), int.from_bytes(header[4:8], "big")
        pages[number] = wal[pos + 24 : pos + 24 + page_size]
        if commit_size:
            image = bytearray(main[: commit_size * page_size].ljust(commit_size * page_size, b"\0"))
            for n, data in pages.items():
                if n <= commit_size:
                    image[(n - 1) * page_size : n * page_size] = data
            image[18:20] = b"\x01\x01"  # a plain (rollback-journal) file: no WAL looked for
            out.append(bytes(image))
        pos += 24 + page_size
    return out


def state_of_image(image: bytes, scratch: Path) -> State:
    scratch.write_bytes(image)
    conn = sqlite3.connect(f"file:{scratch}?mode=ro&immutable=1", uri=True)
    try:
        return read_state(lambda sql: conn.execute(sql).fetchall())
    finally:
        conn.close()


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    value = 0
    for i in range(9):
        byte = buf[pos + i]
        if i == 8:
            return (value << 8) | byte, pos + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, pos + i + 1
    raise AssertionError("bad varint")


def _record(payload: bytes) -> list:
    header_size, pos = _varint(payload, 0)
    types = []
    while pos < header_size:
        serial, pos = _varint(payload, pos)
        types.append(serial)
    values, body = [], header_size
    widths = {0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8, 7: 8, 8: 0, 9: 0}
    for serial in types:
        if serial in widths:
            size = widths[serial]
            raw = payload[body : body + size]
            values.append(
                None
                if serial == 0
                else serial - 8
                if serial in (8, 9)
                else int.from_bytes(raw, "big", signed=True)
            )
        else:
            size = (serial - 12) // 2 if serial % 2 == 0 else (serial - 13) // 2
            raw = payload[body : body + size]
            values.append(raw if serial % 2 == 0 else raw.decode("utf-8", "replace"))
        body += size
    return values


def btree_cells(data: bytes, root: int) -> list[tuple[int, int, list]]:
    """(page, byte offset, record values) of every entry of a WITHOUT ROWID table or index."""
    page_size = int.from_bytes(data[16:18], "big") or 65536
    out, stack = [], [root]
    while stack:
        number = stack.pop()
        page = data[(number - 1) * page_size : number * page_size]
        base = 100 if number == 1 else 0
        kind = page[base]
        assert kind in (0x02, 0x0A), f"page {number}: not an index b-tree page ({kind})"
        count = int.from_bytes(page[base + 3 : base + 5], "big")
        header = 12 if kind == 0x02 else 8
        if kind == 0x02:
            stack.append(int.from_bytes(page[base + 8 : base + 12], "big"))
        for i in range(count):
            offset = int.from_bytes(page[base + header + 2 * i : base + header + 2 * i + 2], "big")
            pos = offset
            if kind == 0x02:
                stack.append(int.from_bytes(page[pos : pos + 4], "big"))
                pos += 4
            size, pos = _varint(page, pos)
            assert size <= page_size - 35, "overflowing cell: keep test rows small"
            out.append((number, offset, _record(page[pos : pos + size])))
    return out


def freelist_pages(data: bytes) -> list[tuple[int, bytes, int]]:
    """(page number, bytes, bytes in use) of every page on the freelist."""
    page_size = int.from_bytes(data[16:18], "big") or 65536
    trunk, out = int.from_bytes(data[32:36], "big"), []
    while trunk:
        page = data[(trunk - 1) * page_size : trunk * page_size]
        n = int.from_bytes(page[4:8], "big")
        out.append((trunk, page, 8 + 4 * n))
        for i in range(n):
            leaf = int.from_bytes(page[8 + 4 * i : 12 + 4 * i], "big")
            out.append((leaf, data[(leaf - 1) * page_size : leaf * page_size], 0))
        trunk = int.from_bytes(page[:4], "big")
    return out


ANSWER_BTREES = ("survey_response", "survey_answer", "survey_response_score", "upward_answer")


def assert_page_order_says_nothing_within_a_batch(data: bytes, scratch: Path, batch_of: dict):
    """In every page of every b-tree holding answers, the cells of one batch lie in the order of
    their random ids (as written) or of their keys (as SQLite rebalances them): either way an
    order of random values, never the order in which people submitted."""
    scratch.write_bytes(data)
    conn = sqlite3.connect(f"file:{scratch}?mode=ro&immutable=1", uri=True)
    marks = ",".join("?" * len(ANSWER_BTREES))
    trees = conn.execute(
        f"SELECT name, rootpage FROM sqlite_schema WHERE tbl_name IN ({marks}) AND rootpage > 0",
        ANSWER_BTREES,
    ).fetchall()
    conn.close()
    assert {name for name, _ in trees} >= set(ANSWER_BTREES)
    checked = 0
    for name, root in trees:
        by_page = defaultdict(list)
        for page, offset, values in btree_cells(data, root):
            ids = [v for v in values if isinstance(v, str) and v in batch_of]
            assert ids, f"{name}: a cell with no known answer id"
            by_page[(page, batch_of[ids[0]])].append((offset, ids[0], values))
        for (page, _batch), cells in by_page.items():
            written = sorted(cells, key=lambda c: -c[0])  # SQLite fills a page downwards
            ids = [c[1] for c in written]
            keys = [_sort_key(c[2]) for c in written]
            assert ids == sorted(ids) or keys == sorted(keys), f"{name} page {page}: {ids}"
            checked += len(cells)
    assert checked > 0


def _sort_key(values: list) -> tuple:
    return tuple(
        (0,) if v is None else (1, v) if isinstance(v, int) else (2, str(v)) for v in values
    )


def assert_freed_pages_hold_nothing(data: bytes):
    for number, page, used in freelist_pages(data):
        assert page[used:] == b"\0" * (len(page) - used), f"freed page {number} holds old bytes"


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite files: the PostgreSQL attack is the next test")
def test_sqlite_files_never_narrow_an_answer_below_k(tmp_path):
    path = tmp_path / "forensic.sqlite"
    app = make_test_app(f"sqlite:///{path}", str(tmp_path))
    with app.app_context():
        db.create_all()
        db.engine.dispose()

        @event.listens_for(db.engine, "connect")
        def keep_the_whole_history(dbapi_connection, _record):
            dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")

        s = build_people()
        db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.commit()
        main_at_start = path.read_bytes()
        sql_states = [read_state(lambda sql: db.session.execute(text(sql)).all())]
        play(
            s,
            lambda: sql_states.append(read_state(lambda sql: db.session.execute(text(sql)).all())),
        )
        wal = Path(f"{path}-wal").read_bytes()
        main_now = path.read_bytes()
        backup = tmp_path / "backup.sqlite"
        from blueprints.common.backup import backup_sqlite

        backup_sqlite(db.engine, backup)

        # 1. WAL replay, commit by commit.
        images = wal_states(main_at_start, wal)
        assert main_now == main_at_start  # nothing was checkpointed: the WAL is the whole story
        assert len(images) >= 13 + 8  # at least every submit is a commit of its own
        scratch = tmp_path / "image.sqlite"
        states = [state_of_image(main_at_start, scratch)] + [
            state_of_image(image, scratch) for image in images
        ]
        assert states[-1] == sql_states[-1]
        found = assert_nobody_narrowed_below_k(states, s)
        assert_sealed_lengths_say_nothing(states)
        survey_answers = sum(len(b.answers) for b in found if b.stream == "survey")
        upward_answers = sum(len(b.answers) for b in found if b.stream == "upward")
        assert survey_answers == 13  # every survey answer mixed (units under k counted above)
        assert upward_answers == 6  # lurah B's 2 answers stay sealed: fewer than k
        assert len([b for b in found if b.stream == "survey"]) >= 2  # mixed before closing too

        # 2. Raw pages of every table and index holding answers, and the freed pages: in the
        #    newest state of the WAL, in the main file after a checkpoint, and in the backup.
        batch_of = {aid: i for i, b in enumerate(found) for aid, _label in b.answers}
        assert_page_order_says_nothing_within_a_batch(images[-1], scratch, batch_of)
        assert_freed_pages_hold_nothing(images[-1])
        db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.commit()
        checkpointed = path.read_bytes()
        assert_page_order_says_nothing_within_a_batch(checkpointed, scratch, batch_of)
        assert_freed_pages_hold_nothing(checkpointed)
        backed_up = backup.read_bytes()
        assert_page_order_says_nothing_within_a_batch(backed_up, scratch, batch_of)
        assert_freed_pages_hold_nothing(backed_up)
        assert not Path(f"{backup}-wal").exists()
        # The padded sealed rows spill onto overflow pages, so mixing frees pages: the freed-page
        # check above had pages to look at. The backup is written afresh (VACUUM INTO), not
        # copied page by page: it has no freed pages at all.
        assert freelist_pages(checkpointed) != []
        assert freelist_pages(backed_up) == []
        # Sealed rows and drafts deleted since (mixed, submitted) left no bytes behind, in
        # freed pages or in the free space of the pages that held them (secure_delete).
        deleted = set().union(*(state.sealed_heads for state in states)) - states[-1].sealed_heads
        assert deleted
        for blob in (images[-1], checkpointed, backed_up):
            assert [h for h in deleted if h.encode() in blob] == []

        # 3. Answers still sealed (lurah B's two) are unreadable in every file and backup.
        for comment in s.held_comments:
            for blob in (wal, checkpointed, backed_up):
                assert comment.encode() not in blob
        db.session.remove()
        db.engine.dispose()
    shutil.rmtree(tmp_path, ignore_errors=True)


# --- PostgreSQL: a superuser session between any two transactions ---------------------------------
def _pg_rows(sql: str) -> list:
    return db.session.execute(text(sql)).all()


PERSONAL_STAMPS = """
    SELECT xmin::text FROM survey_participation UNION SELECT xmin::text FROM upward_participation
    UNION SELECT xmin::text FROM employee WHERE id IN (
        SELECT employee_id FROM survey_participation UNION
        SELECT employee_id FROM upward_participation)
    UNION SELECT xmax::text FROM employee WHERE id IN (
        SELECT employee_id FROM survey_participation UNION
        SELECT employee_id FROM upward_participation)"""


def personal_stamps() -> set[str]:
    """The transactions that wrote a participation row or wrote or locked (xmax) a participant's
    employee row. Read after every commit: a later lock overwrites the xmax an earlier left."""
    return {x for (x,) in _pg_rows(PERSONAL_STAMPS) if x != "0"}


def assert_transaction_stamps_say_nothing(found: list[Batch], personal: set[str]) -> None:
    """xmin groups the readable rows by the transaction that wrote them: each group must be one
    whole batch, written by no transaction that also wrote or locked a person's row (``personal``,
    gathered after every commit), and in ctid order the rows of a group follow their random ids;
    the same for the answer and score rows hanging off each response."""
    batches = {frozenset(a for a, _label in b.answers) for b in found}
    written: set[str] = set()
    for table in ("survey_response", "upward_answer"):
        groups = defaultdict(list)
        for answer_id, xmin, _ctid in _pg_rows(
            f"SELECT id, xmin::text, ctid FROM {table} ORDER BY ctid"
        ):
            groups[xmin].append(answer_id)
        for xmin, ids in groups.items():
            assert frozenset(ids) in batches, f"{table}: xmin {xmin} is not one whole batch"
            assert ids == sorted(ids), f"{table}: ctid order within xmin {xmin} is not random"
        written |= set(groups)
    for table, second in (("survey_answer", "question_id"), ("survey_response_score", None)):
        groups = defaultdict(list)
        key = f"response_id, {second}" if second else "response_id, NULL"
        for response_id, other, xmin in _pg_rows(
            f"SELECT {key}, xmin::text FROM {table} ORDER BY ctid"
        ):
            groups[xmin].append((response_id, other))
        for xmin, keys in groups.items():
            responses = frozenset(r for r, _o in keys)
            assert any(responses <= batch for batch in batches), f"{table}: xmin {xmin}"
            if second:  # written in key order: response (random id), then question
                assert keys == sorted(keys), f"{table}: ctid order within xmin {xmin}"
        written |= set(groups)
    # (A mixed upward answer's foreign key stamps its *leader's* row with the mixing
    # transaction; that names only the leader, whom the answer row names anyway. The leaders of
    # this scenario's upward answers take part in nothing, so their rows are not in ``personal``.)
    assert written & personal == set()


@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_postgresql_stamps_and_order_never_narrow_an_answer_below_k(app):
    s = build_people()
    states = [read_state(_pg_rows)]
    before_close: list = []
    personal: set[str] = set()

    def observe():
        states.append(read_state(_pg_rows))
        personal.update(personal_stamps())
        if s.wave.status == "open":
            before_close[:] = [len(states)]

    play(s, observe)
    found = assert_nobody_narrowed_below_k(states, s)
    assert_sealed_lengths_say_nothing(states)
    assert sum(len(b.answers) for b in found if b.stream == "survey") == 13
    assert sum(len(b.answers) for b in found if b.stream == "upward") == 6
    # Before closing: the batches mixed while the wave was open already stand on their own.
    assert_nobody_narrowed_below_k(states[: before_close[0]], s)
    assert_transaction_stamps_say_nothing(found, personal)
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in (
            "anonymity_inbox",
            "survey_response",
            "survey_answer",
            "survey_response_score",
            "upward_answer",
        ):
            conn.execute(text(f"VACUUM {table}"))
    assert_transaction_stamps_say_nothing(found, personal)
