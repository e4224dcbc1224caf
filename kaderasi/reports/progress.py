"""A progress bar for long work run from the command line (rollup rebuilds, report exports)."""

import sys
import time
from typing import TextIO

from kaderasi.reports.models import ExportStep

WIDTH = 30


class TerminalProgress:
    """Draws `label [#####.....]  42 % step` on one line of `stream`, redrawn in place on a
    terminal and printed only at each whole ten percent otherwise (so logs stay short).

    Pass `update` as a report renderer's `progress` callback (percent, step), or `update_count`
    as a rebuild's (done, total)."""

    def __init__(self, stream: TextIO | None = None, *, label: str = "") -> None:
        self.stream = stream or sys.stderr
        self.label = label
        self.interactive = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last_percent = -1
        self._last_draw = 0.0

    def update(self, percent: int, step: str = "") -> None:
        percent = max(0, min(100, int(percent)))
        if not self.interactive and percent // 10 == self._last_percent // 10:
            return
        now = time.monotonic()
        if self.interactive and percent < 100 and now - self._last_draw < 0.05:
            return
        self._last_percent, self._last_draw = percent, now
        filled = WIDTH * percent // 100
        text = f"{self.label} [{'#' * filled}{'.' * (WIDTH - filled)}] {percent:3d} %"
        if step:
            text += f" {_step_label(step)}"
        if self.interactive:
            self.stream.write("\r" + text.ljust(78))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def update_count(self, done: int, total: int) -> None:
        self.update(100 * done // total if total else 100)

    def finish(self) -> None:
        if self._last_percent < 100:
            self.update(100)
        if self.interactive:
            self.stream.write("\n")
            self.stream.flush()


def _step_label(step: str) -> str:
    try:
        return str(ExportStep(step).label)
    except ValueError:
        return step
