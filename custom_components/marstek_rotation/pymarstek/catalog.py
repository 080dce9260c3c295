"""What each Venus model can do: the one table of model facts, keyed by model family.

Field reports, not vendor data sheets: AC limits (Venus A 1200 W, Venus D 2200 W, Venus C
and E 2500 W), usable capacities, and the first control firmware that no longer resets or
switches its Open API off under polling (Venus E 2.0 / Venus C, HMG-50 hardware: 156, "Improved
OpenAPI interface stability"; Venus E 3.0, Venus A and Venus D: 150).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from .const import POWER_MAX_W


@dataclass(frozen=True, slots=True)
class ModelFacts:
    """One model family.

    Attributes:
        power_limit_w: the most it charges or discharges, W.
        rated_capacity_kwh: its usable capacity, kWh; None where no report names it.
        stable_from_firmware: the first control firmware that is stable under polling.
    """

    power_limit_w: int
    rated_capacity_kwh: float | None
    stable_from_firmware: int


_MODELS: Final[dict[str, ModelFacts]] = {
    "VENUSE": ModelFacts(2500, 5.12, 156),
    "VENUSC": ModelFacts(2500, 2.56, 156),
    "HMG50": ModelFacts(2500, None, 156),
    "VENUSE3.0": ModelFacts(2500, 5.12, 150),
    "VNSE30": ModelFacts(2500, None, 150),
    "VENUSA": ModelFacts(1200, 2.24, 150),
    "VENUSA3.0": ModelFacts(1200, None, 150),
    "VNSA0": ModelFacts(1200, None, 150),
    "VENUSD": ModelFacts(2200, 2.24, 150),
    "VNSD0": ModelFacts(2200, None, 150),
}


def model_family(model: str) -> str:
    """Normalise a model string: "Venus E 3.0", "VenusE 3.0" -> "VENUSE3.0", "VNSA-0" -> "VNSA0"."""
    return model.replace(" ", "").replace("-", "").upper()


def model_facts(model: str | None) -> ModelFacts | None:
    """The facts of the model `Marstek.GetDevice` reports; None for a model not in the table."""
    return None if model is None else _MODELS.get(model_family(model))


def power_limit_w(model: str | None) -> int:
    """The most a battery of this model charges or discharges, W (10 kW when unknown)."""
    facts = model_facts(model)
    return POWER_MAX_W if facts is None else facts.power_limit_w
