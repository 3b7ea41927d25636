"""Official documents (certificates, daftar hadir): the letterhead (kop) and numbering settings an
admin keeps, the emblem image they upload, the default signatory, and the PDF canvas with the
embedded Unicode font (DejaVu Sans, installed by `make vendor` from the npm registry)."""

from __future__ import annotations

import io
import os
import re
import string
from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app, g, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from blueprints.admin.models import Setting
from blueprints.auth.constants import GOLONGAN_PNS
from blueprints.auth.models import Employee, Unit
from blueprints.common.refusals import Refused
from blueprints.common.timefmt import utcnow
from blueprints.workshops.fonts import font_paths
from extensions import db

SETTING_PREFIX = "document."
EMBLEM_MAX_BYTES = 1024 * 1024
EMBLEM_TYPES = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"))


@dataclass(frozen=True)
class TextSpec:
    key: str
    default: str
    label: object
    help: object = ""
    max_length: int = 200


TEXT_SPECS = {
    spec.key: spec
    for spec in [
        TextSpec("kop_government", "PEMERINTAH KOTA MEDAN", _l("Kop: pemerintah daerah")),
        TextSpec("kop_office", "KECAMATAN MEDAN MARELAN", _l("Kop: nama kantor")),
        TextSpec(
            "kop_address",
            "Kecamatan Medan Marelan, Kota Medan, Sumatera Utara",
            _l("Kop: alamat kantor"),
            _l("Alamat, telepon, kode pos dan laman sebagaimana tertulis di kop surat."),
        ),
        TextSpec("issue_place", "Medan", _l("Tempat penerbitan"), max_length=60),
        TextSpec(
            "number_pattern",
            "{seq:03d}/SERT/KEC-MRL/{year}",
            _l("Pola nomor sertifikat"),
            _l("{seq} = nomor urut dalam tahun (mis. {seq:03d} = 001), {year} = tahun terbit."),
            max_length=60,
        ),
        TextSpec("signatory_title", "Camat Medan Marelan", _l("Jabatan penanda tangan bawaan")),
        TextSpec(
            "signatory_name",
            "",
            _l("Nama penanda tangan bawaan"),
            _l("Kosong = kepala unit teratas (Camat) menurut struktur organisasi."),
        ),
        TextSpec("signatory_nip", "", _l("NIP penanda tangan bawaan"), max_length=18),
        TextSpec(
            "signatory_rank", "", _l("Pangkat/golongan penanda tangan bawaan"), max_length=100
        ),
        TextSpec(
            "siasn_columns",
            "",
            _l("Kolom ekspor SIASN"),
            _l(
                "Satu baris per kolom: 'kolom = Judul'. Kosong = susunan bawaan. Daftar kolom di "
                "docs/siasn.md; tata letak unggahan SIASN tidak dipublikasikan, jadi sesuaikan di sini."
            ),
            max_length=2000,
        ),
    ]
}


def _stored() -> dict:
    cache = g.get("document_settings") if has_app_context() else None
    if cache is None:
        rows = db.session.scalars(select(Setting).where(Setting.key.startswith(SETTING_PREFIX)))
        cache = {row.key[len(SETTING_PREFIX) :]: row.value for row in rows}
        if has_app_context():
            g.document_settings = cache
    return cache


def text_setting(key: str) -> str:
    value = _stored().get(key)
    if value is None:
        return TEXT_SPECS[key].default if key in TEXT_SPECS else ""
    return str(value.get("text", ""))


def current_texts() -> dict[str, str]:
    return {key: text_setting(key) for key in TEXT_SPECS}


class NumberingError(Refused):
    """A certificate cannot be numbered: the stored pattern is no longer valid, or the number the
    year's counter gives is already on another certificate. Answered as a page (409) by the
    workshops blueprint (routes/documents.py), never a server error."""


# Formatted with every pair of these, a valid pattern gives as many different numbers: one for
# each sequence number of a year, and none repeated in another year (the sequence restarts at 1).
_SAMPLE_SEQS = (1, 2, 9, 10, 11, 99, 100, 101, 999, 1000, 1001)
_SAMPLE_YEARS = (2026, 2027, 2036, 2100)


def check_number_pattern(pattern: str) -> str:
    """A pattern that formats and holds the sequence and the year: the sequence restarts at 1
    every year, so a pattern without the year repeats last year's numbers (refused here rather
    than clashing with the unique number at issuing)."""
    try:
        specs = [spec or "" for _text, _name, spec, _conv in string.Formatter().parse(pattern)]
        if any("{" in spec for spec in specs):
            raise ValueError("a field inside a field's format")
        if any(len(run) > 2 for spec in specs for run in re.findall(r"\d+", spec)):
            raise Refused(_l("Pola nomor terlalu panjang."))  # a huge width: never formatted
        samples = {
            (seq, year): pattern.format(seq=seq, year=year)
            for seq in _SAMPLE_SEQS
            for year in _SAMPLE_YEARS
        }
    except (KeyError, IndexError, ValueError, AttributeError, TypeError):
        raise Refused(_l("Pola nomor hanya boleh memakai {seq} dan {year}.")) from None
    per_year = {samples[seq, _SAMPLE_YEARS[0]] for seq in _SAMPLE_SEQS}
    if "{seq" not in pattern or len(per_year) < len(_SAMPLE_SEQS):
        raise Refused(_l("Pola nomor harus memuat {seq}."))
    if "{year" not in pattern or len(set(samples.values())) < len(samples):
        raise Refused(
            _l("Pola nomor harus memuat {year}: nomor urut dimulai lagi dari 1 setiap tahun.")
        )
    if max(len(sample) for sample in samples.values()) > 60:
        raise Refused(_l("Pola nomor terlalu panjang."))
    return pattern


def _put(key: str, value: dict) -> None:
    row = db.session.get(Setting, SETTING_PREFIX + key)
    if row is None:
        db.session.add(Setting(key=SETTING_PREFIX + key, value=value))
    else:
        row.value = value
        row.updated_at = utcnow()
    g.pop("document_settings", None)


def update_texts(values: dict[str, str]) -> list[str]:
    """Store what changed; returns the changed keys (for the audit log)."""
    check_number_pattern(values.get("number_pattern") or TEXT_SPECS["number_pattern"].default)
    changed = []
    for key, spec in TEXT_SPECS.items():
        value = (values.get(key) or "").strip()[: spec.max_length] or spec.default
        if value != text_setting(key):
            _put(key, {"text": value})
            changed.append(key)
    return changed


def format_number(seq: int, year: int) -> str:
    """The number in the stored pattern; a pattern stored before the rules were tightened and
    no longer valid refuses (NumberingError) until an admin corrects it."""
    pattern = text_setting("number_pattern")
    try:
        check_number_pattern(pattern)
    except Refused as error:
        current_app.logger.error("certificate number pattern %r: %s", pattern, error.message)
        raise NumberingError(
            _l(
                "Sertifikat belum dapat diterbitkan: pola nomor sertifikat di Pengaturan dokumen "
                "tidak berlaku. Minta admin memperbaikinya."
            )
        ) from None
    return pattern.format(seq=seq, year=year)


# --- emblem --------------------------------------------------------------------------------
def _emblem_dir() -> str:
    path = os.path.join(current_app.config["UPLOAD_FOLDER"], "documents")
    os.makedirs(path, exist_ok=True)
    return path


def save_emblem(storage) -> None:
    """An admin's upload: PNG or JPEG by content, at most 1 MB, and an image Pillow can read."""
    try:
        data = storage.stream.read(EMBLEM_MAX_BYTES + 1)
    finally:
        storage.close()
    if not data:
        raise Refused(_l("Berkas lambang kosong."))
    if len(data) > EMBLEM_MAX_BYTES:
        raise Refused(_l("Berkas lambang lebih dari 1 MB."))
    ext = next((ext for magic, ext in EMBLEM_TYPES if data.startswith(magic)), None)
    if ext is None:
        raise Refused(_l("Lambang harus berkas PNG atau JPEG."))
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except Exception:
        raise Refused(_l("Berkas lambang tidak dapat dibaca sebagai gambar.")) from None
    old = emblem_path()
    name = f"lambang.{ext}"
    with open(os.path.join(_emblem_dir(), name), "wb") as handle:
        handle.write(data)
    if old and os.path.basename(old) != name and os.path.exists(old):
        os.remove(old)
    _put("emblem", {"text": name})


def remove_emblem() -> None:
    old = emblem_path()
    if old and os.path.exists(old):
        os.remove(old)
    _put("emblem", {"text": ""})


def emblem_path() -> str | None:
    name = os.path.basename(text_setting("emblem"))
    if not name:
        return None
    path = os.path.join(_emblem_dir(), name)
    return path if os.path.exists(path) else None


# --- signatory -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Signatory:
    title: str
    name: str
    nip: str
    rank: str


def rank_label(golongan: str | None) -> str:
    """ "Penata Muda, III/a" for a PNS golongan; the golongan itself otherwise."""
    if not golongan:
        return ""
    title = GOLONGAN_PNS.get(golongan)
    return f"{title}, {golongan}" if title else str(golongan)


def default_signatory() -> Signatory:
    """The settings; an empty name means the head of the top unit (the Camat)."""
    name = text_setting("signatory_name")
    nip = text_setting("signatory_nip")
    rank = text_setting("signatory_rank")
    if not name:
        head = db.session.execute(
            select(Employee.name, Employee.nip, Employee.golongan)
            .join(Unit, Unit.head_id == Employee.id)
            .where(Unit.parent_id.is_(None), Unit.active.is_(True))
            .order_by(Unit.id)
            .limit(1)
        ).first()
        if head is not None:
            name, nip, rank = head.name, head.nip, rank_label(head.golongan)
    return Signatory(text_setting("signatory_title"), name, nip, rank)


def workshop_signatory(workshop) -> Signatory:
    if workshop.signatory_name:
        fallback = default_signatory() if not workshop.signatory_title else None
        return Signatory(
            workshop.signatory_title or fallback.title,
            workshop.signatory_name,
            workshop.signatory_nip,
            workshop.signatory_rank,
        )
    return default_signatory()


def spaced_nip(nip: str) -> str:
    """NIP as written on documents: 19800101 200501 1 001."""
    digits = "".join(ch for ch in (nip or "") if ch.isdigit())
    if len(digits) != 18:
        return nip or ""
    return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"


# --- the PDF canvas ------------------------------------------------------------------------
FONT = "DejaVu"
MONO = "DejaVuMono"


def new_pdf(orientation: str, title: str, subject: str = "", full_fonts: bool = False):
    """An A4 FPDF with DejaVu Sans (regular, bold) and DejaVu Sans Mono embedded (as subsets):
    the reduced fonts unless ``full_fonts`` (see render and fonts.py)."""
    from fpdf import FPDF

    paths = font_paths(full_fonts)
    pdf = FPDF(orientation=orientation, unit="mm", format="A4")
    pdf.add_font(FONT, "", paths["DejaVuSans.ttf"])
    pdf.add_font(FONT, "B", paths["DejaVuSans-Bold.ttf"])
    pdf.add_font(MONO, "", paths["DejaVuSansMono.ttf"])
    pdf.set_lang("id-ID")
    pdf.set_title(title)
    pdf.set_subject(subject or title)
    pdf.set_author(text_setting("kop_office"))
    pdf.set_creator("Karier ASN Marelan")
    pdf.set_display_mode("fullpage")
    pdf.set_auto_page_break(False)
    return pdf


def draw_kop(pdf, left: float, right: float, top: float) -> float:
    """The letterhead between x=left and x=right from y=top: emblem on the left, the three lines
    centred, a double rule under it. Returns the y below the rule."""
    emblem = emblem_path()
    if emblem:
        pdf.image(emblem, x=left, y=top, h=24, keep_aspect_ratio=True, w=24, alt_text=_kop_alt())
    width = right - left
    pdf.set_text_color(0, 0, 0)
    pdf.set_xy(left, top + 1)
    pdf.set_font(FONT, "B", 15)
    pdf.cell(width, 7, text_setting("kop_government"), align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, "B", 17)
    pdf.cell(width, 8, text_setting("kop_office"), align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, "", 9.5)
    pdf.multi_cell(width, 5, text_setting("kop_address"), align="C", new_x="LEFT", new_y="NEXT")
    y = max(pdf.get_y() + 1.5, top + 26) if emblem else pdf.get_y() + 1.5
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.9)
    pdf.line(left, y, right, y)
    pdf.set_line_width(0.3)
    pdf.line(left, y + 1.2, right, y + 1.2)
    return y + 3


def _kop_alt() -> str:
    return str(_l("Lambang %(office)s", office=text_setting("kop_office")))


@contextmanager
def tagged(pdf, role: str = "P"):
    """Mark what is drawn inside as one structure element (P, H1…) of the tagged PDF. fpdf2 tags
    images with alt text only; this uses its structure-tree builder for text as well."""
    mcid = pdf.struct_builder.next_mcid_for_page(pdf.page)
    pdf._add_marked_content(struct_type=f"/{role}", mcid=mcid)
    pdf._out(f"/{role} <</MCID {mcid}>> BDC")
    yield
    pdf._out("EMC")


def finish(pdf) -> bytes:
    """The PDF's bytes; the font files fontTools keeps open are closed."""
    try:
        return bytes(pdf.output())
    finally:
        _close_fonts(pdf)


def _close_fonts(pdf) -> None:
    for font in pdf.fonts.values():
        ttfont = getattr(font, "ttfont", None)
        if ttfont is not None:
            ttfont.close()


def render(draw) -> bytes:
    """``draw(full_fonts)`` returns a drawn FPDF. Drawn with the reduced fonts; again with the
    full ones if any character had no glyph there, so nothing prints as a blank box."""
    pdf = draw(False)
    if any(getattr(font, "missing_glyphs", None) for font in pdf.fonts.values()):
        _close_fonts(pdf)
        pdf = draw(True)
    return finish(pdf)
