"""Named benchmark sets for `benchmarks/run.py`: names to instances to scenarios.

A set name expands to instances (`expand`); each instance becomes an
mtosched scenario dict (`scenario_data`) and finds its published reference
value in `known-values.csv` (`read_known_values`). The data folder is
`shared/benchmarks` (see its README for the formats and where every value
comes from).

Set names (several may be given to the runner):

- `la`, `ft`, `ta`, `abz`, `orb`, `swv`, `yn`: every JSPLIB instance of that
  family (makespan); `mk`: Brandimarte mk01-mk10 (FJSP, makespan).
- `PREFIXnn-mm`: a range, zero-padded like its first number: `la01-10`,
  `ta01-10`, `mk01-15`, `gla01-05`, `P1-10`.
- `tardiness-lawrence`, `-prata`, `-demirkol`, `-storer`, `-taillard`: job
  shops with due dates, total tardiness (mtosched's `weighted_tardiness`
  with every priority 1: the same sum).
- `twt:SPEC`: the Singer-Pinedo weighted-tardiness version (f = 1.3) of the
  JSPLIB instances SPEC names (`twt:la`, `twt:la16-20`, `twt:la17`);
  `twt-lawrence` is `twt:la`.
- `hurink-edata`, `-rdata`, `-vdata`: Hurink's FJSP variants (`la01_edata`).
- `plants:N1,N2,...`: generated make-to-order plants with N orders.
- `PATH.json`: a scenario file as it is (a training plant of
  `shared/benchmarks/plants`), with its objective cut to weighted
  tardiness; its EDD value is read from `reference.csv` beside it.
- anything else: one instance by name (`ft06`, `mk03`, `gla01`, `P7`).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from mtosched.importers import read_fjsp, read_jsplib
from mtosched.importers.common import IMPORT_START

Kind = Literal["jsplib", "fjsp", "tardiness", "twt", "plant", "scenario"]

#: Folders of the total-tardiness instances, by the runner's set name.
TARDINESS_FOLDERS = {
    "lawrence": "Lawrence",
    "prata": "Prata, Fernandez-Viagas, and Talens",
    "demirkol": "Demirkol, Mehta, and Uzsoy",
    "storer": "Storer, Wu and Vaccari",
    "taillard": "Taillard",
}
#: The `set` column of known-values.csv for each of those folders (the
#: Taillard results could not be matched to instances: no values).
TARDINESS_KNOWN = {
    "Lawrence": "jssp-tt-lawrence",
    "Prata, Fernandez-Viagas, and Talens": "jssp-tt-prata",
    "Demirkol, Mehta, and Uzsoy": "jssp-tt-demirkol",
    "Storer, Wu and Vaccari": "jssp-tt-storer",
}
HURINK_FOLDERS = ("edata", "rdata", "vdata")

#: What each known-values objective is in mtosched's terms.
TERM_OF_KNOWN = {
    "makespan": "makespan",
    "total_tardiness": "weighted_tardiness",
    "total_weighted_tardiness": "weighted_tardiness",
}

#: `generate_plant.py` arguments other than the order count (`plant_arguments`).
PLANT_OPS = 6
PLANT_SEED = 1


@dataclass(frozen=True)
class Instance:
    """One benchmark instance: how to build it and where its reference value is.

    `name` is what the table shows; `source` the data file (None for a
    generated plant, which has `orders` instead); `known` the (set, instance)
    key of known-values.csv, None when there is no published value.
    """

    name: str
    kind: Kind
    source: Path | None
    known: tuple[str, str] | None
    orders: int = 0


@dataclass(frozen=True)
class Known:
    """A published reference: best schedule value, lower bound, proven optimal."""

    objective: str
    best_known: int | None
    lower_bound: int | None
    optimal: bool

    @property
    def term(self) -> str | None:
        """The mtosched objective term that measures the same thing."""
        return TERM_OF_KNOWN.get(self.objective)


class SetError(ValueError):
    """A set name that names nothing: one sentence for the command line."""


def expand(spec: str, data: Path) -> list[Instance]:
    """The instances a set name (see the module docstring) stands for."""
    if spec.endswith(".json"):
        path = Path(spec)
        if not path.is_file():
            raise SetError(f"{spec}: no such scenario file")
        return [Instance(path.stem, "scenario", path, None)]
    if spec.startswith("plants:"):
        return [_plant(text) for text in spec.removeprefix("plants:").split(",")]
    if spec == "twt-lawrence":
        spec = "twt:la"
    if spec.startswith("twt:"):
        base = expand(spec.removeprefix("twt:"), data)
        if not base or any(i.kind != "jsplib" for i in base):
            raise SetError(f"{spec}: twt: needs JSPLIB instances (e.g. twt:la16-20)")
        return [_twt(i) for i in base]
    if spec.startswith("tardiness-"):
        folder = TARDINESS_FOLDERS.get(spec.removeprefix("tardiness-"))
        if folder is None:
            raise SetError(
                f"{spec}: unknown tardiness set (use tardiness-"
                + ", tardiness-".join(TARDINESS_FOLDERS)
                + ")"
            )
        root = data / "jssp-total-tardiness" / "Instances" / folder
        return [_tardiness(p) for p in _sorted_files(root.glob("*.txt"))]
    if spec.startswith("hurink-"):
        folder = spec.removeprefix("hurink-")
        if folder not in HURINK_FOLDERS:
            raise SetError(f"{spec}: use hurink-edata, hurink-rdata or hurink-vdata")
        files = _sorted_files((data / "fjsp-hurink" / folder).glob("*.txt"))
        return [_hurink(p, folder) for p in files]
    if spec == "mk":
        return [resolve(f"mk{k:02d}", data) for k in range(1, 11)]
    if re.fullmatch(r"[a-z]+", spec):
        family = [
            p
            for p in (data / "jsplib" / "instances").glob(f"{spec}*")
            if re.fullmatch(rf"{spec}\d+", p.name)
        ]
        if family:
            return [_jsplib(p) for p in _sorted_files(family)]
    ranged = re.fullmatch(r"([A-Za-z_]+)(\d+)-(\d+)", spec)
    if ranged:
        prefix, first, last = ranged.groups()
        width = len(first)
        if int(last) < int(first):
            raise SetError(f"{spec}: the range ends before it starts")
        return [
            resolve(f"{prefix}{k:0{width}d}", data)
            for k in range(int(first), int(last) + 1)
        ]
    return [resolve(spec, data)]


def resolve(name: str, data: Path) -> Instance:
    """One instance by its file name (without extension) in any set's folder."""
    jsplib = data / "jsplib" / "instances" / name
    if jsplib.is_file():
        return _jsplib(jsplib)
    brandimarte = data / "fjsp-brandimarte" / f"{name}.txt"
    if brandimarte.is_file():
        return Instance(name, "fjsp", brandimarte, ("fjsp-brandimarte", name))
    base, _, folder = name.rpartition("_")
    if folder in HURINK_FOLDERS:
        hurink = data / "fjsp-hurink" / folder / f"{base}.txt"
        if hurink.is_file():
            return _hurink(hurink, folder)
    for folder_name in TARDINESS_FOLDERS.values():
        path = data / "jssp-total-tardiness" / "Instances" / folder_name / f"{name}.txt"
        if path.is_file():
            return _tardiness(path)
    if name.startswith("twt:"):
        return _twt(resolve(name.removeprefix("twt:"), data))
    if not data.is_dir():
        raise SetError(f"{name}: the data folder {data} does not exist (see --data)")
    raise SetError(f"{name}: no such set or instance under {data}")


def _sorted_files(paths: Iterable[Path]) -> list[Path]:
    """Files in natural order, so that la2 comes before la10."""

    def key(path: Path) -> tuple[str, int]:
        match = re.fullmatch(r"(\D*)(\d*)", path.stem)
        if match is None:
            return (path.stem, 0)
        return (match.group(1), int(match.group(2) or 0))

    return sorted((p for p in paths if p.is_file()), key=key)


def _jsplib(path: Path) -> Instance:
    return Instance(path.name, "jsplib", path, ("jsplib", path.name))


def _hurink(path: Path, folder: str) -> Instance:
    name = f"{path.stem}_{folder}"
    return Instance(name, "fjsp", path, (f"fjsp-hurink-{folder}", path.stem))


def _tardiness(path: Path) -> Instance:
    known_set = TARDINESS_KNOWN.get(path.parent.name)
    known = (known_set, path.stem) if known_set else None
    return Instance(path.stem, "tardiness", path, known)


def _twt(base: Instance) -> Instance:
    if base.kind != "jsplib":
        raise SetError(f"twt:{base.name}: twt: needs a JSPLIB instance")
    known = ("jsptwt-lawrence-f1.3", base.name) if base.name.startswith("la") else None
    return Instance(f"twt:{base.name}", "twt", base.source, known)


def _plant(text: str) -> Instance:
    try:
        orders = int(text)
    except ValueError:
        raise SetError(
            f"plants:{text}: give order counts, e.g. plants:40,200"
        ) from None
    if orders < 1:
        raise SetError(f"plants:{text}: a plant needs at least one order")
    return Instance(f"plant-{orders}", "plant", None, None, orders=orders)


def plant_arguments(orders: int) -> list[str]:
    """`generate_plant.py` arguments of `plants:N`: one machine per 10 orders (≥5).

    At 200 orders this is the committed `benchmarks/data/plant-200x6.json`.
    """
    machines = max(5, orders // 10)
    return [
        *("--orders", str(orders), "--ops", str(PLANT_OPS)),
        *("--machines", str(machines), "--seed", str(PLANT_SEED)),
    ]


def scenario_data(instance: Instance) -> dict[str, Any]:
    """The instance as a scenario dict (JSON-ready), with a single objective term.

    Generated plants are made by the caller (`generate_plant.py` runs as a
    script); this covers the file-based kinds.
    """
    if instance.source is None:
        raise ValueError(f"{instance.name}: a generated plant has no source file")
    if instance.kind == "jsplib":
        return _dump(read_jsplib(instance.source))
    if instance.kind == "fjsp":
        data = _dump(read_fjsp(instance.source))
        data["name"] = instance.name
        return data
    if instance.kind == "twt":
        return singer_pinedo(_dump(read_jsplib(instance.source)))
    if instance.kind == "scenario":
        data = json.loads(instance.source.read_text(encoding="utf-8"))
        # One term, as for the generated plants: bound, peer, dispatch and
        # the reference's EDD then measure the same thing.
        data["objective"] = {"terms": ["weighted_tardiness"]}
        return dict(data)
    return read_tardiness(instance.source)


def _dump(scenario: Any) -> dict[str, Any]:
    data: dict[str, Any] = scenario.model_dump(
        mode="json", by_alias=True, exclude_unset=True
    )
    return data


def due_instant(minutes: int) -> str:
    """The instant `minutes` after the import start, as the contract writes it."""
    start = datetime.fromisoformat(IMPORT_START.replace("Z", "+00:00"))
    return (start + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")


def singer_pinedo(data: dict[str, Any], factor_tenths: int = 13) -> dict[str, Any]:
    """Weights and due dates by the Singer-Pinedo rule on a JSPLIB scenario.

    For job j of n (1-based, in file order): weight 4 for j ≤ 0.2·n, 2 for
    j ≤ 0.8·n, else 1; due date floor(f · its total processing time), f =
    `factor_tenths` / 10. shared/benchmarks/README.md section 6 explains why
    floor (it reproduces the quoted la17 value). Weights become priorities,
    so `weighted_tardiness` is the total weighted tardiness.
    """
    orders = data["orders"]
    n = len(orders)
    for j, order in enumerate(orders, start=1):
        work = sum(_minutes(op) for op in order["routing"])
        if 5 * j <= n:
            order["priority"] = 4
        elif 5 * j <= 4 * n:
            order["priority"] = 2
        else:
            order["priority"] = 1
        order["due"] = due_instant(factor_tenths * work // 10)
    data["name"] = f"twt:{data.get('name', '')}"
    data["objective"] = {"terms": ["weighted_tardiness"]}
    return data


def _minutes(op: dict[str, Any]) -> int:
    """Processing minutes of a JSPLIB operation (one machine: list form)."""
    if "minutes" in op:
        return int(op["minutes"])
    (minutes,) = op["machines"].values()
    return int(minutes)


def read_tardiness(path: Path) -> dict[str, Any]:
    """A total-tardiness job shop (shared README section 5) as a scenario dict.

    The file gives machines before jobs, durations per job *by machine* (not
    by position in the route), the 1-based route of each job, and one due
    date per job. All releases are 0 and all weights 1, so mtosched's
    `weighted_tardiness` with priority 1 is the total tardiness.
    """
    rows = [line.split() for line in path.read_text(encoding="utf-8").splitlines()]
    numbers = [r for r in rows if r and r[0].lstrip("-").isdigit()]
    labels = [" ".join(r) for r in rows if r and not r[0].lstrip("-").isdigit()]
    if labels != ["Processing times:", "Routes of jobs:", "Due dates:"]:
        raise ValueError(f"{path}: expected the three labelled sections, got {labels}")
    machines, jobs = (int(v) for v in numbers[0])
    if len(numbers) != 1 + 3 * jobs:
        raise ValueError(
            f"{path}: {machines} machines and {jobs} jobs need {1 + 3 * jobs} "
            f"lines of numbers, found {len(numbers)}"
        )
    times = [[int(v) for v in r] for r in numbers[1 : 1 + jobs]]
    routes = [[int(v) for v in r] for r in numbers[1 + jobs : 1 + 2 * jobs]]
    dues = [int(r[0]) for r in numbers[1 + 2 * jobs :]]
    orders = []
    for j in range(jobs):
        if len(times[j]) != machines or sorted(routes[j]) != list(
            range(1, machines + 1)
        ):
            raise ValueError(f"{path}: job {j + 1} does not visit each machine once")
        routing = [
            {"id": f"o{k}", "machines": [f"M{m}"], "minutes": times[j][m - 1]}
            for k, m in enumerate(routes[j])
            # A zero-minute operation cannot delay anything (as in the importers).
            if times[j][m - 1] > 0
        ]
        orders.append(
            {
                "id": f"J{j}",
                "routing": routing,
                "released": IMPORT_START,
                "due": due_instant(dues[j]),
            }
        )
    return {
        "name": path.stem,
        "timezone": "UTC",
        "start": IMPORT_START,
        "machines": [{"id": f"M{m}"} for m in range(1, machines + 1)],
        "orders": orders,
        "objective": {"terms": ["weighted_tardiness"]},
    }


def read_known_values(path: Path) -> dict[tuple[str, str], Known]:
    """known-values.csv by (set, instance); empty cells are None."""

    def number(text: str) -> int | None:
        return int(text) if text.strip() else None

    with path.open(encoding="utf-8", newline="") as handle:
        return {
            (row["set"], row["instance"]): Known(
                objective=row["objective"],
                best_known=number(row["best_known"]),
                lower_bound=number(row["lower_bound"]),
                optimal=row["optimal"].strip() == "yes",
            )
            for row in csv.DictReader(handle)
        }


def reference_edd(instance: Instance) -> int | None:
    """A scenario file's EDD value in the `reference.csv` beside it, if listed."""
    if instance.kind != "scenario" or instance.source is None:
        return None
    table = instance.source.parent / "reference.csv"
    if not table.is_file():
        return None
    with table.open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            if record.get("plant") == instance.name:
                value = record.get("edd_weighted_tardiness") or ""
                return int(value) if value.strip() else None
    return None
