"""Where finished exports are kept: outside MEDIA_ROOT, so no URL serves them; a scoped view
streams each file to the person who asked for it."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.DATA_DIR / "private", base_url=None)
