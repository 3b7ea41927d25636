"""Real app instances in their own processes (gunicorn), for scale-out and fault tests.

Separate processes matter: in-process apps would share the rate limiter's memory and prove
nothing about Redis.
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Instance:
    """One gunicorn process serving the app on a free port."""

    def __init__(
        self, database_url: str, instance_path: str, workers: int = 1, threads: int = 8, **config
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("KARIER_")}
        env.update(
            KARIER_SQLALCHEMY_DATABASE_URI=database_url,
            KARIER_SECRET_KEY="shared-secret-for-all-hosts",
            KARIER_INSTANCE_PATH=instance_path,
        )
        env.update({f"KARIER_{k}": str(v) for k, v in config.items()})
        Path(instance_path).mkdir(parents=True, exist_ok=True)
        self.log = open(Path(instance_path) / f"gunicorn-{self.port}.log", "w+")
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "-b",
                f"127.0.0.1:{self.port}",
                "-w",
                str(workers),
                "--threads",
                str(threads),
                "-k",
                "gthread",
                "--graceful-timeout",
                "5",
                "app:create_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.1)
        self.log.seek(0)
        raise RuntimeError(f"instance did not start: {self.log.read()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


class Browser:
    """A person at a browser: cookies, CSRF token from the last page, redirects not followed."""

    TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": "([^"]+)"')

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        self.token = ""

    def get(self, path: str, base_url: str | None = None) -> tuple[int, str]:
        status, body = self._send(urllib.request.Request((base_url or self.base_url) + path))
        match = self.TOKEN.search(body)
        if match:
            self.token = match.group(1) or match.group(2)
        return status, body

    def post(self, path: str, data: dict, base_url: str | None = None) -> tuple[int, str]:
        if not self.token:
            self.get("/masuk", base_url)
        payload = urllib.parse.urlencode({**data, "csrf_token": self.token}).encode()
        return self._send(urllib.request.Request((base_url or self.base_url) + path, data=payload))

    def login(self, email: str, password: str, base_url: str | None = None) -> int:
        self.get("/masuk", base_url)
        status, _ = self.post("/masuk", {"identifier": email, "password": password}, base_url)
        self.token = ""
        return status

    def _send(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
