"""Pydantic models of the scenario file contract (docs/format.md).

Every section parses and validates here, including those the solver does not
schedule yet, so a file written against the contract is read the same way by
every version. Cross-references between sections are checked in
`references.py`, after several files have been merged.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    model_validator,
)

from mtosched.scenario.fields import (
    DEFAULT_OBJECTIVE,
    MAX_SPEED,
    MAX_STOCK,
    MIN_SPEED,
    ClockTime,
    Id,
    Instant,
    Minutes,
    ObjectiveTerm,
    PositiveMinutes,
    Priority,
    Quantity,
    Stock,
    Weekday,
)
from mtosched.scenario.provenance import Origin


def _drop_extension_keys(data: Any) -> Any:
    """Ignore keys starting with ``x-``: a place for comments and ERP metadata.

    Any other unknown key is an error, because a misspelt field (``prioirty``)
    silently ignored is worse than a refusal.
    """
    if isinstance(data, dict):
        # Looking before copying: most objects have no such key, and this
        # runs for every order of a 250,000-order file (issue 16).
        for key in data:
            if str(key).startswith("x-"):
                return {k: v for k, v in data.items() if not str(k).startswith("x-")}
    return data


class ContractModel(BaseModel):
    """Base of every contract model: strict about unknown keys, immutable."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        json_schema_extra={"patternProperties": {"^x-": {}}},
    )

    @model_validator(mode="before")
    @classmethod
    def _extensions(cls, data: Any) -> Any:
        return _drop_extension_keys(data)


class Shift(ContractModel):
    """Weekly working time; a `to` not after `from` ends the next day."""

    days: list[Weekday] = Field(min_length=1)
    from_: ClockTime = Field(alias="from")
    to: ClockTime


class Closure(ContractModel):
    """Dated non-working time (holidays, maintenance, breakdowns)."""

    from_: Instant = Field(alias="from")
    to: Instant
    reason: str | None = None


class Calendar(ContractModel):
    """Working time of machines and resources."""

    id: Id
    shifts: list[Shift] = []
    closures: list[Closure] = []


class Downtime(ContractModel):
    """A machine out of service for a while: a breakdown, planned maintenance.

    An mtosched extension of the contract, kept in its own list section so
    that a small overlay file can take a machine down for one night's
    rescheduling without touching the calendars it shares with others.
    """

    machine: Id
    from_: Instant = Field(alias="from")
    to: Instant
    reason: str | None = None


class Batching(ContractModel):
    """How a batch machine loads (format 1.1, rules 18-20).

    `capacity` bounds the sum of the members' sizes; a member's size is its
    order's quantity (`"quantity"`) or 1 (`"operations"`).
    """

    capacity: Quantity
    size: Literal["quantity", "operations"] = "quantity"


class Machine(ContractModel):
    """A disjunctive resource: one operation, or one batch, at a time."""

    id: Id
    name: str | None = None
    work_center: str | None = Field(
        default=None, description="Grouping for reports; no effect on the schedule."
    )
    calendar: Id | None = None
    changeovers: Id | None = None
    initial_family: str | None = None
    speed: Decimal = Field(
        default=Decimal(1), ge=MIN_SPEED, le=MAX_SPEED, allow_inf_nan=False
    )
    batch: Batching | None = None


class ChangeoverPair(ContractModel):
    """Changeover minutes from one family to another."""

    from_: str = Field(alias="from")
    to: str
    minutes: Minutes


class Changeover(ContractModel):
    """A sequence-dependent setup matrix between families."""

    id: Id
    default_minutes: Minutes = 0
    same_minutes: Minutes = 0
    pairs: list[ChangeoverPair] = []


class Resource(ContractModel):
    """A secondary resource with a capacity (crew, tool, fixture)."""

    id: Id
    capacity: Quantity
    calendar: Id | None = None


class Receipt(ContractModel):
    """A planned arrival of material."""

    at: Instant
    quantity: Annotated[int, Field(ge=1, le=MAX_STOCK, strict=True)]


class Material(ContractModel):
    """A component or raw material with stock, receipts and a lead time."""

    id: Id
    unit: str | None = None
    on_hand: Stock = 0
    receipts: list[Receipt] = []
    lead_time_minutes: Minutes | None = None


class Operation(ContractModel):
    """One step of a routing."""

    id: Id
    machines: list[Id] | dict[str, PositiveMinutes] = Field(min_length=1)
    minutes: Minutes | None = None
    minutes_per_unit: Minutes | None = None
    setup_minutes: Minutes = 0
    after: list[Id] | None = None
    min_wait_minutes: Minutes | None = None
    max_wait_minutes: Minutes | None = None
    when: dict[str, str | list[str]] | None = None
    family: str | None = None
    family_option: str | None = None
    uses: dict[str, Quantity] | None = None
    consumes: dict[str, Quantity] | None = None
    interruptible: bool = True
    #: Units move on in lots of this many (format 1.1, rules 21-22).
    transfer_quantity: Quantity | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Operation:
        if self.family is not None and self.family_option is not None:
            raise ValueError("give either 'family' or 'family_option', not both")
        if self.transfer_quantity is not None and (
            self.min_wait_minutes is not None or self.max_wait_minutes is not None
        ):
            raise ValueError(
                "an operation with 'transfer_quantity' cannot also have "
                "'min_wait_minutes' or 'max_wait_minutes' (rule 21)"
            )
        if (
            self.min_wait_minutes is not None
            and self.max_wait_minutes is not None
            and self.max_wait_minutes < self.min_wait_minutes
        ):
            raise ValueError("max_wait_minutes is less than min_wait_minutes")
        if isinstance(self.machines, list) and len(set(self.machines)) != len(
            self.machines
        ):
            raise ValueError("a machine is listed twice in 'machines'")
        return self


class Product(ContractModel):
    """A routing, optionally configurable by order options."""

    id: Id
    name: str | None = None
    options: dict[str, list[str]] = {}
    routing: list[Operation] = Field(min_length=1)


class Progress(ContractModel):
    """Shop-floor feedback for one operation of an order."""

    state: Literal["done", "running"]
    machine: Id | None = None
    started: Instant | None = None

    @model_validator(mode="after")
    def _running_needs_where_and_when(self) -> Progress:
        if self.state == "running" and (self.machine is None or self.started is None):
            raise ValueError("a running operation needs 'machine' and 'started'")
        return self


class Order(ContractModel):
    """A customer order: a product (or inline routing), a due date, a weight."""

    id: Id
    customer: str | None = None
    product: Id | None = None
    routing: list[Operation] | None = Field(default=None, min_length=1)
    quantity: Quantity = 1
    options: dict[str, str] = {}
    released: Instant | None = None
    due: Instant
    deadline: Instant | None = None
    priority: Priority = 1
    status: Literal["confirmed", "tentative", "cancelled"] = "confirmed"
    progress: dict[str, Progress] = {}

    @model_validator(mode="after")
    def _product_or_routing(self) -> Order:
        if (self.product is None) == (self.routing is None):
            raise ValueError("give exactly one of 'product' and 'routing'")
        return self


class Objective(ContractModel):
    """Objective terms in lexicographic order (the first matters most).

    `slack` (an extension of the contract) lets a term give way to the
    terms after it: with `{"weighted_tardiness": 0.05}` the later terms may
    spend up to 5 % more weighted tardiness than the best found, so a
    nightly run keeps more of last night's plan. Absent, the order is
    strictly lexicographic, as the contract defines it.
    """

    terms: list[ObjectiveTerm] = Field(min_length=1)
    slack: dict[ObjectiveTerm, Annotated[float, Field(ge=0, le=1)]] = {}

    @model_validator(mode="after")
    def _no_repeats(self) -> Objective:
        if len(set(self.terms)) != len(self.terms):
            raise ValueError("an objective term is listed twice")
        return self

    @model_validator(mode="after")
    def _slack_terms_listed(self) -> Objective:
        for term in self.slack:
            if term not in self.terms:
                raise ValueError(f"slack is given for '{term}', which is not in terms")
        return self


class Scenario(ContractModel):
    """One night's planning problem: master data plus the orders to schedule.

    Several files merge into one scenario (see `loading.merge_scenarios`), so
    every field is optional in a single file.
    """

    name: str | None = None
    timezone: str | None = Field(default=None, examples=["Europe/London"])
    start: Instant | None = None
    calendars: list[Calendar] = []
    machines: list[Machine] = []
    changeovers: list[Changeover] = []
    resources: list[Resource] = []
    materials: list[Material] = []
    products: list[Product] = []
    orders: list[Order] = []
    downtime: list[Downtime] = Field(
        default=[],
        description="Machines out of service (mtosched extension): each works "
        "neither in its calendar's closures nor in these periods.",
    )
    objective: Objective | None = None

    _file: str = PrivateAttr(default="<scenario>")
    _origins: dict[str, list[Origin]] = PrivateAttr(default_factory=dict)
    _scalar_files: dict[str, str] = PrivateAttr(default_factory=dict)

    def with_origins(
        self,
        file: str,
        origins: dict[str, list[Origin]] | None = None,
        scalar_files: dict[str, str] | None = None,
    ) -> Scenario:
        """Record where the elements came from (one file, or one per element)."""
        self._file = file
        self._origins = origins or {}
        self._scalar_files = scalar_files or {}
        return self

    def provenance(self) -> tuple[str, dict[str, list[Origin]], dict[str, str]]:
        """What `with_origins` recorded, for a copy rebuilt from JSON elsewhere.

        A cluster job carries the scenario as JSON text; with this, its
        errors name the planner's files, not a placeholder.
        """
        return self._file, dict(self._origins), dict(self._scalar_files)

    def scalar_file(self, field: str) -> str:
        """The file that set a scalar field such as `timezone`."""
        return self._scalar_files.get(field, self._file)

    @property
    def origin_file(self) -> str:
        """The file this scenario was read from (the first one, when merged)."""
        return self._file

    def origins(self, section: str) -> Callable[[int], Origin]:
        """`origin` for one section, its lookups done once (for hot loops).

        Reading a private attribute of a pydantic model goes through
        `__getattr__`; at 250,000 orders that alone took seconds.
        """
        recorded = self._origins.get(section) or []
        file = self._file

        def at(index: int) -> Origin:
            if index < len(recorded):
                return recorded[index]
            return Origin(file, f"{section}[{index}]")

        return at

    def origin(self, section: str, index: int) -> Origin:
        """File and JSON path of element `index` of a list section."""
        recorded = self._origins.get(section)
        if recorded is not None and index < len(recorded):
            return recorded[index]
        return Origin(self._file, f"{section}[{index}]")

    @property
    def objective_terms(self) -> tuple[ObjectiveTerm, ...]:
        """The lexicographic terms, defaulting as the contract says."""
        if self.objective is None:
            return DEFAULT_OBJECTIVE
        return tuple(self.objective.terms)

    @property
    def objective_slack(self) -> dict[ObjectiveTerm, float]:
        """How far each term may give way to the later ones (a fraction)."""
        return {} if self.objective is None else dict(self.objective.slack)


#: The list sections, merged by concatenation, with unique ids within each.
LIST_SECTIONS: tuple[str, ...] = (
    "calendars",
    "machines",
    "changeovers",
    "resources",
    "materials",
    "products",
    "orders",
)
#: List sections without ids, merged by plain concatenation.
UNKEYED_SECTIONS: tuple[str, ...] = ("downtime",)
#: The scalar fields, which merged files must not disagree on.
SCALAR_FIELDS: tuple[str, ...] = ("name", "timezone", "start", "objective")
