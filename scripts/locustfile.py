"""Mixed workload for scripts/bench.py (product.md §6): simulated people at their browsers.

Staff browse the catalogue (with the live search), open sessions, register and cancel, and answer
the open survey once; leaders look at their team, give feedback through the real form (CSRF token
from the page) and read their dashboard and survey results. Every simulated user logs in as a
different employee. Run by bench.py; by hand:

    BENCH_ACCOUNTS=accounts.json .venv/bin/locust -f scripts/locustfile.py --headless \\
        -u 200 -r 10 -t 120s -H http://127.0.0.1:8000

accounts.json (written by bench.py): {"password": ..., "staff": [emails], "leaders": [emails],
"sessions": [ids of sessions open for registration], "open_wave": id, "closed_wave": id,
"search": [words]}.
"""

import itertools
import json
import os
import random
import re
from datetime import date
from pathlib import Path

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

ACCOUNTS = (
    json.loads(Path(os.environ["BENCH_ACCOUNTS"]).read_text())
    if "BENCH_ACCOUNTS" in os.environ
    else {}
)
WAIT = [float(x) for x in os.environ.get("BENCH_WAIT", "5,15").split(",")]
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
QUESTION = re.compile(r'name="(q_\d+)"[^>]*value="(\d)"')
TEXT_QUESTION = re.compile(r'<textarea[^>]*name="(q_\d+)"')
RECEIVERS = re.compile(r'<select[^>]*name="receiver_id".*?</select>', re.S)
OPTION = re.compile(r'<option[^>]*value="(\d+)"')
_next = {"staff": itertools.count(), "leaders": itertools.count()}
# Every request of the whole run, ramp-up included (bench.py times only the part after it with
# --reset-stats, but no failure may hide there): written to BENCH_TOTALS at the end.
TOTALS = {"requests": 0, "failures": 0, "errors": {}, "login_ms": []}


@events.request.add_listener
def _count(request_type, name, response_time, response_length, exception=None, **_kwargs):
    TOTALS["requests"] += 1
    if name == "/masuk [POST]":
        TOTALS["login_ms"].append(response_time)
    if exception:
        TOTALS["failures"] += 1
        key = f"{request_type} {name}: {exception}"
        TOTALS["errors"][key] = TOTALS["errors"].get(key, 0) + 1


@events.quitting.add_listener
def _write_totals(environment, **_kwargs):
    if "BENCH_TOTALS" in os.environ:
        Path(os.environ["BENCH_TOTALS"]).write_text(json.dumps(TOTALS))


OK = (200, 303)


def _account(kind: str) -> str:
    pool = ACCOUNTS[kind]
    return pool[next(_next[kind]) % len(pool)]


class Person(FastHttpUser):
    abstract = True
    wait_time = between(*WAIT)
    kind = "staff"

    def on_start(self):
        self.email = _account(self.kind)
        page = self.client.get("/masuk", name="/masuk")
        token = TOKEN.search(page.text or "")
        with self.client.post(
            "/masuk",
            data={
                "identifier": self.email,
                "password": ACCOUNTS["password"],
                "csrf_token": token.group(1) if token else "",
            },
            name="/masuk [POST]",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 303 or "masuk" in response.headers.get("Location", ""):
                response.failure(f"login failed for {self.email}: {response.status_code}")
            else:
                response.success()

    def token_from(self, text: str) -> str:
        match = TOKEN.search(text or "")
        return match.group(1) if match else ""

    def post(self, path: str, data: dict, name: str):
        with self.client.post(
            path, data=data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code in OK:
                response.success()
            else:
                response.failure(f"{response.status_code}")
            return response


class Staff(Person):
    weight = 3
    kind = "staff"

    def on_start(self):
        super().on_start()
        self.answered = False
        self.registered: list[int] = []

    @task(4)
    def home(self):
        self.client.get("/", name="/")

    @task(4)
    def catalogue(self):
        self.client.get("/pelatihan/", name="/pelatihan/")
        self.client.get(
            f"/pelatihan/?q={random.choice(ACCOUNTS['search'])}",
            headers={"HX-Request": "true"},
            name="/pelatihan/?q= [htmx]",
        )

    @task(3)
    def session(self):
        self.client.get(
            f"/pelatihan/sesi/{random.choice(ACCOUNTS['sessions'])}", name="/pelatihan/sesi/[id]"
        )

    @task(2)
    def register_or_cancel(self):
        if self.registered and random.random() < 0.5:
            session_id = self.registered.pop()
            page = self.client.get(f"/pelatihan/sesi/{session_id}", name="/pelatihan/sesi/[id]")
            self.post(
                f"/pelatihan/sesi/{session_id}/batal",
                {"csrf_token": self.token_from(page.text)},
                "/pelatihan/sesi/[id]/batal",
            )
            return
        session_id = random.choice(ACCOUNTS["sessions"])
        page = self.client.get(f"/pelatihan/sesi/{session_id}", name="/pelatihan/sesi/[id]")
        response = self.post(
            f"/pelatihan/sesi/{session_id}/daftar",
            {"csrf_token": self.token_from(page.text), "confirm_clash": "1"},
            "/pelatihan/sesi/[id]/daftar",
        )
        if response.status_code == 303:
            self.registered.append(session_id)

    @task(2)
    def survey(self):
        if self.answered:
            self.client.get("/survei/", name="/survei/")
            return
        wave = ACCOUNTS["open_wave"]
        page = self.client.get(f"/survei/{wave}", name="/survei/[id]")
        text = page.text or ""
        answers = {}
        for name, _value in QUESTION.findall(text):
            answers[name] = str(random.choice([2, 3, 4, 4, 5]))
        for name in TEXT_QUESTION.findall(text)[:1]:
            answers[name] = "Pendampingan di meja layanan pada minggu pertama."
        answers["csrf_token"] = self.token_from(text)
        response = self.post(f"/survei/{wave}/kirim", answers, "/survei/[id]/kirim")
        self.answered = response.status_code == 303


class Leader(Person):
    weight = 1
    kind = "leaders"

    @task(3)
    def home(self):
        self.client.get("/", name="/")

    @task(3)
    def team(self):
        self.client.get("/umpan-balik/tim", name="/umpan-balik/tim")

    @task(2)
    def dashboard(self):
        self.client.get("/dasbor/pimpinan", name="/dasbor/pimpinan")

    @task(1)
    def results(self):
        self.client.get(f"/survei/hasil/{ACCOUNTS['closed_wave']}", name="/survei/hasil/[id]")

    @task(2)
    def give_feedback(self):
        page = self.client.get("/umpan-balik/baru", name="/umpan-balik/baru")
        select = RECEIVERS.search(page.text or "")
        receivers = [r for r in OPTION.findall(select.group(0)) if r != "0"] if select else []
        if not receivers:
            return
        self.post(
            "/umpan-balik/baru",
            {
                "csrf_token": self.token_from(page.text),
                "receiver_id": random.choice(receivers),
                "occurred_on": date.today().isoformat(),
                "context": "Pelayanan surat keterangan di loket pada pekan antrean padat.",
                "strengths": "Ramah dan sabar kepada warga lanjut usia; berkas lengkap.",
                "improvements": "Pakai daftar periksa agar antrean tidak menumpuk.",
                "values": "berorientasi_pelayanan",
                "action": "send",
            },
            "/umpan-balik/baru [POST]",
        )
