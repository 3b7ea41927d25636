"""Benchmarks of product.md §6 on the large data set; writes docs/benchmarks.md.

    .venv/bin/python scripts/bench.py [--database sqlite|postgresql] [--scale 1.0] [--duration 10]
        [--mixed-users 200] [--mixed-seconds 120] [--notes FILE]

Steps: a fresh database (a temporary SQLite file, or a PostgreSQL database created here and
dropped at the end), `flask db upgrade heads`, `flask seed-large` (timed); the app and the minimal
Flask route (scripts/minimal_app.py) each under gunicorn with deploy/gunicorn.conf.py; log in as
the root unit's head, a staff member, an organizer and an admin; warm up; then per key page:
wrk with one connection (latency: p50/p95 without queueing) and with eight (throughput, compared
with the minimal route measured in the same run, before and after the pages); full page versus
htmx fragment bytes; SQL statements per request on the large data set and on a small one (the
same page must run the same number); and a mixed workload with locust (scripts/locustfile.py).
Every process started here is stopped at the end, also on failure.
"""

from __future__ import annotations

import argparse
import csv
import http.cookiejar
import json
import math
import os
import platform
import re
import runpy
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PASSWORD = "demo-marelan"  # noqa: S105 - the password seed-large gives every account
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SEARCH_WORDS = ["presentasi", "pelayanan", "digital", "arsip", "komunikasi", "keuangan"]

# Budgets of product.md §6.
SURVEY_P95_MS = 150
THROUGHPUT_SHARE = 0.25
MIXED_P95_MS = 500
FRAGMENT_SHARE = 0.2
REFERENCE_RATIO = 10  # key page p50 ≤ 10 × the reference page's (1 connection)
GROWTH_RATIO = 1.3  # key page p50 at --scale 1 ≤ 1.3 × at --scale 0.2
GROWTH_RATIO_CITY = 2.0  # … and at --scale 10 (PostgreSQL) ≤ 2 × at --scale 1
ONE_YEAR = 31536000  # seconds: static files' max-age


def growth_budget(r: dict) -> float:
    """§6 allows more growth for ten times the data (scale 10 against 1) than for five."""
    return GROWTH_RATIO_CITY if r["scale"] >= 10 * r["small_scale"] * 0.99 else GROWTH_RATIO


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- processes ----------------------------------------------------------------------------------
class Processes:
    """Everything started here runs in a process group of its own (a new session: gunicorn's
    master and its workers together) and is stopped by that group's id at the end: TERM, then
    KILL, waiting until no member is left. Nothing is stopped by name."""

    def __init__(self):
        self.items: list[tuple[str, subprocess.Popen, int]] = []

    def start(self, name: str, args: list[str], env: dict, logfile: Path) -> subprocess.Popen:
        out = open(logfile, "w")  # noqa: SIM115 - open while the process runs
        process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        group = os.getpgid(process.pid)
        self.items.append((name, process, group))
        log(f"started {name} (pid {process.pid}, process group {group})")
        return process

    @staticmethod
    def _group_alive(group: int) -> bool:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def _signal_group(self, process, group: int, sig: int, wait: float) -> bool:
        """Send `sig` to the group; True once no member is left (within `wait` seconds)."""
        try:
            os.killpg(group, sig)
        except ProcessLookupError:
            return True
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            process.poll()  # reap the leader: a zombie still counts as a member
            if not self._group_alive(group):
                return True
            time.sleep(0.2)
        return not self._group_alive(group)

    def stop_all(self) -> None:
        for name, process, group in reversed(self.items):
            if not self._signal_group(process, group, signal.SIGTERM, 20):
                self._signal_group(process, group, signal.SIGKILL, 10)
            try:
                process.wait(timeout=10)  # reap the leader
            except subprocess.TimeoutExpired:
                log(f"{name} (pid {process.pid}) did not exit")
            log(f"stopped {name} (process group {group})")
        self.items.clear()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited ({process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {timeout} s")


def _cpu_seconds(master: int) -> float:
    """CPU time used so far by a gunicorn master and its workers (from /proc)."""
    pids = [master]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                pids.append(int(entry.name))
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def drain(master: int, timeout: float = 120) -> float:
    """Wait until the server has finished what an earlier run left in flight (wrk stops
    sending, but requests already received are still worked on): until its workers use under
    10% of a CPU over half a second. Returns the seconds waited."""
    started = time.monotonic()
    before = _cpu_seconds(master)
    while time.monotonic() - started < timeout:
        time.sleep(0.5)
        now = _cpu_seconds(master)
        if now - before < 0.05:
            break
        before = now
    return time.monotonic() - started


def run(args: list[str], env: dict, timeout: float = 1800) -> tuple[float, str]:
    started = time.monotonic()
    result = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return elapsed, result.stdout + result.stderr


# --- databases ----------------------------------------------------------------------------------
class Database:
    def __init__(self, kind: str, workdir: Path, label: str, pg_admin_url: str):
        self.kind = kind
        self.pg_admin_url = pg_admin_url
        self.name = None
        if kind == "sqlite":
            self.url = f"sqlite:///{workdir / f'{label}.sqlite'}"
        else:
            self.name = f"karier_bench_{label}_{uuid.uuid4().hex[:8]}"
            self._admin(f'CREATE DATABASE "{self.name}"')
            base = pg_admin_url.rsplit("/", 1)[0].replace(
                "postgresql://", "postgresql+psycopg://", 1
            )
            self.url = f"{base}/{self.name}"

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.pg_admin_url, autocommit=True) as conn:
            conn.execute(statement)

    def drop(self) -> None:
        if self.name:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            log(f"dropped database {self.name}")
            self.name = None

    def engine(self):
        from sqlalchemy import create_engine

        return create_engine(self.url)

    def server_version(self) -> str:
        from sqlalchemy import text

        engine = self.engine()
        with engine.connect() as conn:
            if self.kind == "sqlite":
                version = "SQLite " + conn.execute(text("select sqlite_version()")).scalar()
            else:
                version = conn.execute(text("show server_version")).scalar()
                version = "PostgreSQL " + version
        engine.dispose()
        return version


def app_env(db: Database, instance: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KARIER_", "GUNICORN_"))}
    env.update(
        KARIER_SQLALCHEMY_DATABASE_URI=db.url,
        KARIER_SECRET_KEY="benchmark-secret-key-not-for-production",  # noqa: S106
        KARIER_INSTANCE_PATH=str(instance),
        KARIER_LOGIN_ATTEMPTS_PER_IP="100000 per minute",
        KARIER_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    instance.mkdir(parents=True, exist_ok=True)
    return env


def build(db: Database, env: dict, scale: float, seed: int) -> dict:
    flask = [str(BIN / "flask"), "--app", "app"]
    upgrade, _out = run([*flask, "db", "upgrade", "heads"], env)
    seconds, output = run([*flask, "seed-large", "--scale", str(scale), "--seed", str(seed)], env)
    match = re.search(r"ready in ([\d.]+) s", output)
    steps = re.findall(r"\[\d+/\d+\] (.+?) …(.*?) ([\d.]+) s$", output, re.S | re.M)
    return {
        "upgrade_s": upgrade,
        "seed_s": float(match.group(1)) if match else seconds,
        "seed_wall_s": seconds,
        "steps": [
            (name, float(t), " ".join(detail.split()).strip(" ;")) for name, detail, t in steps
        ],
        "output": output,
    }


def targets(db: Database) -> dict:
    """Who logs in and which objects the pages show, read from the seeded database."""
    from sqlalchemy import text

    engine = db.engine()
    one = lambda conn, sql, **p: conn.execute(text(sql), p).scalar()  # noqa: E731
    with engine.connect() as conn:
        now = datetime.now(UTC).isoformat(sep=" ")
        heads = "SELECT head_id FROM unit WHERE head_id IS NOT NULL"
        roles = "SELECT employee_id FROM employee_role"
        t = {
            "root": one(
                conn,
                "SELECT e.email FROM unit u JOIN employee e ON e.id = u.head_id "
                "WHERE u.parent_id IS NULL ORDER BY u.id LIMIT 1",
            ),
            "staff": one(
                conn,
                f"SELECT email FROM employee WHERE id NOT IN ({heads}) AND id NOT IN "
                f"({roles}) AND active ORDER BY id LIMIT 1 OFFSET 10",
            ),
            "organizer": one(
                conn,
                "SELECT e.email FROM employee_role r JOIN employee e ON e.id = "
                "r.employee_id WHERE r.role = 'organizer' ORDER BY e.id LIMIT 1",
            ),
            "admin": one(
                conn,
                "SELECT e.email FROM employee_role r JOIN employee e ON e.id = "
                "r.employee_id WHERE r.role = 'admin' ORDER BY e.id LIMIT 1",
            ),
            "closed_wave": one(
                conn,
                "SELECT id FROM survey_wave WHERE status = 'closed' "
                "ORDER BY opens_on DESC, id DESC LIMIT 1",
            ),
            "open_wave": one(
                conn,
                "SELECT id FROM survey_wave WHERE status = 'open' "
                "ORDER BY opens_on DESC, id DESC LIMIT 1",
            ),
            "open_wave_live": bool(
                one(
                    conn,
                    "SELECT live_results FROM survey_wave WHERE status = "
                    "'open' ORDER BY opens_on DESC, id DESC LIMIT 1",
                )
            ),
            # An upcoming published session with people registered (the page a colleague shares).
            "session": one(
                conn,
                "SELECT s.id FROM workshop_session s JOIN workshop w ON "
                "w.id = s.workshop_id WHERE s.status = 'published' AND w.active AND "
                "s.starts_at > :now AND EXISTS (SELECT 1 FROM workshop_registration r "
                "WHERE r.session_id = s.id AND r.status = 'confirmed') "
                "ORDER BY s.starts_at, s.id LIMIT 1",
                now=now,
            ),
        }
        t["kelurahan"] = one(conn, "SELECT id FROM unit WHERE depth = 1 ORDER BY id LIMIT 1")
        t["organized_session"] = one(
            conn,
            "SELECT s.id FROM workshop_session s JOIN workshop_organizer o ON "
            "o.workshop_id = s.workshop_id JOIN employee e ON e.id = o.employee_id "
            "WHERE e.email = :email AND s.status IN ('published','completed') "
            "ORDER BY s.starts_at DESC LIMIT 1",
            email=t["organizer"],
        )
        # The mixed workload: leaders below the root, staff who have not answered the open wave,
        # sessions open for registration without izin atasan.
        t["leaders"] = [
            r[0]
            for r in conn.execute(
                text(
                    "SELECT e.email FROM unit u JOIN employee e ON e.id = u.head_id WHERE u.parent_id IS "
                    f"NOT NULL AND e.id NOT IN ({roles}) ORDER BY u.depth DESC, u.id"
                )
            )
        ]
        t["staff_pool"] = [
            r[0]
            for r in conn.execute(
                text(
                    f"SELECT email FROM employee WHERE active AND id NOT IN ({heads}) AND id NOT IN ({roles})"
                    " AND id NOT IN (SELECT employee_id FROM survey_participation WHERE wave_id = :wave)"
                    " ORDER BY id"
                ),
                {"wave": t["open_wave"] or 0},
            )
        ]
        t["open_sessions"] = [
            r[0]
            for r in conn.execute(
                text(
                    "SELECT s.id FROM workshop_session s JOIN workshop w ON w.id = s.workshop_id WHERE "
                    "s.status = 'published' AND w.active AND NOT w.requires_approval AND s.starts_at > :now "
                    "AND (s.registration_closes_at IS NULL OR s.registration_closes_at > :now) "
                    "ORDER BY s.starts_at LIMIT 60"
                ),
                {"now": now},
            )
        ]
        counts = {}
        for table in (
            "unit",
            "employee",
            "workshop",
            "workshop_session",
            "workshop_registration",
            "workshop_evaluation",
            "external_learning",
            "feedback",
            "feedback_request",
            "feedback_follow_up",
            "development_goal",
            "survey_wave",
            "survey_response",
            "survey_answer",
            "survey_response_score",
            "survey_result_cell",
        ):
            counts[table] = one(conn, f"SELECT count(*) FROM {table}")  # noqa: S608
        counts["feedback (sent)"] = one(conn, "SELECT count(*) FROM feedback WHERE status = 'sent'")
        t["counts"] = counts
    engine.dispose()
    return t


# --- pages --------------------------------------------------------------------------------------
@dataclass
class Page:
    key: str
    title: str
    user: str  # root | staff | organizer | admin | none
    path: str
    hx: bool = False
    budget_survey: bool = False
    reference: bool = False  # measured for comparison, not a key page (no verdict)
    result: dict = field(default_factory=dict)


def key_pages(t: dict) -> list[Page]:
    pages = [
        Page("home", "Beranda", "staff", "/"),
        Page("home_leader", "Beranda (pimpinan unit induk)", "root", "/"),
        Page("catalogue", "Katalog pelatihan", "staff", "/pelatihan/"),
        Page(
            "catalogue_search",
            "Katalog: pencarian langsung (fragmen htmx)",
            "staff",
            "/pelatihan/?q=pelayanan",
            hx=True,
        ),
        Page("session", "Halaman sesi", "staff", f"/pelatihan/sesi/{t['session']}"),
        Page("team", "Tim (umpan balik)", "root", "/umpan-balik/tim"),
        Page(
            "survey_closed",
            "Hasil survei unit induk, gelombang tertutup terakhir",
            "root",
            f"/survei/hasil/{t['closed_wave']}",
            budget_survey=True,
        ),
    ]
    if t.get("open_wave") and t.get("open_wave_live"):
        pages.append(
            Page(
                "survey_open",
                "Hasil survei unit induk, gelombang dibuka (langsung)",
                "root",
                f"/survei/hasil/{t['open_wave']}",
                budget_survey=True,
            )
        )
    pages.append(Page("leader", "Dasbor pimpinan", "root", "/dasbor/pimpinan"))
    pages.append(Page("organizer", "Dasbor penyelenggara", "organizer", "/dasbor/penyelenggara"))
    # The cheapest logged-in request the app serves: session, user, access checks and one
    # COUNT, no page. What any page costs before it does its own work.
    pages.append(
        Page(
            "auth_floor",
            "Rujukan: jumlah notifikasi (fragmen htmx, rute terautentikasi terkecil)",
            "staff",
            "/notifikasi/jumlah",
            hx=True,
            reference=True,
        )
    )
    return pages


def fragment_pairs(t: dict) -> list[tuple[str, str, str]]:
    """(title, user, path): what htmx asks for when someone filters or searches on the page,
    compared with the full page of the same URL (what the browser would load without htmx)."""
    pairs = [
        ("Katalog pelatihan: pencarian langsung", "staff", "/pelatihan/?q=pelayanan"),
        ("Tim: pencarian nama", "root", "/umpan-balik/tim?q=Siregar"),
        ("Tim: tanpa filter", "root", "/umpan-balik/tim"),
        (
            "Hasil survei: ganti unit",
            "root",
            f"/survei/hasil/{t['closed_wave']}?unit={t['kelurahan']}",
        ),
        ("Hasil survei: unit induk", "root", f"/survei/hasil/{t['closed_wave']}"),
        ("Admin: pencarian pegawai", "admin", "/admin/pegawai?q=Siregar"),
        ("Admin: log audit, filter tindakan", "admin", "/admin/audit?action=survey.wave_closed"),
        ("Persetujuan izin atasan", "root", "/pelatihan/persetujuan"),
    ]
    if t.get("organized_session"):
        pairs.append(
            (
                "Peserta sesi (penyelenggara)",
                "organizer",
                f"/pelatihan/kelola/sesi/{t['organized_session']}/peserta",
            )
        )
    return pairs


class Browser:
    """urllib with cookies; redirects are not followed (a 302 to /masuk must not pass as 200)."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(self, path: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=60) as response:
                return response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read(), dict(error.headers)

    def login(self, email: str) -> None:
        status, body, _h = self.request("/masuk")
        token = TOKEN.search(body.decode())
        status, _b, headers = self.request(
            "/masuk",
            {
                "identifier": email,
                "password": PASSWORD,
                "csrf_token": token.group(1) if token else "",
            },
        )
        if status != 303 or "/masuk" in headers.get("Location", ""):
            raise RuntimeError(f"login failed for {email}: {status}")

    @property
    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wrk(url: str, cookie: str, hx: bool, threads: int, connections: int, seconds: int) -> dict:
    env = dict(os.environ, BENCH_COOKIE=cookie, BENCH_HX="1" if hx else "0")
    args = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "scripts" / "wrk_report.lua"),
        url,
    ]
    result = subprocess.run(args, capture_output=True, text=True, env=env, timeout=seconds + 60)
    line = next((ln for ln in reversed(result.stdout.splitlines()) if ln.startswith("{")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no report: {result.stdout}\n{result.stderr}")
    data = json.loads(line)
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6) if data["duration_us"] else 0.0
    if not data["requests"]:  # nothing finished in time: no latency to report, only a failure
        data.update(p50_us=float("inf"), p95_us=float("inf"), p99_us=float("inf"))
    data["p50_ms"], data["p95_ms"], data["p99_ms"] = (
        data[k] / 1000 for k in ("p50_us", "p95_us", "p99_us")
    )
    return data


# --- SQL statements per request (in this process, through the Flask test client) --------------------
def count_queries(db: Database, instance: Path, t: dict) -> dict[str, int]:
    """Statements per page: the second request of each (per-process caches are warm then)."""
    os.environ["KARIER_INSTANCE_PATH"] = str(instance)
    instance.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import event

    from app import create_app
    from extensions import db as sqla

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": db.url,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "LOG_LEVEL": "WARNING",
        }
    )
    ignored = re.compile(r"^\s*(SAVEPOINT|RELEASE|ROLLBACK|PRAGMA|BEGIN|COMMIT)", re.I)
    out: dict[str, int] = {}
    with app.app_context():
        engine = sqla.engine
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if not ignored.match(statement):
            statements.append(statement)

    # Each request gets its own app context (and `g`), as under gunicorn.
    event.listen(engine, "before_cursor_execute", before)
    try:
        for page in key_pages(t):
            client = app.test_client()
            email = t[page.user]
            response = client.post("/masuk", data={"identifier": email, "password": PASSWORD})
            if response.status_code != 303:
                raise RuntimeError(f"login failed for {email}: {response.status_code}")
            headers = {"HX-Request": "true"} if page.hx else {}
            client.get(page.path, headers=headers)
            statements.clear()
            response = client.get(page.path, headers=headers)
            out[page.key] = (
                len(statements) if response.status_code == 200 else -response.status_code
            )
            if page.key == "home":  # and a static file of the page, with the same cookie
                url = STATIC_URL.search(response.get_data(as_text=True)).group(1)
                statements.clear()
                static = client.get(url)
                out["static_file"] = len(statements) if static.status_code == 200 else -1
    finally:
        event.remove(engine, "before_cursor_execute", before)
        engine.dispose()
    return out


# --- the mixed workload -------------------------------------------------------------------------------
def mixed(
    base: str,
    t: dict,
    workdir: Path,
    users: int,
    seconds: int,
    wait: str,
    procs: Processes,
    env: dict,
    spawn: int,
) -> dict:
    accounts = {
        "password": PASSWORD,
        "staff": t["staff_pool"],
        "leaders": t["leaders"],
        "sessions": t["open_sessions"],
        "open_wave": t["open_wave"],
        "closed_wave": t["closed_wave"],
        "search": SEARCH_WORDS,
    }
    path = workdir / "accounts.json"
    path.write_text(json.dumps(accounts))
    prefix = workdir / "locust"
    ramp = math.ceil(users / spawn)
    args = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "scripts" / "locustfile.py"),
        "--headless",
        "-u",
        str(users),
        "-r",
        str(spawn),
        "-t",
        f"{ramp + seconds}s",
        "--reset-stats",
        "-H",
        base,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--stop-timeout",
        "10",
    ]
    totals_path = workdir / "locust_totals.json"
    locust_env = dict(env, BENCH_ACCOUNTS=str(path), BENCH_WAIT=wait, BENCH_TOTALS=str(totals_path))
    process = procs.start("locust", args, locust_env, workdir / "locust.log")
    try:
        process.wait(timeout=ramp + seconds + 120)
    except subprocess.TimeoutExpired:
        process.terminate()
        process.wait(timeout=20)
    rows = list(csv.DictReader(Path(f"{prefix}_stats.csv").read_text().splitlines()))
    failures_csv = Path(f"{prefix}_failures.csv")
    failures = (
        list(csv.DictReader(failures_csv.read_text().splitlines())) if failures_csv.exists() else []
    )

    def num(row, key):
        value = row.get(key) or "0"
        return float(value) if value not in ("N/A", "") else 0.0

    requests = [
        {
            "name": f"{row['Type']} {row['Name']}" if row["Name"] != "Aggregated" else "Aggregated",
            "count": int(num(row, "Request Count")),
            "failures": int(num(row, "Failure Count")),
            "p50": num(row, "50%"),
            "p95": num(row, "95%"),
            "rps": num(row, "Requests/s"),
            "max": num(row, "Max Response Time"),
        }
        for row in rows
    ]
    total = next(r for r in requests if r["name"] == "Aggregated")
    totals = json.loads(totals_path.read_text()) if totals_path.exists() else {}
    logins = sorted(totals.get("login_ms", []))
    return {
        "users": users,
        "seconds": seconds,
        "spawn_rate": spawn,
        "ramp_s": ramp,
        "all_requests": totals.get("requests"),
        "all_failures": totals.get("failures"),
        "all_errors": totals.get("errors", {}),
        "login_p50": logins[len(logins) // 2] if logins else None,
        "login_p95": logins[int(0.95 * (len(logins) - 1))] if logins else None,
        "wait": wait,
        "requests": requests,
        "total": total,
        "failures": failures,
        "accounts": {
            "staff": len(t["staff_pool"]),
            "leaders": len(t["leaders"]),
            "sessions": len(t["open_sessions"]),
        },
    }


# --- the report ----------------------------------------------------------------------------------
def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f"{mem / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        memory = "unknown"
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
    }


def versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in (
        "flask",
        "sqlalchemy",
        "flask-sqlalchemy",
        "gunicorn",
        "psycopg",
        "locust",
        "jinja2",
    ):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "-"
    try:  # --ratios-only needs no wrk
        wrk_version = subprocess.run(
            ["wrk", "-v"], capture_output=True, text=True
        ).stdout.splitlines()
    except FileNotFoundError:
        wrk_version = []
    out["wrk"] = wrk_version[0].split(" [")[0] if wrk_version else "-"
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        out["commit"] = commit + (" (working tree with uncommitted changes)" if dirty else "")
    except OSError:
        out["commit"] = "-"
    return out


def ms(value: float) -> str:
    if value == float("inf"):
        return "no answer in time"
    return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"


def _reproduce(command: str) -> str:
    """The command without the options that only keep logs or add notes."""
    return re.sub(r" --(keep|notes \S+|output \S+|report-only \S+)", "", command)


def queries_ok(big: int | None, small: int | None) -> bool:
    """The count must not grow with the data (negative: the page did not answer 200)."""
    return big is not None and small is not None and 0 < big <= small


def pct(share: float) -> str:
    return f"{share:.1%}" if share < 0.1 else f"{share:.0%}"


def verdict(ok: bool) -> str:
    return "**MET**" if ok else "**MISSED**"


def _timed(browser: Browser, path: str, headers: dict) -> float:
    started = time.perf_counter()
    status, _body, _h = browser.request(path, headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200:
        raise RuntimeError(f"{browser.base}{path}: {status}")
    return elapsed


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _header(headers: dict, name: str) -> str:
    return next((v for k, v in headers.items() if k.lower() == name.lower()), "") or ""


STATIC_URL = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def transport(browser: Browser, path: str) -> dict:
    """What §6 asks of every response, seen from the client: the page compressed as the client
    asks (brotli, gzip); its static files fingerprinted, cached a year (`immutable`), without a
    cookie, and compressed too."""
    page = {}
    for encoding in ("br", "gzip", "identity"):
        status, body, headers = browser.request(path, headers={"Accept-Encoding": encoding})
        if status != 200:
            raise RuntimeError(f"{path}: {status}")
        page[encoding] = {"encoding": _header(headers, "Content-Encoding"), "bytes": len(body)}
    html = browser.request(path, headers={"Accept-Encoding": "identity"})[1].decode()
    files = []
    for url in dict.fromkeys(STATIC_URL.findall(html)):
        status, body, headers = browser.request(url, headers={"Accept-Encoding": "br"})
        cache = _header(headers, "Cache-Control")
        files.append(
            {
                "url": url,
                "status": status,
                "fingerprinted": "?v=" in url,
                "cache_control": cache,
                "year": f"max-age={ONE_YEAR}" in cache and "immutable" in cache,
                "cookie": bool(_header(headers, "Set-Cookie")),
                "encoding": _header(headers, "Content-Encoding"),
                "bytes": len(body),
            }
        )
    return {"path": path, "page": page, "static": files}


def transport_ok(t: dict, static_statements: int | None) -> bool:
    compressible = (".css", ".js", ".svg")
    min_size = 500  # config.COMPRESS_MIN_SIZE: smaller files gain nothing from it
    return (
        t["page"]["br"]["encoding"] == "br"
        and t["page"]["gzip"]["encoding"] == "gzip"
        and t["page"]["identity"]["encoding"] in ("", "identity")
        and bool(t["static"])
        and all(
            f["status"] == 200
            and f["fingerprinted"]
            and f["year"]
            and not f["cookie"]
            and (
                f["encoding"] == "br"
                or f["bytes"] < min_size
                or not f["url"].split("?")[0].endswith(compressible)
            )
            for f in t["static"]
        )
        and static_statements == 0
    )


def measure_ratios(
    pages: list[Page],
    small_pages: dict[str, Page],
    browsers: dict,
    small_browsers: dict,
    reference: Browser,
    rounds: int,
) -> dict:
    """p50 at one connection, interleaved: each round asks the reference page, then each key
    page on the large data set and on the small one, so that all three see the same machine
    (load from other processes moves them together)."""
    ref: list[float] = []
    large = {p.key: [] for p in pages}
    small = {p.key: [] for p in pages}
    for _round in range(rounds):
        for page in pages:
            headers = {"HX-Request": "true"} if page.hx else {}
            ref.append(_timed(reference, "/", {}))
            large[page.key].append(_timed(browsers[page.user], page.path, headers))
            other = small_pages[page.key]
            small[page.key].append(_timed(small_browsers[page.user], other.path, headers))
    ref_p50 = _median(ref)
    out = {"rounds": rounds, "reference_p50_ms": ref_p50, "pages": []}
    for page in pages:
        p50, p50_small = _median(large[page.key]), _median(small[page.key])
        out["pages"].append(
            {
                "key": page.key,
                "title": page.title,
                "path": page.path,
                "reference": page.reference,
                "p50_ms": p50,
                "p50_small_ms": p50_small,
                "ratio": p50 / ref_p50 if ref_p50 else math.inf,
                "growth": p50 / p50_small if p50_small else math.inf,
            }
        )
    return out


def ratio_section(r: dict) -> list[str]:
    q = r["ratios"]
    lines = [
        "## Budgets: key pages against the reference page, and growth with the data",
        "",
        f"p50 at one connection, {q['rounds']} rounds, interleaved: each round requests the "
        "reference page (`scripts/reference_app.py`: Flask, Flask-Login, Flask-SQLAlchemy, the "
        "user loaded, one COUNT, a small template; the same gunicorn configuration), then each "
        f"page on the `--scale {r['scale']}` data set and on the `--scale {r['small_scale']}` one "
        "(two app servers, same configuration). Reference page p50: "
        f"{ms(q['reference_p50_ms'])}.",
        "",
        f"| Page | p50 (scale {r['scale']}) | × reference | ≤ {REFERENCE_RATIO}× | "
        f"p50 (scale {r['small_scale']}) | growth | ≤ {growth_budget(r)}× |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in q["pages"]:
        ok_ratio = "—" if p["reference"] else verdict(p["ratio"] <= REFERENCE_RATIO)
        ok_growth = "—" if p["reference"] else verdict(p["growth"] <= growth_budget(r))
        lines.append(
            f"| {p['title']} | {ms(p['p50_ms'])} | {p['ratio']:.1f}× | {ok_ratio} | "
            f"{ms(p['p50_small_ms'])} | {p['growth']:.2f}× | {ok_growth} |"
        )
    lines.append("")
    return lines


def ratios_report(r: dict, notes: str) -> str:
    """--ratios-only: the reference and growth budgets, and statements per page."""
    m, v = r["machine"], r["versions"]
    lines = [
        "# Benchmarks: reference page and growth",
        "",
        "<!-- GENERATED by scripts/bench.py --ratios-only: do not edit by hand. -->",
        "",
        f"Generated {r['date']} by `{_reproduce(r['command'])}`. Budgets: `product.md` §6.",
        "",
        f"- Machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory']} memory, {m['os']}, "
        f"Python {m['python']}",
        f"- Load average (1, 5, 15 min) before: {r['load_before']}; after: {r['load_after']} "
        "(other processes shared the machine when it is well above 0)",
        f"- Database: {r['database']}; code: commit {v['commit']}",
        f"- Servers: gunicorn with `deploy/gunicorn.conf.py` ({r['gunicorn']})",
        "",
        *ratio_section(r),
        "## SQL statements per request",
        "",
        f"| Page | scale {r['scale']} | scale {r['small_scale']} |",
        "|---|---|---|",
    ]
    for p in r["ratios"]["pages"]:
        big, small = r["queries"]["large"].get(p["key"]), r["queries"]["small"].get(p["key"])
        lines.append(f"| {p['title']} | {big} | {small} |")
    lines += transport_section(r)
    if notes:
        lines += ["", "## Notes", "", notes.strip()]
    return "\n".join(lines) + "\n"


def transport_section(r: dict) -> list[str]:
    t = r.get("transport")
    if not t:
        return []
    page = t["page"]
    lines = [
        "",
        "## Budget: compression and static files",
        "",
        f"`{t['path']}` as staff: {page['identity']['bytes']:,} bytes uncompressed, "
        f"{page['br']['bytes']:,} with brotli (`Content-Encoding: {page['br']['encoding'] or 'none'}`), "
        f"{page['gzip']['bytes']:,} with gzip (`{page['gzip']['encoding'] or 'none'}`). Its static "
        "files, asked with the session cookie and `Accept-Encoding: br`; a static request ran "
        f"{r['queries']['large'].get('static_file')} SQL statements (counted in-process).",
        "",
        "| File | Status | Cache-Control | Set-Cookie | Content-Encoding | Bytes |",
        "|---|---|---|---|---|---|",
    ]
    for f in t["static"]:
        lines.append(
            f"| `{f['url']}` | {f['status']} | `{f['cache_control']}` | "
            f"{'yes' if f['cookie'] else 'no'} | {f['encoding'] or '—'} | {f['bytes']:,} |"
        )
    return lines


def report(r: dict, notes: str) -> str:
    pages: list[dict] = r["pages"]
    minimal = r["minimal"]
    lines = [
        "# Benchmarks",
        "",
        "<!-- GENERATED by scripts/bench.py: do not edit by hand. Re-run the script to regenerate;",
        "     hand-written notes come from the file given with --notes. -->",
        "",
        f"Generated {r['date']} by `scripts/bench.py`. Budgets: `product.md` §6.",
        "",
        "## Summary",
        "",
        "| Budget (product.md §6) | Measured | Budget | Result |",
        "|---|---|---|---|",
    ]
    for row in r["summary"]:
        lines.append(f"| {row[0]} | {row[1]} | {row[2]} | {verdict(row[3])} |")
    m, v = r["machine"], r["versions"]
    lines += [
        "",
        "## How it was measured",
        "",
        f"- Command: `{_reproduce(r['command'])}` (the notes below come from a hand-written "
        "file given with `--notes`)",
        f"- Machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory']} memory, {m['os']}, Python {m['python']}",
        f"- Load average (1, 5, 15 min) before: {r['load_before']}; before the page runs: "
        f"{r['load_pages']}; after: {r['load_after']}. Other processes shared the machine when the "
        "load is well above 0.",
        f"- Database: {r['database']}",
        "- Versions: "
        + ", ".join(
            f"{k} {str(val).removeprefix('wrk ')}" for k, val in v.items() if k != "commit"
        ),
        f"- Code: commit {v['commit']}",
        "- Servers: gunicorn with `deploy/gunicorn.conf.py` (its defaults: "
        f"{r['gunicorn']}) for both the app (`app:create_app()`) and the minimal route "
        "(`scripts.minimal_app:app`, one view returning `ok`).",
        f"- Pages: wrk with the session cookie of the user named. **Latency**: 1 connection, "
        f"{r['duration']} s per page (the page's own time, no queueing). **Throughput**: "
        f"2 threads × 8 connections, {r['duration']} s per page, compared with the minimal route "
        "measured the same way just before and just after the pages (the mean of the two).",
        "- Fragments: one GET of the full page and one with `HX-Request: true`, same URL.",
        "- SQL statements: the second GET of each page through the Flask test client, counted with "
        f"an SQLAlchemy event, on this data set and on a small one (`seed-large --scale {r['small_scale']}`).",
        "",
        "## Data set",
        "",
        f"`flask --app app seed-large --scale {r['scale']} --seed {r['seed']}`: "
        f"**{r['build']['seed_s']:.1f} s** (the command's own figure; {r['build']['seed_wall_s']:.1f} s "
        f"with Python start-up), after `flask db upgrade heads` ({r['build']['upgrade_s']:.1f} s).",
        "",
        "| Step | Seconds | Rows |",
        "|---|---|---|",
    ]
    for name, seconds, detail in r["build"]["steps"]:
        lines.append(f"| {name} | {seconds:.1f} | {detail} |")
    lines += ["", "| Table | Rows |", "|---|---|"]
    for table, count in r["targets"]["counts"].items():
        lines.append(f"| {table} | {count:,} |")
    lines += ["", *ratio_section(r)]
    lines += [
        "## Key pages: latency and throughput (wrk)",
        "",
        f"Minimal route: {minimal['rps']:.0f} requests/s (before {minimal['before']['rps']:.0f}, "
        f"after {minimal['after']['rps']:.0f}); p50 {ms(minimal['before']['p50_ms'])}, "
        f"p95 {ms(minimal['before']['p95_ms'])} at 8 connections.",
        "",
        "| Page | User | URL | p50 (1 conn.) | p95 (1 conn.) | p95 (8 conn.) | Requests/s (8 conn.) "
        "| Share of minimal | Errors | Non-2xx | Bytes |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for p in pages:
        lat, thr = p["latency"], p["throughput"]
        lines.append(
            f"| {p['title']} | {p['user']} | `{p['path']}`{' (htmx)' if p['hx'] else ''} | "
            f"{ms(lat['p50_ms'])} | {ms(lat['p95_ms'])} | {ms(thr['p95_ms'])} | {thr['rps']:.1f} | "
            f"{pct(p['share'])} | {lat['errors'] + thr['errors']} | {lat['non2xx'] + thr['non2xx']} | "
            f"{p['bytes']:,} |"
        )
    lines += [
        "",
        "## Budget: survey results for the root unit, p95 ≤ 150 ms",
        "",
        "| Page | p50 | p95 (1 conn.) | p99 | p95 (8 conn.) | Result |",
        "|---|---|---|---|---|---|",
    ]
    for p in pages:
        if p["budget_survey"]:
            lat = p["latency"]
            lines.append(
                f"| {p['title']} | {ms(lat['p50_ms'])} | {ms(lat['p95_ms'])} | "
                f"{ms(lat['p99_ms'])} | {ms(p['throughput']['p95_ms'])} | "
                f"{verdict(lat['p95_ms'] <= SURVEY_P95_MS)} |"
            )
    lines += [
        "",
        "## Budget: SQL statements per request bounded by a constant",
        "",
        f"| Page | Statements, this data set (scale {r['scale']}) | Statements, small data set "
        f"(scale {r['small_scale']}) | Result |",
        "|---|---|---|---|",
    ]
    for p in pages:
        big, small = r["queries"]["large"].get(p["key"]), r["queries"]["small"].get(p["key"])
        lines.append(f"| {p['title']} | {big} | {small} | {verdict(queries_ok(big, small))} |")
    lines += [
        "",
        "MET when the page runs no more statements on this data set than on the small one. "
        "The tests in `tests/test_*_perf.py` check the same property page by page in CI.",
        "",
        "## Budget: the cheapest authenticated request ≥ 25% of the minimal route's throughput",
        "",
        "At 8 connections. The budget is the cheapest authenticated request's (the last row); "
        "the key pages' shares are shown for information (their budget is the reference-page "
        "ratio above).",
        "",
        "| Page | Requests/s | Minimal route | Share | Result |",
        "|---|---|---|---|---|",
    ]
    for p in pages:
        result = verdict(p["share"] >= THROUGHPUT_SHARE) if p.get("reference") else "—"
        lines.append(
            f"| {p['title']} | {p['throughput']['rps']:.1f} | {minimal['rps']:.0f} | "
            f"{pct(p['share'])} | {result} |"
        )
    mx = r.get("mixed")
    lines += ["", "## Budget: mixed workload, no errors and p95 ≤ 500 ms", ""]
    if mx:
        total = mx["total"]
        lines += [
            f"{mx['users']} simulated users (locust, `scripts/locustfile.py`), each logged in as a "
            f"different employee, waiting {mx['wait'].replace(',', '–')} s between actions: staff "
            "browse the catalogue (with the live search), open sessions, register and cancel, "
            "answer the open survey once; leaders open their team, give feedback through the real "
            "form (with its CSRF token), read the dashboard and survey results. Users start at "
            f"{mx['spawn_rate']}/s and log in ({mx.get('ramp_s', 0)} s); the timed part is the "
            f"{mx['seconds']} s after that, with all {mx['users']} at work (locust `--reset-stats`). "
            f"Accounts available: {mx['accounts']['staff']} staff who had not answered the open wave, "
            f"{mx['accounts']['leaders']} leaders, {mx['accounts']['sessions']} sessions open for "
            "registration.",
            "",
            f"**Timed part: {total['count']:,} requests, {total['failures']} failures, p50 "
            f"{ms(total['p50'])}, p95 {ms(total['p95'])}, {total['rps']:.1f} requests/s. Whole run "
            f"(ramp-up and logins included): {mx.get('all_requests')} requests, "
            f"{mx.get('all_failures')} failures; logins p50 {ms(mx.get('login_p50') or 0)}, "
            f"p95 {ms(mx.get('login_p95') or 0)}.**",
            "",
            "| Request | Count | Failures | p50 | p95 | Max |",
            "|---|---|---|---|---|---|",
        ]
        for row in mx["requests"]:
            lines.append(
                f"| {row['name']} | {row['count']:,} | {row['failures']} | {ms(row['p50'])} | "
                f"{ms(row['p95'])} | {ms(row['max'])} |"
            )
        errors = mx.get("all_errors") or {
            f"{f.get('Method')} {f.get('Name')}: {f.get('Error')}": f.get("Occurrences")
            for f in mx["failures"]
        }
        if errors:
            lines += ["", "Failures (whole run):", ""]
            for error, times in list(errors.items())[:20]:
                lines.append(f"- {error} ({times}×)")
    else:
        lines.append("Not run (`--mixed-users 0`).")
    lines += [
        "",
        "## htmx fragments against their full page (information)",
        "",
        "Not a budget of `product.md` §6 any more: the bytes an htmx request saves.",
        "",
        "| Page | User | URL | Full page (bytes) | Fragment (bytes) | Share |",
        "|---|---|---|---|---|---|",
    ]
    for f in r["fragments"]:
        lines.append(
            f"| {f['title']} | {f['user']} | `{f['path']}` | {f['full']:,} | {f['fragment']:,} | "
            f"{f['share']:.0%} |"
        )
    lines += transport_section(r)
    lines += ["", "## Notes", ""]
    lines.append(notes.strip() if notes.strip() else "None.")
    lines.append("")
    return "\n".join(lines)


def _over(rows: list[tuple[str, float]], digits: int = 1) -> str:
    return "; over: " + ", ".join(f"{title} ({value:.{digits}f}×)" for title, value in rows)


def summary(r: dict) -> list[tuple[str, str, str, bool]]:
    """One row per budget of product.md §6 this run measured."""
    pages = [p for p in r["pages"] if not p.get("reference")]
    out = []
    ratios = [p for p in r["ratios"]["pages"] if not p["reference"]]
    slow = [(p["title"], p["ratio"]) for p in ratios if p["ratio"] > REFERENCE_RATIO]
    out.append(
        (
            "Key pages: p50 at one connection against the reference page (interleaved)",
            f"{len(ratios) - len(slow)} of {len(ratios)} within" + (_over(slow) if slow else ""),
            f"≤ {REFERENCE_RATIO}×",
            not slow,
        )
    )
    budget = growth_budget(r)
    grown = [(p["title"], p["growth"]) for p in ratios if p["growth"] > budget]
    out.append(
        (
            f"Key pages: p50 on `--scale {r['scale']}` against `--scale {r['small_scale']}`",
            f"{len(ratios) - len(grown)} of {len(ratios)} within"
            + (_over(grown, digits=2) if grown else ""),
            f"≤ {budget}×",
            not grown,
        )
    )
    for p in pages:
        if p["budget_survey"]:
            out.append(
                (
                    f"Survey results, root unit with unit breakdown: {p['title']}",
                    f"p95 {ms(p['latency']['p95_ms'])} (1 conn.), {ms(p['throughput']['p95_ms'])} (8 conn.)",
                    "p95 ≤ 150 ms",
                    p["latency"]["p95_ms"] <= SURVEY_P95_MS,
                )
            )
    bad = [
        p["title"]
        for p in pages
        if not queries_ok(r["queries"]["large"].get(p["key"]), r["queries"]["small"].get(p["key"]))
    ]
    out.append(
        (
            "Every page: SQL statements per request bounded by a constant",
            f"{len(pages) - len(bad)} of {len(pages)} key pages run no more statements on this data set than on the small one"
            + (f" (differs: {', '.join(bad)})" if bad else ""),
            "no growth with the data",
            not bad,
        )
    )
    floor = next((p for p in r["pages"] if p.get("reference")), None)
    if floor:
        out.append(
            (
                f"Cheapest authenticated request ({floor['title']}): throughput against the "
                "minimal route, 8 connections",
                f"{floor['throughput']['rps']:.0f} against {r['minimal']['rps']:.0f} requests/s: "
                f"{pct(floor['share'])}",
                f"≥ {THROUGHPUT_SHARE:.0%}",
                floor["share"] >= THROUGHPUT_SHARE,
            )
        )
    mx = r.get("mixed")
    if mx:
        total = mx["total"]
        failures = max(total["failures"], mx.get("all_failures") or 0)
        out.append(
            (
                f"{mx['users']} simulated users, {mx['seconds']} s of mixed work",
                f"{failures} errors in {mx.get('all_requests') or total['count']:,} requests; "
                f"p95 {ms(total['p95'])} (timed part, all users logged in)",
                "no errors, p95 ≤ 500 ms",
                failures == 0 and total["p95"] <= MIXED_P95_MS,
            )
        )
    t = r.get("transport")
    if t:
        static = r["queries"]["large"].get("static_file")
        files = t["static"]
        out.append(
            (
                "Responses compressed; static files fingerprinted, cached a year, no session "
                "or database work",
                f"page: {t['page']['br']['encoding'] or 'none'} / {t['page']['gzip']['encoding'] or 'none'} "
                f"when asked; {sum(f['fingerprinted'] and f['year'] and not f['cookie'] for f in files)} "
                f"of {len(files)} static files of the page fingerprinted, `immutable` for a year, "
                f"no cookie; {static} SQL statements for a static file",
                "all",
                transport_ok(t, static),
            )
        )
    return out


# --- main ----------------------------------------------------------------------------------------
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1/postgres"),
        help="a PostgreSQL URL with the right to create databases",
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--small-scale", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page and mode")
    parser.add_argument("--mixed-users", type=int, default=200)
    parser.add_argument("--mixed-seconds", type=int, default=120)
    parser.add_argument(
        "--mixed-wait", default="5,15", help="seconds between a user's actions: min,max"
    )
    parser.add_argument(
        "--mixed-spawn-rate", type=int, default=5, help="users started (and logged in) per second"
    )
    parser.add_argument("--notes", help="a Markdown file included as the Notes section")
    parser.add_argument(
        "--ratio-rounds", type=int, default=30, help="rounds of the interleaved p50 measurement"
    )
    parser.add_argument(
        "--ratios-only",
        action="store_true",
        help="only the reference-page and growth budgets (and statements per page)",
    )
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs)")
    parser.add_argument(
        "--report-only",
        metavar="RESULTS_JSON",
        help="measure nothing: write the report again from the results.json of an earlier run "
        "(kept with --keep), e.g. with new --notes",
    )
    args = parser.parse_args(argv)
    if args.report_only:
        r = json.loads(Path(args.report_only).read_text())
        r["summary"] = summary(r)
        notes = Path(args.notes).read_text() if args.notes else ""
        Path(args.output).write_text(report(r, notes))
        log(f"wrote {args.output} from {args.report_only}")
        return 0

    workdir = Path(tempfile.mkdtemp(prefix="karier-bench-"))
    log(f"working in {workdir}")
    procs = Processes()
    databases: list[Database] = []
    r: dict = {
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "command": " ".join(
            [
                ".venv/bin/python scripts/bench.py",
                *(shlex.quote(a) for a in (argv or sys.argv[1:]) if a != "--keep"),
            ]
        ),
        "load_before": ", ".join(f"{x:.2f}" for x in os.getloadavg()),
        "machine": machine(),
        "versions": versions(),
        "scale": args.scale,
        "seed": args.seed,
        "small_scale": args.small_scale,
        "duration": args.duration,
    }
    try:
        big = Database(args.database, workdir, "large", args.pg_url)
        databases.append(big)
        small = Database(args.database, workdir, "small", args.pg_url)
        databases.append(small)
        r["database"] = big.server_version()
        env = app_env(big, workdir / "instance")
        log(f"seed-large --scale {args.scale} on {r['database']} …")
        r["build"] = build(big, env, args.scale, args.seed)
        log(f"seeded in {r['build']['seed_s']:.1f} s")
        small_env = app_env(small, workdir / "instance-small")
        build(small, small_env, args.small_scale, args.seed)
        t = targets(big)
        t_small = targets(small)
        r["targets"] = {
            k: v for k, v in t.items() if k not in ("staff_pool", "leaders", "open_sessions")
        }

        log("counting SQL statements per page …")
        r["queries"] = {
            "large": count_queries(big, workdir / "instance-count", t),
            "small": count_queries(small, workdir / "instance-count-small", t_small),
        }

        app_port, minimal_port = free_port(), free_port()
        gunicorn = str(BIN / "gunicorn")
        conf = str(ROOT / "deploy" / "gunicorn.conf.py")
        app_proc = procs.start(
            "gunicorn app",
            [gunicorn, "-c", conf, "app:create_app()"],
            dict(env, GUNICORN_BIND=f"127.0.0.1:{app_port}"),
            workdir / "gunicorn-app.log",
        )
        min_proc = procs.start(
            "gunicorn minimal",
            [gunicorn, "-c", conf, "scripts.minimal_app:app"],
            dict(env, GUNICORN_BIND=f"127.0.0.1:{minimal_port}"),
            workdir / "gunicorn-minimal.log",
        )
        base, minimal_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{minimal_port}/"
        wait_ready(base + "/healthz", app_proc)
        wait_ready(minimal_url, min_proc)
        r["gunicorn"] = _gunicorn_settings()
        browsers = {}
        for user in ("root", "staff", "organizer", "admin"):
            browser = Browser(base)
            browser.login(t[user])
            browsers[user] = browser
        pages = key_pages(t)
        for page in pages:
            headers = {"HX-Request": "true"} if page.hx else {}
            status, body, _h = browsers[page.user].request(page.path, headers=headers)
            if status != 200:
                raise RuntimeError(f"{page.path} as {page.user}: {status}")
            page.result["bytes"] = len(body)
        r["transport"] = transport(browsers["staff"], "/")

        # The reference page and the small data set's app, same gunicorn configuration.
        small_port, reference_port = free_port(), free_port()
        small_proc = procs.start(
            "gunicorn app (small data set)",
            [gunicorn, "-c", conf, "app:create_app()"],
            dict(small_env, GUNICORN_BIND=f"127.0.0.1:{small_port}"),
            workdir / "gunicorn-app-small.log",
        )
        reference_env = dict(
            env,
            REFERENCE_DATABASE_URI=(
                f"sqlite:///{workdir / 'reference.sqlite'}" if big.kind == "sqlite" else big.url
            ),
        )
        run([str(BIN / "python"), "-c", "import scripts.reference_app"], reference_env)  # seed
        reference_proc = procs.start(
            "gunicorn reference page",
            [gunicorn, "-c", conf, "scripts.reference_app:app"],
            dict(reference_env, GUNICORN_BIND=f"127.0.0.1:{reference_port}"),
            workdir / "gunicorn-reference.log",
        )
        small_base = f"http://127.0.0.1:{small_port}"
        reference_base = f"http://127.0.0.1:{reference_port}"
        wait_ready(small_base + "/healthz", small_proc)
        wait_ready(reference_base + "/healthz", reference_proc)
        reference = Browser(reference_base)
        if reference.request("/masuk?user=1")[0] != 303 or reference.request("/")[0] != 200:
            raise RuntimeError("the reference page does not log in")
        small_browsers = {}
        for user in ("root", "staff", "organizer", "admin"):
            small_browsers[user] = Browser(small_base)
            small_browsers[user].login(t_small[user])
        small_pages = {p.key: p for p in key_pages(t_small)}
        log("warming up the three servers …")
        measure_ratios(pages, small_pages, browsers, small_browsers, reference, 2)
        r["load_ratios"] = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        log(f"reference and growth: {args.ratio_rounds} interleaved rounds …")
        r["ratios"] = measure_ratios(
            pages, small_pages, browsers, small_browsers, reference, args.ratio_rounds
        )
        for p in r["ratios"]["pages"]:
            log(
                f"{p['key']}: p50 {p['p50_ms']:.1f} ms, {p['ratio']:.1f}× reference, "
                f"growth {p['growth']:.2f}×"
            )
        if args.ratios_only:
            r["load_after"] = ", ".join(f"{x:.2f}" for x in os.getloadavg())
            (workdir / "results.json").write_text(json.dumps(r, indent=2, default=str))
            notes = Path(args.notes).read_text() if args.notes else ""
            Path(args.output).write_text(ratios_report(r, notes))
            log(f"wrote {args.output}")
            return 0
        small_proc_group = procs.items[-2][2]
        reference_group = procs.items[-1][2]
        for group in (reference_group, small_proc_group):  # free the CPU for the rest
            os.killpg(group, signal.SIGTERM)

        r["fragments"] = []
        for title, user, path in fragment_pairs(t):
            s_full, full, _h = browsers[user].request(path)
            s_frag, frag, _h = browsers[user].request(path, headers={"HX-Request": "true"})
            if s_full != 200 or s_frag != 200:
                raise RuntimeError(f"{path} as {user}: {s_full}/{s_frag}")
            share = len(frag) / len(full)
            r["fragments"].append(
                {
                    "title": title,
                    "user": user,
                    "path": path,
                    "full": len(full),
                    "fragment": len(frag),
                    "share": share,
                    "ok": share <= FRAGMENT_SHARE,
                }
            )

        log("warming up …")
        wrk(minimal_url, "", False, 2, 8, 2)
        for page in pages:
            wrk(base + page.path, browsers[page.user].cookie, page.hx, 2, 8, 2)
        drain(app_proc.pid)
        r["load_pages"] = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        before = wrk(minimal_url, "", False, 2, 8, args.duration)
        drain(min_proc.pid)
        log(f"minimal route: {before['rps']:.0f} requests/s")
        results = []
        for page in pages:
            cookie = browsers[page.user].cookie
            latency = wrk(base + page.path, cookie, page.hx, 1, 1, args.duration)
            drain(app_proc.pid)
            throughput = wrk(base + page.path, cookie, page.hx, 2, 8, args.duration)
            waited = drain(app_proc.pid)
            log(
                f"{page.key}: p95 {latency['p95_ms']:.0f} ms (1 conn.), "
                f"{throughput['rps']:.1f} requests/s (then {waited:.0f} s to drain)"
            )
            results.append((page, latency, throughput))
        after = wrk(minimal_url, "", False, 2, 8, args.duration)
        minimal_rps = (before["rps"] + after["rps"]) / 2
        r["minimal"] = {"before": before, "after": after, "rps": minimal_rps}
        r["pages"] = [
            {
                "key": p.key,
                "title": p.title,
                "user": p.user,
                "path": p.path,
                "hx": p.hx,
                "budget_survey": p.budget_survey,
                "reference": p.reference,
                "bytes": p.result["bytes"],
                "latency": lat,
                "throughput": thr,
                "share": thr["rps"] / minimal_rps if minimal_rps else 0.0,
            }
            for p, lat, thr in results
        ]

        if args.mixed_users > 0:
            log(f"mixed workload: {args.mixed_users} users for {args.mixed_seconds} s …")
            r["mixed"] = mixed(
                base,
                t,
                workdir,
                args.mixed_users,
                args.mixed_seconds,
                args.mixed_wait,
                procs,
                env,
                args.mixed_spawn_rate,
            )
            log(
                f"mixed: {r['mixed']['total']['count']} requests, {r['mixed']['total']['failures']} "
                f"failures, p95 {r['mixed']['total']['p95']:.0f} ms"
            )
        r["load_after"] = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        r["summary"] = summary(r)
        (workdir / "results.json").write_text(json.dumps(r, indent=2, default=str))
        notes = Path(args.notes).read_text() if args.notes else ""
        Path(args.output).write_text(report(r, notes))
        log(f"wrote {args.output}; results in {workdir / 'results.json'} (kept only with --keep)")
        for row in r["summary"]:
            log(f"{'MET   ' if row[3] else 'MISSED'} {row[0]}: {row[1]}")
    finally:
        _cleanup(procs, databases, workdir, args.keep)
    return 0


def _gunicorn_settings() -> str:
    """The settings deploy/gunicorn.conf.py gives (read from the file, environment as here)."""
    values = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    keys = ("workers", "threads", "worker_class", "keepalive", "max_requests", "preload_app")
    return ", ".join(f"{k}={values[k]}" for k in keys if k in values)


def _cleanup(procs: Processes, databases: list, workdir: Path, keep: bool) -> None:
    procs.stop_all()
    for db in databases:
        try:
            db.drop()
        except Exception as exc:  # noqa: BLE001 - report and go on cleaning up
            log(f"could not drop {db.name}: {exc}")
    if keep:
        log(f"kept {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
