"""Write files so that readers never see half of one, nor half of a set.

Each file goes to a temporary file beside it, named `.NAME.<8 random characters>.tmp`,
and is renamed into place. Several files are staged together and renamed
only once all are complete, so `-o plan.json -o plan.csv` writes both or
neither. Temporary files that a killed run left behind are ours to remove.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

#: A temporary file of ours older than this was left by a run that died: a
#: write takes seconds, so a live run's own file is never this old.
STALE_SECONDS = 3600.0


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write to a temporary file beside `path`, then rename it into place.

    A crash or a full disk leaves the previous file (or none), never a
    truncated plan that a shop-floor PC might pick up.
    """
    write_all([(path, content)])


def write_all(files: Sequence[tuple[Path, str | bytes]]) -> None:
    """Write every file, or none: stage all, then rename each into place.

    A failure while staging (a full disk, a folder gone) removes the staged
    files and leaves every target as it was.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, content in files:
            staged.append((_stage(path, content), path))
        for temporary, path in staged:
            os.replace(temporary, path)
    except BaseException:
        for temporary, _ in staged:
            Path(temporary).unlink(missing_ok=True)
        raise


def _stage(path: Path, content: str | bytes) -> str:
    """A complete, synced temporary copy of `content` beside `path`."""
    directory = _folder(path)
    remove_stale(path)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=directory
    )
    try:
        data = content.encode("utf-8") if isinstance(content, str) else content
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes the file private (0600); give it the permissions a
        # plainly created file would get, for shared shop-floor folders.
        os.chmod(temporary, 0o666 & ~_umask())
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary


def remove_stale(path: Path) -> list[Path]:
    """Remove our temporary files for `path` left by a run that was killed.

    Only names `mkstemp` gives for this target (`.NAME.` + 8 characters +
    `.tmp`) and only when older than `STALE_SECONDS`, so a run writing the
    same file at this moment keeps its own. Returns what was removed.
    """
    pattern = re.compile(rf"\.{re.escape(path.name)}\.[a-z0-9_]{{8}}\.tmp")
    removed = []
    cutoff = time.time() - STALE_SECONDS
    try:
        candidates = list(_folder(path).iterdir())
    except OSError:
        return []
    for candidate in candidates:
        if not pattern.fullmatch(candidate.name):
            continue
        try:
            if candidate.is_file() and candidate.stat().st_mtime < cutoff:
                candidate.unlink()
                removed.append(candidate)
        except OSError:
            continue  # another run removed it, or it is not ours to remove
    return removed


def unwritable(path: Path) -> str | None:
    """Why `path` cannot be written, or None: checked before a long solve.

    Creates and removes a temporary file beside it, the same way the write
    will, so permissions, read-only file systems and missing folders all
    show now rather than after the solve (issue 16).
    """
    folder = _folder(path)
    if path.is_dir():
        return "it is a folder"
    if not folder.exists():
        return f"folder {folder} does not exist"
    if not folder.is_dir():
        return f"{folder} is not a folder"
    try:
        handle, probe = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=folder
        )
    except OSError as exc:
        return f"cannot create a file in {folder}: {exc.strerror or exc}"
    os.close(handle)
    Path(probe).unlink(missing_ok=True)
    return None


def unwritable_folder(folder: Path) -> str | None:
    """Why files cannot be written in `folder`, or None: `unwritable` for a folder.

    A missing folder is fine when it can be created: its nearest existing
    ancestor must be a folder that takes new entries, probed as `unwritable`
    probes it. `sweep --out` found a file or /proc only after starting its
    cluster, with exit 70 (issue 16).
    """
    try:
        if folder.exists():
            if not folder.is_dir():
                return "it is a file"
            return unwritable(folder / "summary.json")
        existing = folder.parent
        while not existing.exists():
            existing = existing.parent
        if not existing.is_dir():
            return f"{existing} is not a folder"
    except OSError as exc:  # a folder above it we may not even look into
        return exc.strerror or str(exc)
    return unwritable(existing / folder.name)


def _folder(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
