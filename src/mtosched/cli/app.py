"""The `mtosched` command line: one Typer app, its commands registered here.

Each command lives in the module of its name and imports what it shares
with the others from `common.py`; this module only wires them together
(in the order `--help` lists them) and is imported by nothing but the
entry points.

A Ctrl-C while the commands are imported (about a second) ends the run
with exit 130 and one line (`startup.py`); `import mtosched` before that
costs nothing, its names load when first used.
"""

from __future__ import annotations

from mtosched.cli.startup import interrupt_ends_process, interrupted

with interrupt_ends_process():
    from typing import Annotated

    import typer

    from mtosched import __version__
    from mtosched.cli.check import check_command
    from mtosched.cli.common import Commands
    from mtosched.cli.diff import diff_command
    from mtosched.cli.explain import explain_command
    from mtosched.cli.import_ import import_command
    from mtosched.cli.quote import quote_command
    from mtosched.cli.schedule import schedule_command
    from mtosched.cli.schema import schema_command
    from mtosched.cli.show import show_command
    from mtosched.cli.sweep import sweep_command
    from mtosched.cli.validate import validate_command

app = typer.Typer(
    name="mtosched",
    cls=Commands,
    help="Make-to-order production scheduling: orders and routings in, a "
    "machine schedule that minimizes lateness out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"mtosched {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """Schedule make-to-order production with CP-SAT."""


app.command("schedule")(schedule_command)
app.command("validate")(validate_command)
app.command("check")(check_command)
app.command("show")(show_command)
app.command("import")(import_command)
app.command("diff")(diff_command)
app.command("quote")(quote_command)
app.command("explain")(explain_command)
app.command("schema")(schema_command)
app.command("sweep")(sweep_command)


def main() -> None:
    """Console-script entry point (`mtosched`, `python -m mtosched`)."""
    try:
        app()
    except KeyboardInterrupt:  # typer maps those inside it to 130 itself
        interrupted()
