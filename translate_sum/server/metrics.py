"""Request counters and the `/metrics` page in Prometheus text format.

Counts requests by route and status, errors (status 400 and up), seconds spent,
the queue (requests being worked on or waiting, and segments waiting for the
engine) and segments translated, in total and per second over the last minute.

Limits: counters live in the process and restart from zero with it; routes that do
not exist are counted together as "other" so a scanner cannot grow the page.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import Callable


class Metrics:
    """Thread-safe counters; `render(gauges)` writes the Prometheus text page."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: dict[tuple[str, int], int] = defaultdict(int)
        self.seconds: dict[str, float] = defaultdict(float)

    def record(self, route: str, status: int, seconds: float) -> None:
        with self._lock:
            self.requests[(route, status)] += 1
            self.seconds[route] += seconds

    def errors(self) -> int:
        with self._lock:
            return sum(count for (_, status), count in self.requests.items() if status >= 400)

    def render(self, gauges: dict[str, tuple[str, str, Callable[[], float]]]) -> str:
        """The page; `gauges` maps a metric name to (type, help, value function)."""
        with self._lock:
            requests = sorted(self.requests.items())
            seconds = sorted(self.seconds.items())
        lines = [
            "# HELP translate_sum_requests_total HTTP requests answered, by route and status.",
            "# TYPE translate_sum_requests_total counter",
        ]
        lines += [f'translate_sum_requests_total{{route="{r}",status="{s}"}} {n}' for (r, s), n in requests]
        lines += [
            "# HELP translate_sum_errors_total HTTP requests answered with status 400 or more.",
            "# TYPE translate_sum_errors_total counter",
            f"translate_sum_errors_total {sum(n for (_, s), n in requests if s >= 400)}",
            "# HELP translate_sum_request_seconds_total Seconds spent answering requests, by route.",
            "# TYPE translate_sum_request_seconds_total counter",
        ]
        lines += [f'translate_sum_request_seconds_total{{route="{r}"}} {t:.6f}' for r, t in seconds]
        for name, (kind, help_text, value) in gauges.items():
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}", f"{name} {_number(value())}"]
        return "\n".join(lines) + "\n"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"
