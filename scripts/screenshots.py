"""Screenshots of the main pages for the README, made in Chromium on the demo data.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--width 1280] [--phone 390]

Seeds a fresh demo database in a temporary folder, serves the app on a free local port (a
werkzeug thread), signs in as the demo accounts in headless Chromium (Debian's /usr/bin/chromium,
or CHROMIUM_PATH) and saves PNGs of whole pages (cut at MAX_HEIGHT) or of one part of a page:

    home.png                  pegawai@demo.local        /
    catalogue.png             pegawai@demo.local        /pelatihan/
    feedback.png              pegawai@demo.local        the latest feedback she received
    jp-ledger.png             pegawai@demo.local        /pelatihan/jp (her JP, external learning)
    survey-results.png        camat@demo.local          results of the closed survey wave
    survey-heatmap.png        camat@demo.local          the open wave's "Per unit" section
    survey-trend.png          camat@demo.local          the open wave's trend section
    leader-dashboard.png      camat@demo.local          /dasbor/pimpinan
    leader-people.png         camat@demo.local          /dasbor/pimpinan/pegawai
    participants.png          penyelenggara@demo.local  the full session's participants and waitlist

Each is also shot at phone width (390 x 844) as <name>-phone.png (--phone 0 skips them). The
PNGs are reduced to a 256-colour palette and optimised (Pillow), which keeps text sharp at a
third of the size. Run it again whenever the pages change; nothing outside the temporary folder
is touched except the output folder.
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
PART_MARGIN = 12  # px of the page around a shot of one part
PALETTE_COLOURS = 256  # screenshots are flat UI colours: a palette keeps them legible


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
    """Ids the shots need: pegawai's latest feedback, the closed and the open survey wave, and
    the session with the longest waitlist (the full one), else the most participants."""
    from sqlalchemy import case, func, select

    from blueprints.auth.models import Employee
    from blueprints.feedback.models import Feedback
    from blueprints.surveys.models import SurveyWave
    from blueprints.workshops.models import Registration, WorkshopSession
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
        open_wave = db.session.scalars(
            select(SurveyWave.id)
            .where(SurveyWave.status == "open")
            .order_by(SurveyWave.opens_on.desc())
        ).first()
        session = db.session.scalars(
            select(WorkshopSession.id)
            .join(Registration, Registration.session_id == WorkshopSession.id)
            .where(WorkshopSession.status == "published")
            .group_by(WorkshopSession.id)
            .order_by(
                func.sum(case((Registration.status == "waitlisted", 1), else_=0)).desc(),
                func.count(Registration.id).desc(),
                WorkshopSession.id,
            )
        ).first()
    return {"feedback": feedback, "wave": wave, "open_wave": open_wave, "session": session}


Shot = tuple[str, str, str, str | None]  # account, path, file name, CSS selector of a part


def readme_shots(ids: dict[str, int]) -> list[Shot]:
    """(account, path, file name, selector or None for the page) of the README pictures."""
    open_results = f"/survei/hasil/{ids['open_wave']}"
    return [
        ("pegawai@demo.local", "/", "home.png", None),
        ("pegawai@demo.local", "/pelatihan/", "catalogue.png", None),
        ("pegawai@demo.local", f"/umpan-balik/{ids['feedback']}", "feedback.png", None),
        ("pegawai@demo.local", "/pelatihan/jp", "jp-ledger.png", None),
        ("camat@demo.local", f"/survei/hasil/{ids['wave']}", "survey-results.png", None),
        ("camat@demo.local", open_results, "survey-heatmap.png", "section:has(#heat-title)"),
        ("camat@demo.local", open_results, "survey-trend.png", "section:has(#trend-title)"),
        ("camat@demo.local", "/dasbor/pimpinan", "leader-dashboard.png", None),
        ("camat@demo.local", "/dasbor/pimpinan/pegawai", "leader-people.png", None),
        (
            "penyelenggara@demo.local",
            f"/pelatihan/kelola/sesi/{ids['session']}/peserta",
            "participants.png",
            None,
        ),
    ]


def optimise(path: Path) -> None:
    """A 256-colour palette, optimised: a third of the size, the text as sharp."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(
            colors=PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    small.save(path, optimize=True)


def shoot(base_url: str, shots: list[Shot], out: Path, width: int, height: int = 900) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for email, path, name, selector in shots:
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
                if selector:  # one part of the page, however far down it is, with a margin
                    box = page.locator(selector).first.bounding_box()
                    scroll = page.evaluate("window.scrollY")
                    x, y = max(box["x"] - PART_MARGIN, 0), max(box["y"] + scroll - PART_MARGIN, 0)
                    page.screenshot(
                        path=str(target),
                        full_page=True,
                        clip={
                            "x": x,
                            "y": y,
                            "width": min(box["width"] + 2 * PART_MARGIN, width - x),
                            "height": box["height"] + 2 * PART_MARGIN,
                        },
                    )
                else:
                    full = page.evaluate("document.documentElement.scrollHeight")
                    page.screenshot(
                        path=str(target),
                        full_page=True,
                        clip={"x": 0, "y": 0, "width": width, "height": min(full, MAX_HEIGHT)},
                    )
                optimise(target)
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
                (email, path, f"{name}.png", None) for email, path, name in args.extra
            ]
            for path in shoot(base_url, shots, Path(args.out), args.width):
                print(f"  {path}")
            if args.phone:
                phone = [(e, p, n.replace(".png", "-phone.png"), sel) for e, p, n, sel in shots]
                for path in shoot(base_url, phone, Path(args.out), args.phone, height=844):
                    print(f"  {path}")
        finally:
            server.shutdown()
            thread.join(timeout=5)


if __name__ == "__main__":
    main()
