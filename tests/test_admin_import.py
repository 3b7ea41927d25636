"""CSV import: dry-run preview, an error per bad row (line and reason), all-or-nothing commit,
re-submitting the preview without uploading again, bulk queries, and the CLI command."""

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from blueprints.admin import importer
from blueprints.admin.models import AuditEntry
from blueprints.auth.models import Employee
from extensions import db
from tests.factories_admin import csv_bytes, csv_text, import_nip, import_row, sign_in


@pytest.fixture
def in_request(app):
    """Service-level tests: messages are lazy and translated in a request's language."""
    with app.test_request_context():
        yield


def _count() -> int:
    return db.session.scalar(select(func.count(Employee.id)))


def _upload(client, content: bytes, filename: str = "pegawai.csv"):
    return client.post(
        "/admin/impor",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def _token(response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return response.headers["Location"].rsplit("/", 1)[1]


def _rows_500(bad_line: int | None = None) -> list[dict]:
    rows = [import_row(i, "KEL-A" if i % 2 else "KEL-B") for i in range(500)]
    # Superiors inside the file, pointing both backwards and forwards.
    rows[10]["atasan_nip"] = rows[400]["nip"]
    rows[420]["atasan_nip"] = rows[3]["nip"]
    if bad_line is not None:
        # Line numbers count the header as line 1: row index = line - 2.
        rows[bad_line - 2]["nip"] = (
            rows[bad_line - 2]["nip"][:8] + "201013" + rows[bad_line - 2]["nip"][14:]
        )
    return rows


# --- the acceptance test -------------------------------------------------------------------
def test_500_rows_with_one_bad_nip_import_nothing_then_the_corrected_file_imports_all(
    client, org, queries
):
    sign_in(client, org.admin)
    before = _count()
    token = _token(_upload(client, csv_bytes(_rows_500(bad_line=345))))
    preview = client.get(f"/admin/impor/{token}")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Tidak ada yang diimpor: 1 kesalahan ditemukan." in html
    errors = re.findall(
        r'<th scope="row" class="num">(\d+)</th>\s*<td>(\w+)</td>\s*<td class="nowrap">\d+</td>\s*<td>([^<]+)</td>',
        html,
    )
    assert errors == [("345", "nip", "TMT CPNS dalam NIP tidak valid.")]
    assert "import_commit" not in html and f'action="/admin/impor/{token}"' not in html
    # Committing anyway (a crafted POST) imports nothing either.
    refused = client.post(f"/admin/impor/{token}")
    assert refused.status_code == 422
    assert _count() == before

    rows = _rows_500()
    token = _token(_upload(client, csv_bytes(rows)))
    preview = client.get(f"/admin/impor/{token}").get_data(as_text=True)
    assert "Berkas valid: 500 pegawai baru, 0 diperbarui." in preview
    assert f'action="/admin/impor/{token}"' in preview
    with queries() as q:
        response = client.post(f"/admin/impor/{token}")
    assert response.status_code == 303 and response.headers["Location"] == "/admin/pegawai"
    assert _count() == before + 500
    # Bulk work, not one statement per row (a handful of lookups, one INSERT, one UPDATE...).
    assert q.count <= 20, q.statements
    inserts = [s for s in q.statements if s.lstrip().upper().startswith("INSERT INTO EMPLOYEE")]
    assert len(inserts) == 1
    by_nip = dict(db.session.execute(select(Employee.nip, Employee.id)).all())
    assert db.session.get(Employee, by_nip[rows[10]["nip"]]).superior_id == by_nip[rows[400]["nip"]]
    assert db.session.get(Employee, by_nip[rows[420]["nip"]]).superior_id == by_nip[rows[3]["nip"]]
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "employee.imported"))
    assert entry.actor_id == org.admin.id and "500 baru" in entry.detail
    # The stored file is gone: the same preview cannot be imported twice.
    assert client.post(f"/admin/impor/{token}").status_code == 303
    assert _count() == before + 500


def test_validation_uses_bulk_queries_not_one_per_row(app, org, in_request, queries):
    small = csv_text([import_row(i) for i in range(20)])
    large = csv_text([import_row(i) for i in range(480)])
    with queries() as q_small:
        assert importer.validate(small).ok
    with queries() as q_large:
        assert importer.validate(large).ok
    assert q_small.count == q_large.count <= 4


def test_commit_is_all_or_nothing_when_writing_fails(app, org, in_request, monkeypatch):
    plan = importer.validate(csv_text([import_row(i) for i in range(30)]))
    assert plan.ok
    before = _count()

    def broken_audit(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "audit", broken_audit)
    with pytest.raises(RuntimeError):
        importer.apply(plan)
    db.session.rollback()
    assert _count() == before


def test_commit_checks_again_and_refuses_when_data_changed(client, org):
    sign_in(client, org.admin)
    token = _token(_upload(client, csv_bytes([import_row(1), import_row(2)])))
    assert "Berkas valid" in client.get(f"/admin/impor/{token}").get_data(as_text=True)
    org.staff_b1.email = "impor2@marelan.go.id"  # someone takes an e-mail meanwhile
    db.session.commit()
    before = _count()
    response = client.post(f"/admin/impor/{token}")
    assert response.status_code == 422
    assert "Email sudah dipakai pegawai lain" in response.get_data(as_text=True)
    assert _count() == before


# --- what the checks catch -----------------------------------------------------------------
def _errors(text: str) -> list[tuple[int, str, str]]:
    plan = importer.validate(text)
    return [(e.line, e.column, str(e.reason)) for e in plan.errors]


def test_every_kind_of_error_names_line_and_reason(app, org, in_request):
    rows = [
        import_row(0),  # line 2: fine
        import_row(1, nip="19850230" + "2010011" + "001"),  # line 3: impossible birth date
        import_row(2, unit_kode="TIDAK-ADA"),  # line 4
        import_row(3, nip=import_nip(0)),  # line 5: NIP of line 2 again
        import_row(4, email="IMPOR0@marelan.go.id"),  # line 6: e-mail of line 2 again
        import_row(5, email=org.camat.email),  # line 7: someone else's e-mail
        import_row(6, golongan="IX"),  # line 8: a PPPK golongan for a PNS
        import_row(7, atasan_nip="199001012015011999"),  # line 9: unknown superior
        import_row(8, status_kepegawaian="Honorer"),  # line 10
        import_row(9, jenis_jabatan="direktur"),  # line 11
        import_row(10, nama=""),  # line 12
        import_row(11, nip=import_nip(11)[:14] + "3" + import_nip(11)[15:]),  # line 13: gender 3
        import_row(12, nip=import_nip(12)[:15] + "000"),  # line 14: sequence 000
        import_row(13, atasan_nip=import_nip(13)),  # line 15: own superior
        import_row(14, email="bukan-email"),  # line 16
    ]
    errors = _errors(csv_text(rows))
    assert errors == [
        (3, "nip", "Tanggal lahir dalam NIP tidak valid."),
        (4, "unit_kode", "Kode unit 'TIDAK-ADA' tidak dikenal."),
        (5, "nip", "NIP ganda dalam berkas (juga di baris 2)."),
        (6, "email", "Email ganda dalam berkas (juga di baris 2)."),
        (7, "email", f"Email sudah dipakai pegawai lain (NIP {org.camat.nip})."),
        (8, "golongan", "Golongan 'IX' tidak berlaku untuk PNS."),
        (
            9,
            "atasan_nip",
            "NIP atasan 199001012015011999 tidak ditemukan di berkas maupun di data pegawai.",
        ),
        (10, "status_kepegawaian", "Status kepegawaian harus PNS atau PPPK."),
        (
            11,
            "jenis_jabatan",
            "Jenis jabatan harus salah satu dari: jpt, administrator, pengawas, fungsional, pelaksana.",
        ),
        (12, "nama", "Nama wajib diisi."),
        (13, "nip", "Digit jenis kelamin dalam NIP harus 1 atau 2."),
        (14, "nip", "Nomor urut dalam NIP tidak boleh 000."),
        (15, "atasan_nip", "Pegawai tidak dapat menjadi atasan dirinya sendiri."),
        (16, "email", "Alamat email tidak valid."),
    ]


def test_bom_semicolons_spaced_nips_and_pppk_are_accepted(app, org, in_request):
    rows = [
        import_row(1, nip="19810202 201002 2 002".replace("19810202", import_nip(1)[:8])),
        import_row(2, status_kepegawaian="PPPK", golongan="ix"),
        import_row(3, golongan="iii/b", unit_kode="kel-b", atasan_nip=org.lurah_b.nip),
    ]
    rows[0]["nip"] = f"{import_nip(1)[:8]} {import_nip(1)[8:14]} 2 {import_nip(1)[15:]}"
    text = importer.decode(csv_bytes(rows, delimiter=";", bom=True))
    plan = importer.validate(text)
    assert plan.ok, [(e.line, str(e.reason)) for e in plan.errors]
    assert [r.nip for r in plan.rows][0] == import_nip(1)
    assert [r.golongan for r in plan.rows] == ["II/c", "IX", "III/b"]
    assert plan.rows[2].unit_id == org.kel_b.id


def test_existing_nip_updates_that_person(app, org, in_request):
    row = import_row(
        0,
        nip=org.staff_a1.nip,
        nama="Staf A1 Diperbarui",
        email=org.staff_a1.email,
        unit_kode="KEL-B",
        golongan="III/c",
    )
    plan = importer.validate(csv_text([row, import_row(1)]))
    assert [r.action for r in plan.rows] == ["update", "create"]
    result = importer.apply(plan)
    db.session.commit()
    assert (result.created, result.updated) == (1, 1)
    person = db.session.get(Employee, org.staff_a1.id)
    assert (person.name, person.unit_id, person.golongan) == (
        "Staf A1 Diperbarui",
        org.kel_b.id,
        "III/c",
    )
    assert person.password_hash  # an update keeps the password


def test_file_level_problems(app, org, in_request):
    with pytest.raises(importer.ImportFileError):
        importer.decode("nip;nama\n".encode("utf-16"))
    bad_header = importer.validate("nip,nama,surel\n1,2,3\n")
    assert bad_header.file_errors and not bad_header.ok
    assert "Kolom tidak ada" in str(bad_header.file_errors[0])
    assert importer.validate(",".join(importer.COLUMNS) + "\n").file_errors
    wrong_width = importer.validate(",".join(importer.COLUMNS) + "\n1,2,3\n")
    assert [(e.line, str(e.reason)) for e in wrong_width.errors] == [
        (2, "Jumlah kolom 3, seharusnya 9.")
    ]


# --- the web flow --------------------------------------------------------------------------
def test_upload_form_rejects_non_utf8_and_other_files(client, org):
    sign_in(client, org.admin)
    assert _upload(client, "nip\n".encode("utf-16")).status_code == 422
    assert _upload(client, b"a,b", filename="pegawai.xlsx").status_code == 422
    assert client.post("/admin/impor", data={}).status_code == 422


def test_preview_is_bound_to_the_uploader_and_the_token_is_checked(app, client, org):
    sign_in(client, org.admin)
    token = _token(_upload(client, csv_bytes([import_row(1)])))
    stored = list((Path(app.config["UPLOAD_FOLDER"]).parent / "imports").glob("*.csv"))
    assert [p.stem for p in stored] == [token]
    other_admin = app.test_client()
    from tests.factories import employee

    second = employee(org.sek, "Admin Dua", email="admin2@uji.local", roles=["admin"])
    sign_in(other_admin, second)
    assert other_admin.get(f"/admin/impor/{token}").status_code == 302
    assert other_admin.post(f"/admin/impor/{token}").status_code == 303
    assert _count() == db.session.scalar(select(func.count(Employee.id)))  # nothing imported
    assert (
        db.session.scalar(select(Employee).where(Employee.email == "impor1@marelan.go.id")) is None
    )
    for bad in ("..%2F..%2Fsecret_key", "a" * 10, "x" * 40):
        assert client.get(f"/admin/impor/{bad}").status_code in (302, 404)
    # The uploader still can.
    assert client.post(f"/admin/impor/{token}").status_code == 303
    assert db.session.scalar(select(Employee).where(Employee.email == "impor1@marelan.go.id"))


def test_template_download_has_exactly_the_columns(client, org):
    sign_in(client, org.admin)
    response = client.get("/admin/impor/contoh.csv")
    first_line = response.get_data(as_text=True).lstrip("\ufeff").splitlines()[0]
    # Indonesian Excel reads ";" (the export helper's Indonesian mode); the importer reads both.
    assert first_line.split(";") == [
        "nip",
        "nama",
        "email",
        "unit_kode",
        "jabatan",
        "jenis_jabatan",
        "golongan",
        "status_kepegawaian",
        "atasan_nip",
        "awal_kontrak",
    ]


# --- the CLI -------------------------------------------------------------------------------
def _write(tmp_path, rows, **kwargs) -> str:
    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes(rows, **kwargs))
    return str(path)


def test_cli_dry_run_saves_nothing(runner, org, tmp_path):
    before = _count()
    result = runner.invoke(args=["import-employees", _write(tmp_path, _rows_500()), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "500 pegawai baru, 0 diperbarui." in result.output
    assert "Tidak ada yang disimpan" in result.output
    assert _count() == before


def test_cli_reports_line_and_reason_and_imports_nothing(runner, org, tmp_path):
    before = _count()
    result = runner.invoke(args=["import-employees", _write(tmp_path, _rows_500(bad_line=345))])
    assert result.exit_code == 1
    assert "Baris 345 [nip]: TMT CPNS dalam NIP tidak valid." in result.output
    assert "Tidak ada yang diimpor: 1 kesalahan pada 1 baris." in result.output
    assert _count() == before


def test_cli_imports_all_rows_with_progress(runner, org, tmp_path):
    before = _count()
    result = runner.invoke(
        args=["import-employees", _write(tmp_path, _rows_500(), delimiter=";", bom=True)]
    )
    assert result.exit_code == 0, result.output
    assert "Memeriksa baris" in result.output and "Menyimpan" in result.output
    assert "Impor selesai: 500 pegawai baru, 0 diperbarui." in result.output
    assert _count() == before + 500
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "employee.imported")
    ).one()
    assert entry.actor_id is None and "CLI pegawai.csv" in entry.detail


def test_cli_command_is_top_level(app):
    assert "import-employees" in app.cli.list_commands(None)
