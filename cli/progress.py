"""A text progress bar for commands run on a terminal: `[#####.....]  1,000/2,000 行  50%`,
redrawn in place (carriage return) at most every REDRAW_SECONDS, with the time left at the pace
so far. Only on a terminal: piped or redirected output gets the command's summary alone."""

import time
from collections.abc import Callable
from typing import TextIO

WIDTH = 30
REDRAW_SECONDS = 0.2


def render_bar(done: int, total: int, seconds_left: int | None = None, width: int = WIDTH) -> str:
    """One line of the bar for `done` of `total` rows."""
    done = max(0, min(done, total))
    filled = width * done // total if total else width
    percent = 100 * done // total if total else 100
    line = f"[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} 行 {percent:3d}%"
    if seconds_left is not None and done < total:
        line += f"  预计剩余 {seconds_left} 秒"
    return line


class TextProgress:
    """progress(done): the bar on `stream` (a terminal), redrawn as rows are read."""

    def __init__(self, stream: TextIO, total: int):
        self.stream, self.total = stream, total
        self.started = time.monotonic()
        self._drawn, self._shown = float("-inf"), -1

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if done == self._shown or (now - self._drawn < REDRAW_SECONDS and done < self.total):
            return
        self._drawn, self._shown = now, done
        elapsed = now - self.started
        left = round((self.total - done) * elapsed / done) if done and elapsed else None
        self.stream.write("\r" + render_bar(done, self.total, left))
        self.stream.flush()

    def close(self) -> None:
        self(self.total)
        self.stream.write("\n")
        self.stream.flush()


def for_terminal(stream: TextIO, total: Callable[[], int]) -> TextProgress | None:
    """A bar of total() rows when `stream` is a terminal (only then are the rows counted);
    None otherwise."""
    isatty = getattr(stream, "isatty", None)
    return TextProgress(stream, total()) if isatty and isatty() else None
