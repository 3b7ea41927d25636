"""Reference lists of the feedback blueprint, kept as data (domain.md §2 and §3)."""

from flask_babel import lazy_gettext as _l

# SE MenPANRB 20/2021: the seven BerAKHLAK core values, each with its official definition as help
# (regulations are not copyrighted, UU 28/2014 art. 42: domain.md §3b).
BERAKHLAK = {
    "berorientasi_pelayanan": (
        _l("Berorientasi Pelayanan"),
        _l("Komitmen memberikan pelayanan prima demi kepuasan masyarakat."),
    ),
    "akuntabel": (
        _l("Akuntabel"),
        _l("Bertanggung jawab atas kepercayaan yang diberikan."),
    ),
    "kompeten": (
        _l("Kompeten"),
        _l("Terus belajar dan mengembangkan kapabilitas."),
    ),
    "harmonis": (
        _l("Harmonis"),
        _l("Saling peduli dan menghargai perbedaan."),
    ),
    "loyal": (
        _l("Loyal"),
        _l("Berdedikasi dan mengutamakan kepentingan bangsa dan negara."),
    ),
    "adaptif": (
        _l("Adaptif"),
        _l("Terus berinovasi dan antusias dalam menggerakkan ataupun menghadapi perubahan."),
    ),
    "kolaboratif": (
        _l("Kolaboratif"),
        _l("Membangun kerja sama yang sinergis."),
    ),
}

# The competencies a feedback may be tagged with are not listed here: the competency dictionary
# (competencies.dictionary, seeded from its BUILTIN and TECHNICAL lists) is their one source,
# read through feedback.tags.


def value_label(code: str) -> str:
    entry = BERAKHLAK.get(code)
    return str(entry[0]) if entry else code


FEEDBACK_STATUSES = {"draft": _l("Draf"), "sent": _l("Terkirim")}

REQUEST_STATUSES = {
    "open": _l("Menunggu"),
    "answered": _l("Dijawab"),
    "declined": _l("Ditolak"),
}

GOAL_STATUSES = {
    "proposed": _l("Diusulkan"),
    "agreed": _l("Disepakati"),
    "done": _l("Tercapai"),
    "cancelled": _l("Dibatalkan"),
}

# Upward feedback: statements of our own on how the direct superior guides ("bimbingan
# kinerja", in the spirit of PermenPANRB 6/2022). Order is the order on the form.
#: The longest upward-feedback comment, in characters (the form and the sealed size follow it).
UPWARD_COMMENT_MAX = 2000

UPWARD_STATEMENTS = {
    "clarity": _l("Atasan saya menjelaskan dengan jelas hasil kerja yang diharapkan dari saya."),
    "listening": _l("Atasan saya mendengarkan pendapat dan kesulitan saya dengan sungguh-sungguh."),
    "fairness": _l(
        "Atasan saya memperlakukan anggota tim secara adil dan menilai dari hasil kerja."
    ),
    "feedback": _l("Atasan saya memberi umpan balik secara rutin, spesifik dan membangun."),
    "growth": _l("Atasan saya membantu saya belajar dan mengembangkan kompetensi."),
}

LIKERT = {
    1: _l("Sangat tidak setuju"),
    2: _l("Tidak setuju"),
    3: _l("Netral"),
    4: _l("Setuju"),
    5: _l("Sangat setuju"),
}
