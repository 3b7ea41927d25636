"""The fonts of official documents: DejaVu Sans from static/vendor/fonts (installed by `make
vendor` from the npm package dejavu-fonts-ttf), and a reduced copy of each covering Latin
(with Vietnamese), Greek, Cyrillic and common punctuation, made once under the instance folder.

Parsing the full fonts is most of the cost of a PDF (about 2.5 times slower on this code), so a
document is drawn with the reduced fonts first and drawn again with the full ones only when a
character is missing (documents.render)."""

from __future__ import annotations

import hashlib
import os
import threading

from flask import current_app

FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf")
RANGES = (
    (0x0020, 0x036F),  # Basic Latin … Latin Extended-B, IPA, spacing modifiers, diacritics
    (0x0370, 0x04FF),  # Greek, Cyrillic
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese)
    (0x2000, 0x206F),  # General Punctuation
    (0x20A0, 0x20CF),  # Currency
    (0x2100, 0x214F),  # Letterlike
    (0x2190, 0x22FF),  # Arrows, mathematical operators
    (0x25A0, 0x25FF),  # Geometric shapes
)
_lock = threading.Lock()


def full_dir() -> str:
    return current_app.config.get("DOCUMENT_FONT_DIR") or os.path.join(
        current_app.static_folder, "vendor", "fonts"
    )


def font_paths(full: bool) -> dict[str, str]:
    """{file name: path} of the full fonts, or of the reduced copies (made if missing)."""
    source = full_dir()
    paths = {name: os.path.join(source, name) for name in FILES}
    missing = [path for path in paths.values() if not os.path.exists(path)]
    if missing:
        raise RuntimeError(f"{missing[0]} is missing: run `make vendor`")
    if full:
        return paths
    try:
        return _reduced(paths)
    except Exception:  # a read-only instance folder, an old fontTools: the full fonts work
        current_app.logger.exception("reduced document fonts unavailable")
        return paths


def _reduced(paths: dict[str, str]) -> dict[str, str]:
    stamp = "|".join(
        f"{name}:{os.path.getsize(p)}:{os.path.getmtime(p)}" for name, p in paths.items()
    )
    key = hashlib.sha256(stamp.encode()).hexdigest()[:16]
    directory = os.path.join(current_app.instance_path, "cache", "fonts", key)
    reduced = {name: os.path.join(directory, name) for name in FILES}
    if all(os.path.exists(p) for p in reduced.values()):
        return reduced
    with _lock:
        os.makedirs(directory, exist_ok=True)
        for name, target in reduced.items():
            if not os.path.exists(target):
                _subset(paths[name], target)
    return reduced


def _subset(source: str, target: str) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.name_IDs = ["*"]  # the font's names and licence stay with it
    options.notdef_outline = True
    options.glyph_names = False
    options.hinting = False
    options.layout_features = []  # fpdf2 draws without text shaping here
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "FFTM"]
    font = TTFont(source)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for start, end in RANGES for c in range(start, end + 1)])
    subsetter.subset(font)
    temporary = f"{target}.{os.getpid()}.{threading.get_ident()}.tmp"
    font.save(temporary)
    font.close()
    os.replace(temporary, target)  # whole or not at all, also across processes
