"""Make the demo's training video from the SOP illustrations: one slide per massage step (its
drawing from kaderasi/static/care/img, its Indonesian title and instruction from
kaderasi/care/catalogue.py), between a title slide and a closing slide, as a small MP4 (H.264,
480p, no sound) that phones play and seek in (the index at the front, a key frame every second).

Needs ffmpeg built with librsvg (Debian's `ffmpeg` package); development only: the video it makes
is committed (kaderasi/demo/media/, with its licence) and `kaderasi demo` attaches it to the demo
trainings. Usage: python scripts/make_training_video.py [output.mp4]
"""

import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kaderasi.care.catalogue import MASSAGE_STEPS  # noqa: E402 - pure data, no Django needed

ILLUSTRATIONS = ROOT / "kaderasi" / "static" / "care" / "img"
OUTPUT = ROOT / "kaderasi" / "demo" / "media" / "pijat-oksitosin-sop.mp4"
WIDTH, HEIGHT = 854, 480
FONT = "DejaVu Sans, Liberation Sans, sans-serif"
INK, MUTED, ACCENT, PAPER = "#0f172a", "#475569", "#0f766e", "#f8fafc"
FRAMES_PER_SECOND = 10
# Long enough to read the slide: a few seconds, and one more for every 60 characters of text.
SECONDS_BASE, CHARACTERS_PER_SECOND = 4, 60


def _lines(text: str, *, x: int, y: int, width: int, size: int, **attributes: str) -> str:
    """SVG <text> lines of `text` wrapped to `width` characters, from baseline `y`."""
    extra = " ".join(f'{name.replace("_", "-")}="{value}"' for name, value in attributes.items())
    return "\n".join(
        f'<text x="{x}" y="{y + index * round(size * 1.35)}" font-size="{size}" {extra}>'
        f"{escape(line)}</text>"
        for index, line in enumerate(textwrap.wrap(text, width))
    )


def _slide(body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{FONT}">'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="{PAPER}"/>'
        f'<rect width="{WIDTH}" height="8" fill="{ACCENT}"/>{body}</svg>'
    )


def _drawing(name: str, *, x: int, y: int, width: int, height: int) -> str:
    """The illustration as a nested <svg>, scaled into the box."""
    source = (ILLUSTRATIONS / f"{name}.svg").read_text()
    inner = source[source.index(">") + 1 : source.rindex("</svg>")]
    return (
        f'<svg x="{x}" y="{y}" width="{width}" height="{height}" viewBox="0 0 320 200">'
        f'<rect width="320" height="200" rx="10" fill="#ffffff"/>{inner}</svg>'
    )


def title_slide(count: int) -> str:
    return _slide(
        _drawing("fists", x=447, y=110, width=384, height=240)
        + _lines("Pijat oksitosin", x=40, y=150, width=20, size=40, fill=INK, font_weight="bold")
        + _lines(
            f"{count} langkah SOP untuk kader pendamping ibu nifas",
            x=40,
            y=210,
            width=26,
            size=22,
            fill=MUTED,
        )
        + _lines("Video latihan demo kaderasi", x=40, y=420, width=40, size=16, fill=ACCENT)
    )


def step_slide(step: dict, count: int) -> str:
    return _slide(
        _lines(
            f"Langkah {step['number']} dari {count}",
            x=40,
            y=56,
            width=40,
            size=18,
            fill=ACCENT,
            font_weight="bold",
        )
        + _lines(step["title_id"], x=40, y=100, width=40, size=30, fill=INK, font_weight="bold")
        + _drawing(step["illustration"], x=24, y=170, width=400, height=250)
        + _lines(step["instruction_id"], x=448, y=196, width=36, size=17, fill=INK)
    )


def closing_slide() -> str:
    return _slide(
        _drawing("feed", x=447, y=110, width=384, height=240)
        + _lines("Selesai", x=40, y=150, width=20, size=40, fill=INK, font_weight="bold")
        + _lines(
            "Ulangi langkah-langkahnya dengan pelatih sampai lancar (redemonstrasi), lalu "
            "ikuti panduan sesi di aplikasi saat mendampingi ibu.",
            x=40,
            y=210,
            width=32,
            size=20,
            fill=MUTED,
        )
    )


def slides() -> list[tuple[str, int]]:
    """Each slide's SVG and how many seconds it shows."""
    steps = sorted(MASSAGE_STEPS, key=lambda step: step["number"])
    shown = [(title_slide(len(steps)), SECONDS_BASE)]
    for step in steps:
        characters = len(step["title_id"]) + len(step["instruction_id"])
        shown.append(
            (step_slide(step, len(steps)), SECONDS_BASE + characters // CHARACTERS_PER_SECOND)
        )
    shown.append((closing_slide(), SECONDS_BASE + 2))
    return shown


def _ffmpeg(*arguments: str) -> None:
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *arguments], check=True)


def main(output: Path = OUTPUT) -> None:
    if shutil.which("ffmpeg") is None:
        sys.exit("ffmpeg is not installed (apt-get install ffmpeg)")
    with tempfile.TemporaryDirectory() as work:
        listing = []
        for index, (svg, seconds) in enumerate(slides()):
            vector, raster = Path(work, f"{index:02d}.svg"), Path(work, f"{index:02d}.png")
            vector.write_text(svg)
            _ffmpeg("-i", str(vector), "-frames:v", "1", str(raster))
            listing += [f"file '{raster}'", f"duration {seconds}"]
        listing.append(listing[-2])  # the concat demuxer drops the last slide's duration
        Path(work, "slides.txt").write_text("\n".join(listing) + "\n")
        output.parent.mkdir(parents=True, exist_ok=True)
        _ffmpeg(
            *("-f", "concat", "-safe", "0", "-i", str(Path(work, "slides.txt"))),
            *("-vf", f"fps={FRAMES_PER_SECOND},format=yuv420p"),
            *("-c:v", "libx264", "-preset", "veryslow", "-tune", "stillimage", "-crf", "30"),
            *("-g", str(FRAMES_PER_SECOND), "-threads", "1"),  # a key frame every second: seeking
            *("-movflags", "+faststart", "-map_metadata", "-1", "-fflags", "+bitexact"),
            *("-flags:v", "+bitexact", "-an"),
            str(output),
        )
    print(f"{output.relative_to(ROOT)}: {output.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else OUTPUT)
