"""The leader dashboard as an XLSX workbook: the same figures and lists the page shows (and the
full lists behind them), nothing outside the leader's subtree. Every text cell is made
formula-safe by blueprints/common/exports.py."""

from flask_babel import gettext as _
from openpyxl import Workbook

from blueprints.common.exports import Percent, add_sheet, xlsx_workbook_response
from blueprints.dashboard import services
from extensions import db


def _sheet(workbook: Workbook, title: str, header: list, rows) -> None:
    add_sheet(workbook, title, header, rows)


def _share(part: int, whole: int):
    return Percent(round(part / whole, 4) if whole else None)


def _score(value):
    return round(value, 2) if value is not None else None


def leader_xlsx(leader):
    data = services.leader_dashboard(leader, every_level=True)
    f = data.figures
    workbook = Workbook()
    workbook.remove(workbook.active)
    totals = data.totals
    _sheet(
        workbook,
        _("Ringkasan"),
        [_("Ukuran"), _("Nilai")],
        [
            (_("Tanggal data"), f.today),
            (_("Tahun JP"), f.year),
            (_("Pegawai dalam lingkup"), totals.people),
            (_("Mencapai target JP"), totals.at_target),
            (_("Kepatuhan JP"), _share(totals.at_target, totals.people)),
            (_("Target JP PNS"), data.pns_target),
            (_("Target JP PPPK"), data.pppk_target),
            (_("Triwulan"), data.quarter),
            (_("Menerima umpan balik triwulan ini"), totals.covered),
            (_("Cakupan umpan balik"), _share(totals.covered, totals.people)),
            (_("Terlambat diberi umpan balik"), data.overdue.total),
            (_("Permintaan umpan balik kepada saya"), data.requests_to_me),
            (_("Permintaan umpan balik terbuka dalam lingkup"), data.requests_in_scope),
        ],
    )
    _sheet(
        workbook,
        _("Per unit"),
        [
            _("Unit"),
            _("Pegawai"),
            _("Mencapai target JP"),
            _("Kepatuhan JP"),
            _("Menerima umpan balik triwulan ini"),
            _("Cakupan umpan balik"),
        ],
        [
            (u.name, u.people, u.at_target, Percent(u.compliance), u.covered, Percent(u.coverage))
            for u in data.units
        ],
    )
    people = db.session.execute(services.people_stmt(leader, f, "semua")).all()
    _sheet(
        workbook,
        _("Pegawai"),
        [
            _("Nama"),
            _("NIP"),
            _("Unit"),
            _("Status kepegawaian"),
            _("JP tahun ini"),
            _("Target JP"),
            _("Mencapai target"),
            _("Umpan balik triwulan ini"),
        ],
        [
            (
                p.name,
                p.nip,
                p.unit_name,
                p.employment_type,
                p.jp,
                p.target,
                _("Ya") if p.jp >= p.target else _("Tidak"),
                p.feedback_quarter,
            )
            for p in people
        ],
    )
    overdue = db.session.execute(services.overdue_stmt(leader)).all()
    _sheet(
        workbook,
        _("Terlambat umpan balik"),
        [_("Nama"), _("NIP"), _("Unit"), _("Umpan balik terakhir"), _("Tindak lanjut terbuka")],
        [
            (
                row.name,
                row.nip,
                row.unit_name,
                row.last_sent,
                row.open_follow_ups,
            )
            for row in overdue
        ],
    )
    trend = data.surveys
    header = [_("Unit")]
    for wave in trend.waves:
        header += [
            _("Kesiapan — %(wave)s", wave=wave.title),
            _("Resistensi — %(wave)s", wave=wave.title),
        ]
    rows = []
    for row in trend.rows:
        cells = [row.unit.name]
        for cell in row.cells:
            visible = cell is not None and cell.visible
            cells += [
                _score(cell.readiness) if visible else _("tersembunyi"),
                _score(cell.resistance) if visible else _("tersembunyi"),
            ]
        rows.append(cells)
    _sheet(workbook, _("Indeks survei"), header, rows)
    _sheet(
        workbook,
        _("Rencana aksi"),
        [_("Unit"), _("Gelombang"), _("Fokus"), _("Tenggat"), _("Status")],
        [
            (
                data.unit_names.get(plan.unit_id, ""),
                data.wave_titles.get(plan.wave_id, ""),
                plan.focus,
                plan.due_on,
                services.plan_status_label(plan.status),
            )
            for plan in data.plans
        ],
    )
    return xlsx_workbook_response(f"dasbor-pimpinan-{f.today.isoformat()}.xlsx", workbook)
