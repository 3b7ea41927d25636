"""The built-in instrument, written by us in Indonesian (never copied from published scales).

It follows two construct models (domain.md §5), named in the app's "Tentang survei ini" page:

- readiness for a specific change, Holt, Armenakis, Feild & Harris (2007): kesesuaian perubahan
  (appropriateness), dukungan pimpinan (management support), keyakinan diri untuk berubah (change
  efficacy), manfaat pribadi (personal valence);
- dispositional resistance to change, Oreg (2003): kecenderungan pada rutinitas (routine
  seeking), reaksi emosional (emotional reaction), fokus jangka pendek (short-term focus),
  kekakuan berpikir (cognitive rigidity).

The item texts are stored in the database in Indonesian (the instrument is Indonesian, like a
printed questionnaire); the interface around them is translated. Changing a text here changes
only new installations: an installed instrument is data, and frozen once a wave uses it.
"""

from flask_babel import lazy_gettext as _l

BUILTIN_CODE = "kesiapan-perubahan-v1"
BUILTIN_NAME = "Kesiapan dan Resistensi terhadap Perubahan"
BUILTIN_DESCRIPTION = (
    "Instrumen bawaan Karier ASN Marelan: empat keyakinan tentang kesiapan menghadapi satu "
    "perubahan tertentu dan empat kecenderungan pribadi terhadap perubahan pada umumnya. "
    "Butir-butir ditulis sendiri dalam bahasa Indonesia mengikuti model Holt dkk. (2007) dan "
    "Oreg (2003)."
)

# (code, name, construct, description)
DIMENSIONS = [
    (
        "kesesuaian",
        "Kesesuaian perubahan",
        "readiness",
        "Keyakinan bahwa perubahan ini tepat dan dibutuhkan kantor.",
    ),
    (
        "dukungan",
        "Dukungan pimpinan",
        "readiness",
        "Keyakinan bahwa pimpinan sungguh-sungguh mendukung dan mengawal perubahan ini.",
    ),
    (
        "keyakinan",
        "Keyakinan diri untuk berubah",
        "readiness",
        "Keyakinan bahwa saya sanggup menjalankan perubahan ini.",
    ),
    (
        "manfaat",
        "Manfaat pribadi",
        "readiness",
        "Keyakinan bahwa perubahan ini membawa kebaikan bagi saya sendiri.",
    ),
    (
        "rutinitas",
        "Kecenderungan pada rutinitas",
        "resistance",
        "Kecenderungan menyukai pekerjaan yang tetap dan bisa ditebak.",
    ),
    (
        "emosional",
        "Reaksi emosional",
        "resistance",
        "Kecenderungan merasa gelisah atau jengkel ketika cara kerja diubah.",
    ),
    (
        "jangka_pendek",
        "Fokus jangka pendek",
        "resistance",
        "Kecenderungan lebih memikirkan repotnya masa peralihan daripada hasilnya nanti.",
    ),
    (
        "kekakuan",
        "Kekakuan berpikir",
        "resistance",
        "Kecenderungan bertahan pada pendapat sendiri dan sulit menerima cara pandang lain.",
    ),
]

# (dimension code or None for free text, text, reverse keyed), in the order they are asked.
# Readiness items (about the change the wave names) come first, mixed across dimensions;
# then the general items about oneself; then the optional free-text questions.
QUESTIONS = [
    (
        "kesesuaian",
        "Perubahan ini dibutuhkan agar pelayanan kepada warga menjadi lebih baik.",
        False,
    ),
    (
        "dukungan",
        "Pimpinan di kantor saya ikut turun tangan menjalankan perubahan ini, bukan hanya memerintahkan.",
        False,
    ),
    ("keyakinan", "Saya sanggup menjalankan cara kerja yang baru ini dengan baik.", False),
    ("manfaat", "Perubahan ini akan memudahkan pekerjaan saya sehari-hari.", False),
    ("kesesuaian", "Saya paham masalah apa yang ingin diselesaikan oleh perubahan ini.", False),
    ("dukungan", "Pimpinan saya sudah menjelaskan mengapa perubahan ini perlu dilakukan.", False),
    ("keyakinan", "Saya khawatir tidak dapat mengikuti perubahan ini.", True),
    ("manfaat", "Saya pribadi akan merasakan hasil yang baik dari perubahan ini.", False),
    (
        "kesesuaian",
        "Menurut saya, perubahan ini lebih banyak menimbulkan masalah daripada menyelesaikannya.",
        True,
    ),
    (
        "dukungan",
        "Saya menduga pimpinan akan melupakan perubahan ini setelah beberapa bulan.",
        True,
    ),
    (
        "keyakinan",
        "Kalau perlu belajar hal baru untuk perubahan ini, saya bisa menguasainya.",
        False,
    ),
    (
        "manfaat",
        "Perubahan ini akan membuat pekerjaan saya lebih berat tanpa manfaat bagi saya.",
        True,
    ),
    ("kesesuaian", "Cara kerja yang baru ini cocok dengan keadaan kantor kami.", False),
    (
        "dukungan",
        "Bila saya kesulitan menjalankan perubahan ini, pimpinan saya akan membantu mencari jalan keluar.",
        False,
    ),
    (
        "rutinitas",
        "Saya paling nyaman bila tugas harian saya dikerjakan dengan urutan yang sudah biasa.",
        False,
    ),
    (
        "emosional",
        "Kalau ada surat edaran tentang prosedur baru, perasaan saya biasanya langsung tidak enak.",
        False,
    ),
    (
        "jangka_pendek",
        "Repotnya masa peralihan lebih terasa bagi saya daripada keuntungan yang didapat nanti.",
        False,
    ),
    (
        "kekakuan",
        "Saya cenderung bertahan pada pendapat saya walaupun rekan kerja memberi masukan berbeda.",
        False,
    ),
    (
        "rutinitas",
        "Saya senang bila pekerjaan saya sesekali diisi tugas atau cara yang belum pernah saya coba.",
        True,
    ),
    ("emosional", "Saya mudah jengkel bila rencana kerja diubah mendadak.", False),
    (
        "jangka_pendek",
        "Bila aplikasi baru butuh waktu untuk dipelajari, saya lebih memilih tetap memakai cara lama.",
        False,
    ),
    (
        "kekakuan",
        "Saya terbuka mempertimbangkan ulang pandangan saya ketika ada informasi baru.",
        True,
    ),
    ("rutinitas", "Jadwal kerja yang tetap dan bisa ditebak lebih saya sukai.", False),
    ("emosional", "Saya bisa tetap tenang walaupun cara kerja di kantor berubah.", True),
    (
        "jangka_pendek",
        "Saya rela bersusah payah beberapa minggu demi pelayanan yang lebih cepat sesudahnya.",
        True,
    ),
    (
        "kekakuan",
        "Menurut saya, cara yang sudah terbukti berhasil tidak perlu dipertanyakan lagi.",
        False,
    ),
    (None, "Apa yang paling membantu Anda menjalankan perubahan ini?", False),
    (None, "Apa yang perlu dilakukan pimpinan agar perubahan ini berhasil?", False),
]

# Suggested actions for a flagged dimension, and workshop topics that match it.
SUGGESTIONS = {
    "kesesuaian": (
        _l(
            "Jelaskan masalah yang ingin diselesaikan dengan data pelayanan (antrean, keluhan "
            "warga), lalu minta masukan staf tentang cara menerapkannya di unit masing-masing."
        ),
        ["manajemen perubahan", "komunikasi publik", "pelayanan publik"],
    ),
    "dukungan": (
        _l(
            "Pimpinan hadir pada langkah pertama, menjadwalkan tinjauan rutin di rapat staf, dan "
            "menindaklanjuti hambatan yang dilaporkan."
        ),
        ["kepemimpinan", "manajemen perubahan"],
    ),
    "keyakinan": (
        _l(
            "Adakan pelatihan praktik dan pendampingan sebaya; mulai dari langkah kecil yang cepat "
            "berhasil agar rasa mampu tumbuh."
        ),
        ["digitalisasi layanan", "pelayanan publik", "presentasi"],
    ),
    "manfaat": (
        _l(
            "Tunjukkan manfaat langsung bagi pekerjaan tiap orang dan tinjau beban kerja yang "
            "bertambah karena perubahan."
        ),
        ["manajemen perubahan", "kepemimpinan"],
    ),
    "rutinitas": (
        _l(
            "Perkenalkan perubahan bertahap dengan jadwal yang jelas dan prosedur tertulis yang "
            "mudah diikuti."
        ),
        ["manajemen perubahan"],
    ),
    "emosional": (
        _l(
            "Beri kabar lebih awal, sediakan waktu bertanya tanpa rasa takut, dan dengarkan "
            "kekhawatiran sebelum menjawabnya."
        ),
        ["empati", "komunikasi publik"],
    ),
    "jangka_pendek": (
        _l(
            "Tunjukkan hasil cepat dari perubahan dan kurangi repot di masa peralihan, misalnya "
            "dengan pendamping di meja layanan."
        ),
        ["manajemen perubahan", "digitalisasi layanan"],
    ),
    "kekakuan": (
        _l(
            "Ajak berdiskusi dengan contoh dari kelurahan lain dan beri kesempatan mencoba sebelum "
            "menilai."
        ),
        ["komunikasi publik", "kepemimpinan"],
    ),
}

GENERIC_SUGGESTIONS = {
    "readiness": (
        _l(
            "Bahas hasil ini bersama tim: apa yang membuat perubahan terasa sulit, dan dukungan apa "
            "yang dibutuhkan."
        ),
        ["manajemen perubahan", "kepemimpinan"],
    ),
    "resistance": (
        _l("Kenali kekhawatiran yang ada, jelaskan manfaat perubahan, dan beri waktu penyesuaian."),
        ["manajemen perubahan", "komunikasi publik"],
    ),
    "other": (
        _l("Bahas hasil dimensi ini bersama tim dan sepakati satu langkah perbaikan."),
        [],
    ),
}


def suggestion_for(code: str, construct: str):
    """(text, workshop topics) for a flagged dimension."""
    return SUGGESTIONS.get(code) or GENERIC_SUGGESTIONS.get(construct, GENERIC_SUGGESTIONS["other"])
