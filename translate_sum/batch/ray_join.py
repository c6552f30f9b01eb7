"""Joining Ray for a folder run: checks that fail fast, then `ray.init`.

A wrong address, a missing client or no cluster at all is refused here in seconds,
with one line saying what to do, before the run makes its output folder; Ray itself
would retry for minutes or answer with a paragraph. Ray's start-up announcement about
token authentication is reworded or dropped (`RAY_AUTH_LOGGER`).

Limits: only "host:port" and "ray://host:port" are tried before Ray is; "auto" is left
to `ray.init`, which fails at once when no cluster runs on this machine. The rewording
matches Ray's text: a Ray that words it differently is shown as it is.
"""

from __future__ import annotations

import importlib
import logging
import socket
from typing import Any

from translate_sum.errors import EngineUnavailable, Hint

log = logging.getLogger(__name__)

REACH_SECONDS = 5.0
"""How long a cluster address may take to answer before the run is refused."""


def check_reachable(address: str | None) -> None:
    """Refuse at once a cluster address where nothing answers.

    Ray itself retries a wrong address for minutes before it gives up; one TCP
    connection tells in seconds, before the output folder is made. Only "host:port"
    and "ray://host:port" are tried; "auto" and other forms are left to Ray.
    """
    if not address or address == "auto":
        return
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=REACH_SECONDS):
            pass
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise EngineUnavailable(
            f"cannot reach the Ray cluster at {address} ({reason})",
            Hint("start one with `ray start --head`, or check the address given to {option}", "ray_address"),
        ) from exc


def check_client(address: str | None) -> None:
    """Refuse a ray://HOST:PORT address when Ray's client is not installed.

    Ray connects to such an address through its client (`ray.util.client.worker`,
    which needs grpcio: the `client` extra of ray, which `translate-sum[ray]` asks for).
    Without it, Ray's own message would come only after the address answered, and
    under a hint about starting a cluster.
    """
    if not address or not address.startswith("ray://"):
        return
    try:
        importlib.import_module("ray.util.client.worker")
    except ImportError as exc:
        raise EngineUnavailable(
            f"a ray:// address needs Ray's client, which is not installed ({exc})",
            Hint('install it with pip install "translate-sum[ray]" (Ray with its client extra), or leave out {option}', "ray_address"),
        ) from exc


RAY_AUTH_LOGGER = "ray._private.authentication.authentication_token_setup"
"""The Ray logger that announces, whenever Ray starts or is joined, whether tokens are required."""


class _AuthNotice(logging.Filter):
    """Ray's token-authentication announcement: dropped when tokens are on, reworded when off.

    Ray prints it as a timestamped warning with a link. When tokens are on there is
    nothing to do (this machine holds the token Ray made); when they are off, the
    one thing a user must know is said in a plain line.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if text.startswith("Token authentication is enabled"):
            log.debug("Ray: %s", text)
            return False
        if text.startswith("Token authentication is disabled"):
            log.warning(
                "Ray runs without token authentication: whoever can reach its ports can run code on its "
                "machines; set RAY_AUTH_MODE=token to require a token"
            )
            return False
        return True


def reword_auth_notice() -> None:
    """Put `_AuthNotice` on Ray's authentication logger, once per process."""
    logger = logging.getLogger(RAY_AUTH_LOGGER)
    if not any(isinstance(f, _AuthNotice) for f in logger.filters):
        logger.addFilter(_AuthNotice())


def connect(address: str | None) -> bool:
    """Join (or start) Ray; True when this call started it, so the run shuts it down."""
    ray = import_ray()
    if ray.is_initialized():
        return False
    reword_auth_notice()
    # None: Ray joins a cluster started on this machine with `ray start`, else starts one.
    try:
        ray.init(address=address, include_dashboard=False, logging_level=logging.WARNING, log_to_driver=False)
    except Exception as exc:  # Ray raises ConnectionError, RuntimeError, ValueError... for the same cause
        where = f"the Ray cluster at {address}" if address else "a local Ray instance"
        reason = " ".join(str(exc).split())[:300] or type(exc).__name__
        raise EngineUnavailable(
            f"cannot join {where} ({reason})",
            Hint("start one with `ray start --head`, or check the address given to {option}", "ray_address"),
        ) from exc
    return True


def import_ray() -> Any:
    """The ray module, or an error saying how to install it."""
    try:
        import ray
    except ImportError as exc:
        raise EngineUnavailable(
            "Ray is not installed", Hint('install it with pip install "translate-sum[ray]", or leave out {option}', "ray_address")
        ) from exc
    return ray
