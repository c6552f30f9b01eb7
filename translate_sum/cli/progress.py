"""The one progress display on stderr, for an article's segments and a folder's articles.

Limits: drawn only when stderr is a terminal and the run is not quiet; the time left
is a straight-line guess from the pace so far.
"""

from __future__ import annotations

import sys
import time
from typing import Any, Callable

import click


class ProgressDisplay:
    """A bar on stderr: done/total, elapsed, about how long is left, the item at work.

    Entered, it gives the callback the library takes, `update(done, total)` for an
    article's segments or `update(done, total, current)` for a folder's articles, or
    None when quiet or when stderr is not a terminal (the library then reports nothing).
    """

    def __init__(self, label: str, quiet: bool) -> None:
        self.label = label
        self.enabled = not quiet and sys.stderr.isatty()
        self.bar: Any = None
        self.shown = 0
        self.current = ""
        self.started = 0.0

    def __enter__(self) -> Callable[..., None] | None:
        return self.update if self.enabled else None

    def update(self, done: int, total: int, current: str = "") -> None:
        """Move the bar to `done` of `total`, naming `current` (a file) when given."""
        if self.bar is None:
            if total == 0:
                return
            self.started = time.monotonic()
            self.bar = click.progressbar(
                length=total,
                label=self.label,
                file=sys.stderr,
                show_eta=False,
                show_pos=True,
                update_min_steps=0,
                item_show_func=lambda _: self._status(),
            )
            self.bar.__enter__()
        self.current = current
        if done > self.shown:
            step, self.shown = done - self.shown, done  # counted before the bar draws its status
            self.bar.update(step, current)
        else:
            # Starting a new item: redraw so the bar names it and the clock moves.
            self.bar.current_item = current
            self.bar.render_progress()

    def _status(self) -> str:
        elapsed = time.monotonic() - self.started
        text = f"elapsed {elapsed:.0f} s"
        if 0 < self.shown < self.bar.length:
            remaining = elapsed / self.shown * (self.bar.length - self.shown)
            text += f", about {remaining:.0f} s left"
        return f"{text}  {self.current}".rstrip()

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
