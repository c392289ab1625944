"""The shape of `mtosched.cli`: commands import `common`, never `app`.

`app.py` once imported every command module and each imported back from
it inside its functions (issue 17): a cycle that made three copies of the
`--format` enum. These tests read the imports with `ast`, so they also see
imports inside functions.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import mtosched.cli

CLI = Path(mtosched.cli.__file__).parent
PACKAGE = "mtosched.cli"
APP = f"{PACKAGE}.app"
#: What `app` imports besides the commands: their group and the Ctrl-C guard.
SHARED = {f"{PACKAGE}.common", f"{PACKAGE}.startup"}


def modules() -> dict[str, Path]:
    """Every module of the package, by dotted name."""
    return {
        f"{PACKAGE}.{path.stem}": path
        for path in sorted(CLI.glob("*.py"))
        if path.stem != "__init__"
    }


def imports(path: Path) -> set[tuple[str, str | None]]:
    """(module, name) pairs `path` imports, anywhere in it; name None = module.

    `from mtosched.cli import app` counts as importing the module `app`.
    """
    found: set[tuple[str, str | None]] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                if node.module == PACKAGE and submodule in modules():
                    found.add((submodule, None))
                else:
                    found.add((node.module, alias.name))
    return found


def cli_graph() -> dict[str, set[str]]:
    """Which modules of the package each module of it imports."""
    names = modules()
    return {
        name: {module for module, _ in imports(path) if module in names}
        for name, path in names.items()
    }


def test_no_module_but_the_entry_point_imports_app() -> None:
    """Only `app` (and `mtosched/__main__.py`, outside the package) names it."""
    importers = [name for name, used in cli_graph().items() if APP in used]
    assert importers == []


def test_the_package_has_no_import_cycle() -> None:
    """A depth-first walk of the package's own imports never meets a module twice."""
    graph = cli_graph()
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, " -> ".join((*path, name))
        if name in done:
            return
        for used in sorted(graph[name]):
            visit(used, (*path, name))
        done.add(name)

    for name in graph:
        visit(name, ())


def test_no_private_name_is_imported_across_modules() -> None:
    """What two modules share has a public name, in `common` or a view module."""
    private = [
        f"{name}: {module}.{imported}"
        for name, path in modules().items()
        for module, imported in imports(path)
        if module.startswith(PACKAGE) and imported and imported.startswith("_")
    ]
    assert private == []


def test_helper_modules_do_not_import_commands() -> None:
    """Views, `common` and `stopping` sit below the commands `app` registers."""
    graph = cli_graph()
    commands = graph[APP] - SHARED
    helpers = set(graph) - commands - {APP}
    assert commands, "app registers no command modules"
    wrong = {name: graph[name] & commands for name in helpers if graph[name] & commands}
    assert wrong == {}


def test_importing_every_command_leaves_app_unimported() -> None:
    """Run in a fresh interpreter: no import at run time pulls `app` in either."""
    names = sorted(set(modules()) - {APP})
    script = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        f"sys.exit({APP!r} in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
