"""Faults: a gunicorn worker killed (SIGKILL) in the middle of requests loses no acknowledged write.

Leaders send feedback through one gunicorn instance with two workers while one worker is killed
with SIGKILL, the way the kernel's OOM killer would. Every send answered with 303 ("terkirim") must
be in the database, whole (feedback, follow-up, version, notification: one transaction); the sends
the kill cut off must fail visibly (connection dropped or 5xx), never be acknowledged; and the
master's new worker must go on serving. On SQLite (WAL; the dead process's locks go with it) and on
PostgreSQL (the server rolls back the dead worker's open transactions).
"""

import http.client
import os
import signal
import threading
import time
from pathlib import Path

from sqlalchemy import select

from blueprints.feedback.models import Feedback, FeedbackVersion, FollowUp
from blueprints.notifications.models import Notification
from extensions import db
from tests import factories
from tests import factories_feedback as ff
from tests import factories_workshops as wf
from tests.instances import Browser, Instance

CLIENTS = 12
MARK = "kill-test"


def worker_pids(master: int) -> set[int]:
    """The gunicorn workers: the processes whose parent is the master (Linux /proc)."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended meanwhile
            continue
        # "pid (comm) state ppid ...": comm may contain spaces and parentheses.
        if int(stat.rsplit(")", 1)[1].split()[1]) == master:
            pids.add(int(entry.name))
    return pids


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class Senders:
    """CLIENTS leaders' browsers sending feedback in a loop; every outcome recorded by text."""

    def __init__(self, host: Instance, pairs):
        self.outcomes: dict[str, object] = {}  # context text -> 303, other status, or error name
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.browsers = []
        for i in range(CLIENTS):
            leader, receiver = pairs[i % len(pairs)]
            browser = Browser(host.url)
            assert browser.login(leader.email, factories.PASSWORD) == 303
            assert browser.get("/umpan-balik/baru")[0] == 200  # the form carries the CSRF token
            # Browser.post encodes one value per field: the form's one-item lists become values.
            form = {
                k: v[0] if isinstance(v, list) else v for k, v in ff.form_data(receiver).items()
            }
            self.browsers.append((browser, form))
        self.threads = [threading.Thread(target=self._run, args=(i,)) for i in range(CLIENTS)]

    def _run(self, i: int) -> None:
        browser, form = self.browsers[i]  # built in __init__: threads have no app context
        n = 0
        while not self.stop.is_set():
            n += 1
            text = f"{MARK} {i}-{n}"
            try:
                status, _body = browser.post("/umpan-balik/baru", {**form, "context": text})
                outcome: object = status
            except (http.client.HTTPException, OSError) as error:  # reset, closed, timed out
                reason = getattr(error, "reason", error)  # urllib wraps errors while connecting
                timed_out = isinstance(reason, TimeoutError)
                outcome = "timeout" if timed_out else f"connection: {type(reason).__name__}"
            with self.lock:
                self.outcomes[text] = outcome

    def count(self, predicate) -> int:
        with self.lock:
            return sum(1 for outcome in self.outcomes.values() if predicate(outcome))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


def is_ack(outcome) -> bool:
    return outcome == 303


def is_dropped(outcome) -> bool:
    return isinstance(outcome, str) and outcome.startswith("connection")


def test_sigkill_of_a_worker_loses_no_acknowledged_write(app, org, _schema, tmp_path):
    wf.fast_logins()
    # Each leader gives feedback to someone in their own subtree.
    pairs = [
        (org.camat, org.staff_b1),
        (org.lurah_a, org.staff_a1),
        (org.lurah_a, org.staff_a2),
        (org.lurah_b, org.staff_b1),
        (org.camat, org.staff_sek),
        (org.camat, org.staff_a2),
    ]
    host = Instance(
        _schema,
        str(tmp_path / "host"),
        workers=2,
        threads=4,
        LOGIN_ATTEMPTS_PER_IP="100000 per minute",
    )
    master = host.process.pid
    killed: list[int] = []
    try:
        before = wait_for(lambda: (p := worker_pids(master)) and len(p) == 2 and p, 10, "2 workers")
        senders = Senders(host, pairs)
        with senders:
            wait_for(lambda: senders.count(is_ack) >= 30, 20, "writes before the kill")
            # SIGKILL a worker while the load runs; if it happened to hold no request at that
            # instant (nothing cut off), kill the next one: the test is about in-flight requests.
            for _attempt in range(5):
                workers = worker_pids(master)
                victim = min(workers)
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)
                wait_for(
                    lambda w=workers, v=victim: (
                        (p := worker_pids(master)) and len(p) == 2 and v not in p and p - w
                    ),
                    20,
                    "the master to replace the killed worker",
                )
                acks = senders.count(is_ack)
                wait_for(
                    lambda a=acks: senders.count(is_ack) >= a + 30, 20, "writes after the kill"
                )
                if senders.count(is_dropped):
                    break
        outcomes = dict(senders.outcomes)

        # The kill happened, mid-flight, and the master replaced the worker.
        now = worker_pids(master)
        assert killed and not set(killed) & now and len(now) == 2
        assert now - before, "no new worker appeared"
        dropped = {text for text, outcome in outcomes.items() if is_dropped(outcome)}
        assert dropped, f"no request was in flight in the killed workers: {outcomes}"
        # Sends either succeeded (303) or visibly failed; none hung, none was answered otherwise.
        unexpected = {
            text: outcome
            for text, outcome in outcomes.items()
            if not (
                is_ack(outcome)
                or is_dropped(outcome)
                or (isinstance(outcome, int) and outcome >= 500)
            )
        }
        assert unexpected == {}
        acknowledged = {text for text, outcome in outcomes.items() if is_ack(outcome)}

        # Every acknowledged send is in the database, and whole.
        db.session.expire_all()
        stored = {
            fb.context: fb
            for fb in db.session.scalars(select(Feedback).where(Feedback.context.startswith(MARK)))
        }
        assert acknowledged - stored.keys() == set(), "acknowledged writes were lost"
        # Nothing is stored that was not sent; a send may be stored but unacknowledged only if
        # its connection was cut after the commit.
        assert stored.keys() - acknowledged <= dropped
        for text, fb in stored.items():
            assert fb.status == "sent", text
            assert [
                f.description
                for f in db.session.scalars(select(FollowUp).where(FollowUp.feedback_id == fb.id))
            ] == ["Ikut pelatihan presentasi"], text
            assert db.session.scalars(
                select(FeedbackVersion.number).where(FeedbackVersion.feedback_id == fb.id)
            ).all() == [1], text
            assert db.session.scalars(
                select(Notification.id).where(
                    Notification.recipient_id == fb.receiver_id,
                    Notification.link.endswith(f"/umpan-balik/{fb.id}"),
                )
            ).one(), text

        # The instance keeps serving after the kill (the survivor and the new worker).
        browser, form = senders.browsers[0]
        for n in range(6):  # several connections: both workers take some
            status, _ = browser.post("/umpan-balik/baru", {**form, "context": f"after {n}"})
            assert status == 303
        db.session.expire_all()
        assert (
            len(
                db.session.scalars(
                    select(Feedback.id).where(Feedback.context.startswith("after "))
                ).all()
            )
            == 6
        )
        assert host.process.poll() is None
    finally:
        host.stop()
