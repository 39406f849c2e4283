"""Cost components: one priced line of a resource (an instance's hours, a volume's GB)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

HOURS_PER_MONTH = Decimal(730)


@dataclass(frozen=True)
class CostComponent:
    """quantity is per hour when hourly, else per month; None: usage-based with no usage
    given (or a value only known after apply). price None: the snapshot has no price."""

    name: str
    unit: str
    quantity: Decimal | None
    price: Decimal | None
    hourly: bool = False
    usage_based: bool = False
    note: str = ""

    @property
    def hourly_quantity(self) -> Decimal | None:
        if self.quantity is None:
            return None
        return self.quantity if self.hourly else self.quantity / HOURS_PER_MONTH

    @property
    def monthly_quantity(self) -> Decimal | None:
        if self.quantity is None:
            return None
        return self.quantity * HOURS_PER_MONTH if self.hourly else self.quantity

    @property
    def priced(self) -> bool:
        return self.price is not None

    @property
    def hourly_cost(self) -> Decimal | None:
        q = self.hourly_quantity
        return None if q is None or self.price is None else q * self.price

    @property
    def monthly_cost(self) -> Decimal | None:
        q = self.monthly_quantity
        return None if q is None or self.price is None else q * self.price


def hourly(name: str, unit: str, quantity: Decimal | None, price: Decimal | None, note: str = "") -> CostComponent:
    return CostComponent(name, unit, quantity, price, hourly=True, note=note)


def monthly(name: str, unit: str, quantity: Decimal | None, price: Decimal | None, note: str = "") -> CostComponent:
    return CostComponent(name, unit, quantity, price, note=note)


def usage(name: str, unit: str, quantity: Decimal | None, price: Decimal | None, note: str = "") -> CostComponent:
    """A monthly component whose quantity comes from the usage file (None: not given)."""
    return CostComponent(name, unit, quantity, price, usage_based=True, note=note)
