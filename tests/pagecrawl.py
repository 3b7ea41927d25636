"""Every HTML page a demo role can reach: a crawl of GET links with the Flask test client.

Used by the layout test (tests/e2e/test_layout_overflow.py) and the HTML checker test
(tests/test_html_valid.py). A crawl starts at the home page, at the pages of DIRECT (pages no
link leads to on the demo data: a QR's URL, a certificate's verification, the preview after an
upload, a draft, the confirmation pages) and at every GET endpoint of the route matrix
(tests/test_security_matrix.py) that takes no argument; it follows same-site links and GET forms
(a confirmation page is opened by a GET form), and keeps at most PER_ENDPOINT distinct URLs per
endpoint (a session page stands for every session page), so that the set is the route matrix's
pages as that role sees them on the demo data.

Call seed_for_crawl(app) once after `flask seed-demo`: it adds what the demo data lacks for DIRECT
(a session open for check-in now, a certificate, a survey action, an editable instrument)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlencode, urljoin, urlsplit

from werkzeug.exceptions import HTTPException

DEMO_ROLES = {
    "pegawai": "pegawai@demo.local",
    "penyelenggara": "penyelenggara@demo.local",
    "camat": "camat@demo.local",
    "lurah": "lurah.terjun@demo.local",
    "admin": "admin@demo.local",
}
DEMO_PASSWORD = "demo-marelan"  # noqa: S105 - the documented demo password
PER_ENDPOINT = 2
MAX_PAGES = 400
# Not pages: logout and language are POST, the rest answer files or fragments.
SKIP_ENDPOINTS = {"static", "notifications.count", "dashboard.healthz", "auth.login"}
# Pages each role is given directly (direct_urls); the tests check that the crawl has them.
DIRECT = {
    "pegawai": {
        "workshops.cancel_confirm",
        "workshops.evaluate",
        "workshops.checkin_scan",
        "workshops.verify",
        "surveys.submitted",
    },
    "penyelenggara": {"workshops.remove_confirm"},
    "camat": {"surveys.action_edit", "surveys.submitted"},
    "lurah": {"feedback.edit", "workshops.decline_confirm"},
    "admin": {"admin.import_preview", "surveys.edit_question"},
}
IMPORT_SAMPLE = (
    "nip;nama;email;unit_kode;jabatan;jenis_jabatan;golongan;status_kepegawaian;atasan_nip\n"
    "19800101 200501 1 001;Contoh Nama Pegawai Dengan Nama Yang Cukup Panjang;"
    "contoh.pegawai.dengan.alamat.panjang@marelan.go.id;KEL-TJ;Pengadministrasi Umum;"
    "pelaksana;III/a;PNS;\n"
    "1234;Baris Salah;bukan-email;TIDAK-ADA;Analis;pelaksana;IX/z;PNS;\n"
)


@dataclass
class Page:
    role: str
    url: str
    endpoint: str
    html: str


class _Links(HTMLParser):
    """Links (not downloads) and GET forms with an action (their hidden fields as the query)."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self._form: tuple[str, list[tuple[str, str]]] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            href = attrs.get("href")
            if href and "download" not in attrs:
                self.hrefs.append(href)
        elif tag == "form":
            method = (attrs.get("method") or "get").lower()
            self._form = (attrs["action"], []) if method == "get" and attrs.get("action") else None
        elif self._form is not None and tag == "input" and attrs.get("type") == "hidden":
            self._form[1].append((attrs.get("name") or "", attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            action, fields = self._form
            query = urlencode([(name, value) for name, value in fields if name])
            self.hrefs.append(action + (("&" if "?" in action else "?") + query if query else ""))
            self._form = None


def _endpoint(app, url: str) -> str | None:
    parts = urlsplit(url)
    try:
        endpoint, _ = app.url_map.bind("localhost").match(parts.path, method="GET")
    except HTTPException:
        return None
    return endpoint


def _start_urls(app) -> list[str]:
    urls = ["/"]
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and rule.endpoint not in SKIP_ENDPOINTS:
            urls.append(rule.rule)
    return sorted(set(urls), key=lambda u: (u != "/", u))


def _person(role: str):
    from sqlalchemy import select

    from blueprints.auth.models import Employee
    from extensions import db

    return db.session.scalars(select(Employee).where(Employee.email == DEMO_ROLES[role])).one()


def seed_for_crawl(app) -> None:
    """What DIRECT needs beyond the demo data (once, after seed-demo): a session of today open
    for check-in with pegawai registered, a certificate for one of her attendances, an action
    of the camat on the closed survey wave, an editable copy of the survey instrument, and an
    attendance of hers still to be evaluated."""
    from sqlalchemy import select

    from blueprints.common.timefmt import today_wib, utcnow
    from blueprints.surveys.builder import builtin_instrument, copy_instrument
    from blueprints.surveys.models import SurveyAction, SurveyWave
    from blueprints.workshops.certificates import issue_certificate
    from blueprints.workshops.models import Registration, Workshop, WorkshopSession
    from extensions import db

    with app.test_request_context("/"):
        pegawai, camat = _person("pegawai"), _person("camat")
        now = utcnow().replace(second=0, microsecond=0)
        workshop = db.session.scalars(select(Workshop).order_by(Workshop.id)).first()
        session = WorkshopSession(
            workshop_id=workshop.id,
            starts_at=now - timedelta(minutes=30),
            ends_at=now + timedelta(hours=2),
            venue="Aula Kantor Camat Medan Marelan, Jl. Marelan Raya",
            capacity=20,
            jp_credited=2,
            status="published",
            queue_seq=1,
            facilitator="Tim BPSDM Provinsi Sumatera Utara",
        )
        db.session.add(session)
        db.session.flush()
        db.session.add(
            Registration(
                session_id=session.id, employee_id=pegawai.id, status="confirmed", position=1
            )
        )
        attended = db.session.scalars(
            select(Registration)
            .join(Registration.session)
            .where(
                Registration.employee_id == pegawai.id,
                Registration.attended.is_(True),
                WorkshopSession.status == "completed",
            )
            .order_by(Registration.id)
        ).all()
        issue_certificate(attended[0])
        if all(r.evaluated for r in attended):
            attended[-1].evaluated = False
        wave = db.session.scalars(
            select(SurveyWave).where(SurveyWave.status == "closed").order_by(SurveyWave.id)
        ).first()
        db.session.add(
            SurveyAction(
                wave_id=wave.id,
                unit_id=camat.unit_id,
                dimension_id=wave.instrument.dimensions[0].id,
                what="Pendampingan sebaya di loket layanan daring selama minggu pertama",
                owner_id=camat.id,
                due_on=today_wib() + timedelta(days=14),
                status="berjalan",
                notes="Dibahas di rapat staf.",
                author_id=camat.id,
            )
        )
        copy_instrument(builtin_instrument())
        db.session.commit()


def direct_urls(app, role: str) -> list[str]:
    """The DIRECT pages of a role, found on the (seeded) demo data; tokens made now."""
    from sqlalchemy import select

    from blueprints.admin import importer
    from blueprints.feedback.models import Feedback
    from blueprints.surveys.models import SurveyAction, SurveyInstrument, SurveyParticipation
    from blueprints.workshops import checkin
    from blueprints.workshops.catalogue import session_view
    from blueprints.workshops.models import Certificate, Registration, Workshop, WorkshopSession
    from blueprints.workshops.registration import pending_approvals_for
    from extensions import db

    urls: list[str] = []
    with app.test_request_context("/"):
        person = _person(role)
        waves = db.session.scalars(
            select(SurveyParticipation.wave_id)
            .where(SurveyParticipation.employee_id == person.id)
            .order_by(SurveyParticipation.wave_id)
        ).all()
        urls += [f"/survei/{wave_id}/terkirim" for wave_id in waves[:1]]
        mine = db.session.scalars(
            select(Registration)
            .where(Registration.employee_id == person.id)
            .order_by(Registration.id)
        ).all()
        open_now = {s.id for s in checkin.sessions_open_now()}
        for registration in mine:
            view = session_view(registration.session, person)
            if view.can_cancel:
                urls.append(f"/pelatihan/sesi/{registration.session_id}/batal")
            if view.can_evaluate:
                urls.append(f"/pelatihan/sesi/{registration.session_id}/evaluasi")
            if registration.session_id in open_now and registration.status == "confirmed":
                token = checkin.make_token(registration.session_id, checkin.step_of())
                urls.append(f"/pelatihan/hadir/{registration.session_id}/{token}")
        code = db.session.scalars(
            select(Certificate.code)
            .join(Registration, Certificate.registration_id == Registration.id)
            .where(Registration.employee_id == person.id)
        ).first()
        if code:
            urls.append(f"/verifikasi/{code}")
        if role == "penyelenggara":
            registration = db.session.scalars(
                select(Registration)
                .join(Registration.session)
                .join(WorkshopSession.workshop)
                .where(
                    Registration.status == "confirmed",
                    WorkshopSession.status == "published",
                    Workshop.organizers.any(id=person.id),
                )
                .order_by(Registration.id)
            ).first()
            if registration:
                urls.append(f"/pelatihan/kelola/pendaftaran/{registration.id}/keluarkan")
        for registration in pending_approvals_for(person)[:1]:
            urls.append(f"/pelatihan/persetujuan/{registration.id}/tolak?next=%2F")
        draft = db.session.scalars(
            select(Feedback.id).where(Feedback.author_id == person.id, Feedback.status == "draft")
        ).first()
        if draft:
            urls.append(f"/umpan-balik/{draft}/ubah")
        action = db.session.scalars(
            select(SurveyAction.id).where(SurveyAction.author_id == person.id)
        ).first()
        if action:
            urls.append(f"/survei/aksi/{action}/ubah")
        if role == "admin":
            copy = db.session.scalars(
                select(SurveyInstrument).where(SurveyInstrument.copied_from_id.is_not(None))
            ).first()
            if copy and copy.questions:
                urls.append(f"/survei/kelola/pertanyaan/{copy.questions[0].id}/ubah")
            token = importer.store_upload(IMPORT_SAMPLE, person.id, "pegawai-baru.csv")
            urls.append(f"/admin/impor/{token}")
    return urls


def crawl(app, role: str, per_endpoint: int = PER_ENDPOINT) -> list[Page]:
    """Log in as the demo role with a fresh test client and collect its HTML pages."""
    client = app.test_client()
    form = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    response = client.post(
        "/masuk",
        data={
            "identifier": DEMO_ROLES[role],
            "password": DEMO_PASSWORD,
            "csrf_token": token.group(1) if token else "",
        },
    )
    assert response.status_code in (302, 303), f"login as {role} failed"
    queue = ["/", *direct_urls(app, role), *_start_urls(app)]
    seen: set[str] = set()
    per: dict[str, int] = {}
    pages: list[Page] = []
    while queue and len(pages) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        endpoint = _endpoint(app, url)
        if endpoint is None or endpoint in SKIP_ENDPOINTS or per.get(endpoint, 0) >= per_endpoint:
            continue
        response = client.get(url)
        is_page = response.status_code == 200 and response.mimetype == "text/html"
        html = response.get_data(as_text=True) if is_page else ""
        response.close()  # downloads are file streams
        if not is_page:
            continue
        if "<html" not in html[:300].lower():
            continue
        per[endpoint] = per.get(endpoint, 0) + 1
        pages.append(Page(role, url, endpoint, html))
        parser = _Links()
        parser.feed(html)
        for href in parser.hrefs:
            target = urldefrag(urljoin(url, href)).url
            parts = urlsplit(target)
            if parts.scheme not in ("", "http") or parts.netloc not in ("", "localhost"):
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path not in seen and not re.search(r"/(keluar|logout)\b", path):
                queue.append(path)
    return pages
