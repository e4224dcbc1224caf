"""Refresh kaderasi/static/vendor from the npm registry, as recorded in vendor.json.

Needs npm (development only); kaderasi itself never needs Node. Usage: python scripts/vendor.py
"""

import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "kaderasi" / "static" / "vendor"


def main() -> None:
    manifest = json.loads((VENDOR / "vendor.json").read_text())
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
            for source, target in entry["files"].items():
                destination = VENDOR / target
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(Path(work) / "package" / source, destination)
                print(
                    f"{package}@{entry['version']}: {source} -> {destination.relative_to(VENDOR)}"
                )


if __name__ == "__main__":
    main()
