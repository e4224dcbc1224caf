"""A progress bar for long imports, drawn on standard error."""

from __future__ import annotations

import time
from collections.abc import Callable

BAR_WIDTH = 30
# Small files finish before a bar would be read; below this many rows none is drawn.
MINIMUM_ROWS = 200
REDRAW_SECONDS = 0.1


class ProgressBar:
    """Call with (done, total). On a terminal the bar redraws in place; otherwise (a log file)
    a line is written at every quarter."""

    def __init__(self, write: Callable[[str], None], *, label: str, interactive: bool):
        self.write = write
        self.label = label
        self.interactive = interactive
        self.last_draw = 0.0
        self.last_quarter = -1

    def __call__(self, done: int, total: int) -> None:
        if total < MINIMUM_ROWS:
            return
        if self.interactive:
            now = time.monotonic()
            if done < total and now - self.last_draw < REDRAW_SECONDS:
                return
            self.last_draw = now
            filled = BAR_WIDTH * done // total
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            end = "\n" if done == total else ""
            self.write(f"\r{self.label} [{bar}] {done}/{total}{end}")
            return
        quarter = 4 * done // total
        if quarter != self.last_quarter:
            self.last_quarter = quarter
            self.write(f"{self.label} {done}/{total}\n")
