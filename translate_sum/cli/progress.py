"""The one progress display on stderr, for an article's segments and a folder's articles.

While the bar is drawn, log records bound for stderr go around it: the bar's line is
cleared, the record printed, and the bar drawn again below it, so a warning is never
printed into the middle of the bar. This is done by wrapping, for the bar's lifetime,
every handler that writes to stderr (the root logger's, other loggers' own, such as
Ray's, and logging's last resort).

Limits: drawn only when stderr is a terminal and the run is not quiet; the time left
is a straight-line guess from the pace so far; text written to stderr without logging
(a library's print) can still land on the bar's line; handlers added while the bar is
drawn are not wrapped.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from typing import Any, Callable

import click


class _AroundBar(logging.Handler):
    """Hands a record to `inner` between clearing the bar's line and drawing it again."""

    def __init__(self, inner: logging.Handler, display: ProgressDisplay) -> None:
        super().__init__(inner.level)
        self.inner = inner
        self.display = display

    def emit(self, record: logging.LogRecord) -> None:
        with self.display.lock:
            self.display.clear_line()
            self.inner.handle(record)  # the inner handler's own filters, format and lock
            self.display.redraw()


def _writes_to(handler: logging.Handler, stream: Any) -> bool:
    return isinstance(handler, logging.StreamHandler) and getattr(handler, "stream", None) is stream


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
        # Log records may come from other threads than the one moving the bar.
        self.lock = threading.RLock()
        self._wrapped: list[tuple[logging.Logger, logging.Handler, _AroundBar]] = []
        self._last_resort: logging.Handler | None = None

    def __enter__(self) -> Callable[..., None] | None:
        return self.update if self.enabled else None

    def update(self, done: int, total: int, current: str = "") -> None:
        """Move the bar to `done` of `total`, naming `current` (a file) when given."""
        with self.lock:
            if self.bar is None:
                if total == 0:
                    return
                self._start(total)
            self.current = current
            if done > self.shown:
                step, self.shown = done - self.shown, done  # counted before the bar draws its status
                self.bar.update(step, current)
            else:
                # Starting a new item: redraw so the bar names it and the clock moves.
                self.bar.current_item = current
                self.bar.render_progress()

    def _start(self, total: int) -> None:
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
        self._route_logs_around_bar()
        self.bar.__enter__()

    def _route_logs_around_bar(self) -> None:
        """Wrap every handler that writes to the bar's stream, until the bar ends."""
        stream = self.bar.file
        loggers = [logging.getLogger()] + [
            logger for logger in list(logging.Logger.manager.loggerDict.values()) if isinstance(logger, logging.Logger)
        ]
        for logger in loggers:
            for place, handler in enumerate(logger.handlers):
                if _writes_to(handler, stream):
                    wrapper = _AroundBar(handler, self)
                    logger.handlers[place] = wrapper  # in place: the handlers keep their order
                    self._wrapped.append((logger, handler, wrapper))
        # With no handler anywhere, logging prints warnings through its last resort.
        if logging.lastResort is not None:
            self._last_resort = logging.lastResort
            logging.lastResort = _AroundBar(logging.lastResort, self)

    def _restore_logs(self) -> None:
        for logger, handler, wrapper in self._wrapped:
            if wrapper in logger.handlers:
                logger.handlers[logger.handlers.index(wrapper)] = handler
        self._wrapped.clear()
        if self._last_resort is not None:
            logging.lastResort = self._last_resort
            self._last_resort = None

    def clear_line(self) -> None:
        """Blank the bar's line and return to its start, so the next text starts clean."""
        if self.bar is not None and self.bar.max_width:
            self.bar.file.write("\r" + " " * self.bar.max_width + "\r")

    def redraw(self) -> None:
        """Draw the bar again (after a log record took its line)."""
        if self.bar is not None:
            self.bar._last_line = None  # click draws only a line that changed
            self.bar.render_progress()

    def _status(self) -> str:
        elapsed = time.monotonic() - self.started
        text = f"elapsed {elapsed:.0f} s"
        if 0 < self.shown < self.bar.length:
            remaining = elapsed / self.shown * (self.bar.length - self.shown)
            text += f", about {remaining:.0f} s left"
        return f"{text}  {self.current}".rstrip()

    def __exit__(self, *exc: object) -> None:
        with self.lock:
            if self.bar is not None:
                self.bar.__exit__(None, None, None)
            self._restore_logs()
