"""`models`: list the registry (models.txt), download models, convert them for CTranslate2.

Limits: downloads go to the Hugging Face cache and conversions to the user cache;
neither is cleaned up here.
"""

from __future__ import annotations

import click

from translate_sum.cli.common import setting_option, user_errors


@click.group(invoke_without_command=True)
@click.pass_context
def models(ctx: click.Context) -> None:
    """List the registry (models.txt) and whether each model is on this machine.

    Hub models live in the Hugging Face cache (~/.cache/huggingface/hub, or
    $HF_HOME/hub). Set HF_HUB_OFFLINE=1 to forbid downloads.
    """
    if ctx.invoked_subcommand is not None:
        return
    from translate_sum.models import ROLE_ENV, is_present, load_registry, overrides

    with user_errors():
        entries = load_registry()
        overridden = overrides()
        width = max(len(e.model_id) for e in entries)
        for entry in entries:
            present = "present" if is_present(entry.model_id) else "not downloaded"
            click.echo(f"{entry.role:<12} {entry.model_id:<{width}}  {present:<15} {entry.note}")
        click.echo("")
        for role, spec in overridden.items():
            present = "present" if is_present(spec) else "not on this machine"
            click.echo(f"In use for {role}: {spec} ({present}), set by {ROLE_ENV[role]} instead of the registry's default.")
        if len(overridden) < len(ROLE_ENV):
            click.echo(f"Override with {' or '.join(ROLE_ENV.values())}, or the --translation-model/--summary-model options.")


@models.command("download")
@click.argument("names", nargs=-1, metavar="[ROLE|ID]...")
def models_download(names: tuple[str, ...]) -> None:
    """Download models into the Hugging Face cache for offline use.

    With no argument, the default translation and summary models; a role
    (translation, summary) means its default; anything else is a Hub id.
    """
    from translate_sum.models import ROLES, default_model, download_model

    with user_errors():
        for name in names or ROLES:
            role = name if name in ROLES else "translation"
            model_id = default_model(name) if name in ROLES else name
            folder = download_model(model_id, role)
            click.echo(f"{model_id}: {folder}")


@models.command("convert")
@click.argument("names", nargs=-1, metavar="[ROLE|ID|DIR]...")
@setting_option(
    "device",
    help="The device the conversion is for (int8 weights for cpu, float16 for cuda); "
    "auto: the one translate will use here.",
)
@setting_option("quantization")
def models_convert(names: tuple[str, ...], device: str, quantization: str | None) -> None:
    """Convert models for the CTranslate2 engine ahead of time.

    The engine converts on first use anyway; this does it now (for example before
    going offline). With no argument, the default translation and summary models.
    The conversions are cached under the user cache directory.
    """
    from translate_sum.engines import conversion_device, prepare_conversion
    from translate_sum.models import ROLES, default_model, resolve_model

    with user_errors():
        device = conversion_device(device)  # no GPU for --device cuda: fail before any download
        for name in names or ROLES:
            role = name if name in ROLES else "translation"
            resolved = resolve_model(default_model(name) if name in ROLES else name, role)
            folder = prepare_conversion(resolved, device=device, quantization=quantization)
            click.echo(f"{resolved.name}: {folder}")
