"""Screenshots of the main pages for the README, made in Chromium on the demo data.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--width 1280] [--phone 390]

Seeds a fresh demo database in a temporary folder, serves the app on a free local port (a
werkzeug thread), signs in as the demo accounts in headless Chromium (Debian's /usr/bin/chromium,
or CHROMIUM_PATH) and saves full-page PNGs:

    home.png              pegawai@demo.local    /
    catalogue.png         pegawai@demo.local    /pelatihan/
    feedback.png          pegawai@demo.local    the latest feedback she received
    survey-results.png    camat@demo.local      results of the closed survey wave
    leader-dashboard.png  camat@demo.local      /dasbor/pimpinan

Each page is also shot at phone width (390 x 844) as <name>-phone.png (--phone 0 skips them).
Run it again whenever the pages change; nothing outside the temporary folder is touched except
the output folder.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PASSWORD = "demo-marelan"  # noqa: S105 - the documented demo password
MAX_HEIGHT = 3600  # long pages are cut here: the README wants the top of each page


def build_app(folder: str):
    from app import create_app
    from extensions import db

    app = create_app(
        {
            "SECRET_KEY": "screenshots-only",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/demo.sqlite",
            "UPLOAD_FOLDER": os.path.join(folder, "uploads"),
            "RATELIMIT_ENABLED": False,
            "NOTIFICATION_POLL_SECONDS": 3600,  # no polling requests while shooting
        }
    )
    with app.app_context():
        db.create_all()
        result = app.test_cli_runner().invoke(args=["seed-demo", "--password", PASSWORD])
        if result.exit_code != 0:
            raise SystemExit(f"seed-demo failed:\n{result.output}")
    return app


def targets(app) -> dict[str, int]:
    """Ids the shots need: pegawai's latest feedback and the closed survey wave."""
    from sqlalchemy import select

    from blueprints.auth.models import Employee
    from blueprints.feedback.models import Feedback
    from blueprints.surveys.models import SurveyWave
    from extensions import db

    with app.app_context():
        pegawai = db.session.scalars(
            select(Employee).where(Employee.email == "pegawai@demo.local")
        ).one()
        feedback = db.session.scalars(
            select(Feedback.id)
            .where(Feedback.receiver_id == pegawai.id, Feedback.status == "sent")
            .order_by(Feedback.sent_at.desc())
        ).first()
        wave = db.session.scalars(
            select(SurveyWave.id)
            .where(SurveyWave.status == "closed")
            .order_by(SurveyWave.opens_on.desc())
        ).first()
    return {"feedback": feedback, "wave": wave}


def readme_shots(ids: dict[str, int]) -> list[tuple[str, str, str]]:
    """(account, path, file name) of the README pictures."""
    return [
        ("pegawai@demo.local", "/", "home.png"),
        ("pegawai@demo.local", "/pelatihan/", "catalogue.png"),
        ("pegawai@demo.local", f"/umpan-balik/{ids['feedback']}", "feedback.png"),
        ("camat@demo.local", f"/survei/hasil/{ids['wave']}", "survey-results.png"),
        ("camat@demo.local", "/dasbor/pimpinan", "leader-dashboard.png"),
    ]


def shoot(
    base_url: str, shots: list[tuple[str, str, str]], out: Path, width: int, height: int = 900
) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for email, path, name in shots:
                context = browser.new_context(
                    base_url=base_url,
                    locale="id-ID",
                    timezone_id="Asia/Jakarta",
                    viewport={"width": width, "height": height},
                )
                page = context.new_page()
                page.goto("/masuk")
                page.get_by_label("NIP atau email").fill(email)
                page.get_by_label("Kata sandi").fill(PASSWORD)
                page.get_by_role("button", name="Masuk").click()
                page.wait_for_url(lambda url: "/masuk" not in url)
                response = page.goto(path)
                if response is None or response.status != 200:
                    raise SystemExit(f"{path} answered {response.status if response else '?'}")
                page.wait_for_load_state("networkidle")
                target = out / name
                height = page.evaluate("document.documentElement.scrollHeight")
                page.screenshot(
                    path=str(target),
                    full_page=True,
                    clip={"x": 0, "y": 0, "width": width, "height": min(height, MAX_HEIGHT)},
                )
                saved.append(target)
                context.close()
        finally:
            browser.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--phone", type=int, default=390, help="phone width; 0: no phone shots")
    parser.add_argument(
        "--extra",
        nargs=3,
        action="append",
        default=[],
        metavar=("EMAIL", "PATH", "NAME"),
        help="another page to shoot, e.g. --extra camat@demo.local /karier career",
    )
    args = parser.parse_args()

    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    with tempfile.TemporaryDirectory(prefix="karier-shots-") as folder:
        os.environ["KARIER_INSTANCE_PATH"] = folder  # keep instance/ files out of the repo
        print("Seeding the demo data …")
        app = build_app(folder)
        ids = targets(app)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            base_url = f"http://127.0.0.1:{server.server_port}"
            print(f"Serving on {base_url}; shooting …")
            shots = readme_shots(ids) + [
                (email, path, f"{name}.png") for email, path, name in args.extra
            ]
            for path in shoot(base_url, shots, Path(args.out), args.width):
                print(f"  {path}")
            if args.phone:
                phone = [(e, p, n.replace(".png", "-phone.png")) for e, p, n in shots]
                for path in shoot(base_url, phone, Path(args.out), args.phone, height=844):
                    print(f"  {path}")
        finally:
            server.shutdown()
            thread.join(timeout=5)


if __name__ == "__main__":
    main()
