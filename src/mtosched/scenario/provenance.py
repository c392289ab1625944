"""Where each element of a merged scenario came from, for error messages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Origin:
    """A file and the JSON path of an element inside that file."""

    file: str
    path: str

    def child(self, suffix: str) -> Origin:
        """The origin of a field below this element (``.due``, ``[2]``)."""
        joiner = "" if suffix.startswith("[") else "."
        return Origin(self.file, f"{self.path}{joiner}{suffix.lstrip('.')}")
