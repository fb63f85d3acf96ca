"""Axes and coordinates: nice ticks, and numbers written the one way SVG reads them."""

from __future__ import annotations

import math
from dataclasses import dataclass

from klimatfardplan.numbers import for_machines, for_people


def coord(value: float) -> str:
    """A coordinate or length, one decimal at most, with a decimal point in every language."""
    return for_machines(value, 1).removesuffix(".0")


def nice_step(rough: float) -> float:
    """The step of 1, 2, 2.5 or 5 times a power of ten nearest above ``rough``."""
    if rough <= 0:
        return 1.0
    power: float = 10.0 ** math.floor(math.log10(rough))
    return next(m * power for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * power >= rough * (1 - 1e-9))


@dataclass(frozen=True)
class Axis:
    """A linear value axis rounded out to whole steps, so every tick stands at its own value."""

    low: float
    high: float
    step: float

    @classmethod
    def around(cls, low: float, high: float, steps: int = 4) -> Axis:
        low, high = min(0.0, low), max(high, 0.0)
        if high == low:
            high = low + 1.0
        step = nice_step((high - low) / steps)
        return cls(math.floor(low / step) * step, math.ceil(high / step) * step, step)

    @property
    def ticks(self) -> list[float]:
        return [
            self.low + self.step * i for i in range(round((self.high - self.low) / self.step) + 1)
        ]

    @property
    def decimals(self) -> int:
        return max(0, -math.floor(math.log10(self.step))) if self.step < 1 else 0

    def label(self, value: float) -> str:
        return for_people(value, self.decimals)

    def fraction(self, value: float) -> float:
        return (value - self.low) / (self.high - self.low)


def text_width(text: str, size: float) -> float:
    """Roughly how wide a label is in a sans-serif font: enough to leave room for it."""
    return len(text) * size * 0.56


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def finite(value: object) -> float | None:
    """A number to draw, or None for a missing, suppressed or non-numeric value (None ≠ 0)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, ArithmeticError):
        return None
    return number if math.isfinite(number) else None
