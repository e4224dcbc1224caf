"""Refresh the files copied from the npm registry, as recorded in each vendor.json: the front-end
libraries in kaderasi/static/vendor and the official area tree in kaderasi/regions/data (a target
ending in .gz is stored gzipped, without a timestamp, so the same version gives the same bytes).

An entry with `"for": "tests"` (axe-core, which the browser tests inject into pages) is copied to
kaderasi/tests/vendor instead: it is never served or shipped with the static files.

Needs npm (development only); kaderasi itself never needs Node. Usage: python scripts/vendor.py
"""

import gzip
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFESTS = [ROOT / "kaderasi" / "static" / "vendor", ROOT / "kaderasi" / "regions" / "data"]
TEST_VENDOR = ROOT / "kaderasi" / "tests" / "vendor"


def _copy(source: Path, destination: Path) -> None:
    if destination.suffix != ".gz":
        shutil.copyfile(source, destination)
        return
    with gzip.GzipFile(destination, "wb", compresslevel=9, mtime=0) as packed:
        packed.write(source.read_bytes())


def main() -> None:
    for folder in MANIFESTS:
        _vendor(folder)


def _vendor(folder: Path) -> None:
    manifest = json.loads((folder / "vendor.json").read_text())
    for package, entry in manifest.items():
        if package.startswith("_"):
            continue
        with tempfile.TemporaryDirectory() as work:
            subprocess.run(
                ["npm", "pack", f"{package}@{entry['version']}", "--pack-destination", work],
                check=True,
                capture_output=True,
            )
            tarball = next(Path(work).glob("*.tgz"))
            with tarfile.open(tarball) as archive:
                archive.extractall(work, filter="data")
            root = TEST_VENDOR if entry.get("for") == "tests" else folder
            for source, target in entry["files"].items():
                destination = root / target
                destination.parent.mkdir(parents=True, exist_ok=True)
                _copy(Path(work) / "package" / source, destination)
                print(f"{package}@{entry['version']}: {source} -> {destination.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
