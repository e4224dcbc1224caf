"""Where uploaded workbooks wait for the background import: outside MEDIA_ROOT (no URL serves
them), one folder per import job, each file under its position (`0`, `1`, …) so that no name a
browser sends becomes a path. The folder is deleted once the job is over: the files hold names
and phone numbers (UU PDP)."""

import datetime as dt
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile

CHUNK = 1024 * 1024


def uploads_root() -> Path:
    return Path(settings.DATA_DIR) / "private" / "import-uploads"


def _folder(job_public_id: uuid.UUID | str) -> Path:
    return uploads_root() / str(job_public_id)


def uploads_store(job_public_id: uuid.UUID, files: Iterable[UploadedFile]) -> None:
    """Copy the uploads (in chunks: a spooled upload is never read whole) into the job's folder."""
    folder = _folder(job_public_id)
    folder.mkdir(parents=True, exist_ok=False, mode=0o700)
    for position, upload in enumerate(files):
        with (folder / str(position)).open("wb") as target:
            for chunk in upload.chunks(CHUNK):
                target.write(chunk)


def uploads_open(job_public_id: uuid.UUID, names: list[str]) -> list[File]:
    """The stored files as Django files carrying the names they were uploaded under."""
    folder = _folder(job_public_id)
    return [
        File((folder / str(position)).open("rb"), name=name) for position, name in enumerate(names)
    ]


def uploads_delete(job_public_id: uuid.UUID | str) -> None:
    shutil.rmtree(_folder(job_public_id), ignore_errors=True)


def uploads_present(job_public_id: uuid.UUID) -> bool:
    return _folder(job_public_id).exists()


def stored_job_folders() -> dict[str, dt.datetime]:
    """The job ids that have a folder, with when it was written (leftovers are found by
    comparing them with the jobs' states)."""
    root = uploads_root()
    if not root.exists():
        return {}
    folders = {}
    for path in root.iterdir():
        try:
            public_id = str(uuid.UUID(path.name))
        except ValueError:
            continue
        folders[public_id] = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
    return folders
