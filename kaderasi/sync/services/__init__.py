"""Writes of the sync app: registry edits pushed from phones and the midwife's resolution of
their conflicts (`registry.py`)."""

from kaderasi.sync.services.registry import EditResult, conflict_resolve, registry_edit_submit

__all__ = ["EditResult", "conflict_resolve", "registry_edit_submit"]
