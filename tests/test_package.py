"""The package itself: `import mtosched` is instant, its public names load on use.

The command line relies on it: it can take over Ctrl-C only once its own
code runs, and before issue 16 `import mtosched` alone took most of the
start-up second, with a traceback for a Ctrl-C in it.
"""

from __future__ import annotations

import subprocess
import sys

import mtosched


def fresh(script: str) -> subprocess.CompletedProcess[str]:
    """Run `script` in a new interpreter, where nothing is imported yet."""
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )


def test_importing_the_package_loads_none_of_its_modules() -> None:
    """No pydantic, no OR-Tools, no submodule of ours: only the package."""
    run = fresh(
        "import sys, mtosched\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('mtosched', 'pydantic', 'ortools', 'dask', 'distributed'))\n"
        "print(loaded)\n"
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "['mtosched']"


def test_every_public_name_resolves() -> None:
    """Each name of `__all__` is there on first use, and listed by `dir`."""
    for name in mtosched.__all__:
        assert getattr(mtosched, name) is not None, name
    assert set(mtosched.__all__) <= set(dir(mtosched))
    assert mtosched.__version__


def test_explain_and_sweep_stay_functions_after_their_subpackages() -> None:
    """Importing `mtosched.explain` first does not turn the name into a module.

    Python binds a subpackage on its parent when first imported; the eager
    imports rebound the function after that, so it must stay so.
    """
    run = fresh(
        "import mtosched.explain.report, mtosched.sweep.cells\n"
        "from mtosched import explain, sweep\n"
        "import mtosched\n"
        "print(callable(explain), callable(sweep), callable(mtosched.explain))\n"
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["True", "True", "True"]


def test_an_unknown_name_is_an_attribute_error() -> None:
    """`from mtosched import nothing` fails as for any module."""
    try:
        mtosched.nothing  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as exc:
        assert "nothing" in str(exc)
    else:
        raise AssertionError("no AttributeError")
