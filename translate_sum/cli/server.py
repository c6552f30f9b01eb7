"""`serve`: the web page, the /v1 API and LibreTranslate's API over HTTP.

Limits: the server's packages are an extra (`translate-sum[serve]`); without them the
command says what to install. Models load once, before the address is printed.
"""

from __future__ import annotations

import click

from pathlib import Path

from translate_sum.cli.common import SettingsCommand, memory_options, setting_option, user_errors


@click.command(cls=SettingsCommand)
@setting_option("host")
@setting_option("port")
@setting_option("translation_model")
@setting_option("engine")
@setting_option("device")
@setting_option(
    "summarizer",
    help="abstractive loads the summary model (requests may still ask for extractive); extractive loads none.",
)
@setting_option("summary_model")
@setting_option("api_keys")
@setting_option("metrics_keys")
@setting_option("cors_origins")
@setting_option("allowed_hosts")
@setting_option("max_bytes", help="Refuse request bodies larger than this (413).")
@setting_option("max_pages", help="Refuse uploaded PDFs with more pages than this (400).")
@setting_option("max_paragraphs", help="Refuse uploaded documents with more paragraphs than this (400).")
@setting_option("max_unpacked_bytes", help="Refuse uploaded Word and OpenDocument files that unpack to more than this (400).")
@setting_option("queue_size")
@setting_option("request_timeout")
@setting_option("body_timeout")
@setting_option("memory")
@setting_option("no_memory")
@setting_option("memory_max_mb")
def serve(
    host: str,
    port: int,
    translation_model: str | None,
    engine: str,
    device: str,
    summarizer: str,
    summary_model: str | None,
    api_keys: tuple[str, ...],
    metrics_keys: tuple[str, ...],
    cors_origins: tuple[str, ...],
    allowed_hosts: tuple[str, ...],
    max_bytes: int,
    max_pages: int,
    max_paragraphs: int,
    max_unpacked_bytes: int,
    queue_size: int,
    request_timeout: float,
    body_timeout: float,
    memory: Path | None,
    no_memory: bool,
    memory_max_mb: int,
) -> None:
    """Serve the web page, the /v1 API and LibreTranslate's API over HTTP.

    Models load once, at start. Open the printed address in a browser; API
    documentation is at /docs. Ctrl-C or SIGTERM stops: requests in flight finish,
    new ones are refused.
    """
    try:
        from translate_sum.server.access import allowed_hosts_for
        from translate_sum.server.app import AppSettings, create_app
        from translate_sum.server.run import bind, is_loopback, serve as run_server, url_of
        from translate_sum.server.service import Service, ServiceLimits
    except ImportError as exc:
        raise click.ClickException(f"the server needs its extra packages ({exc.name} is missing); run: pip install \"translate-sum[serve]\"") from exc
    from translate_sum.memory import open_memory
    from translate_sum.pipeline import load_briefer

    with user_errors():
        try:
            sock = bind(host, port)
        except OSError as exc:
            raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another --port or --host") from exc
        click.echo("Loading the models...", err=True)
        # Closed by the service when it stops (the memory records the server's counts).
        translation_memory = open_memory(memory_options(memory, no_memory, memory_max_mb))
        briefer = load_briefer(
            translation_model, summary_model, summarizer=summarizer, engine=engine, device=device, memory=translation_memory
        )
        limits = ServiceLimits(
            queue_size=queue_size, request_timeout=request_timeout, max_bytes=max_bytes,
            max_pages=max_pages, max_paragraphs=max_paragraphs, max_unpacked_bytes=max_unpacked_bytes,
        )
        service = Service(briefer.translator, briefer, limits, memory=translation_memory)
        keys = tuple(key for value in api_keys for key in value.split())
        hosts = allowed_hosts_for(host, allowed_hosts)
        scraper_keys = tuple(key for value in metrics_keys for key in value.split()) or None
        settings = AppSettings(
            api_keys=keys, cors_origins=cors_origins, allowed_hosts=hosts, metrics_keys=scraper_keys, body_timeout=body_timeout
        )
        app = create_app(service, settings)
        if not keys and not is_loopback(host):
            click.echo(f"Warning: listening on {host} with no --api-key: anyone who reaches this machine can use it.", err=True)
        url = url_of(sock)

        def ready() -> None:
            click.echo(f"translate-sum is serving on {url} (API docs: {url}docs). Ctrl-C stops it.", err=True)

        run_server(app, sock, grace=request_timeout, on_ready=ready)
        click.echo("Stopped.", err=True)
