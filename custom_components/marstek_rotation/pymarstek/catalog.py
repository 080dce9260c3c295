"""What each Venus model can do: the one table of model facts, keyed by model family.

Field reports, not vendor data sheets. Each row names its sources; the firmware columns are
the reset-prone table (`stable_from_firmware`) that the integration warns from.

Sources (see /docs in the project and the peers they cite):
- AC limits Venus A 1200 W, Venus D 2200 W, Venus C and E 2500 W: taurgis
  `custom_components/marstek/const.py` (per-model passive limits).
- Venus A at 1500 W: a discharge limit of 1500 W read back from a Venus A by another project;
  Rev 3.1 `Set.Ver` switches VNSA-0/VNSD-0/VNSE3-0 between 800/1200/1500/2200/2500 W
  versions (taurgis `docs/marstek_device_openapi.MD`). Readings up to the highest reported
  version are real, so the plausibility ceiling follows `reading_limit_w`, not the write limit.
- Venus E 2.0 / Venus C (HMG-50 hardware): 156 "Improved OpenAPI interface stability";
  Local API trouble reported again from 158.1 (jaapp #106, Mar 2026). One receive channel
  shared by the CT/meter and the Open API: polling collides with meter datagrams and enough
  lost readings stop self-consumption charging (taurgis #82, Sep 2026).
- Venus E 3.0: 150 (4 Aug 2026) is the user-confirmed fix for the Local API self-disable and
  settings resets (taurgis #15, 19 Sep 2026; PR #68).
- Venus A: v148 self-disables the Open API and flips AI to Manual (MarstekEnergy/ha_marstek
  #19, Jun 2026); 149.2 (`ver` 1492, folded to 149) is reported stable under ES.GetMode
  polling (Flodesirat #4, Sep 2026).
- Venus D: stable from 150 as Venus E 3.0 and A (taurgis firmware profile).
- Venus E mini (VNSEM-0, firmware 300): no limit, capacity or stable firmware published; it
  ignores `power` in ES.SetMode (jaapp #140).
- "VenusE Pro" / VEPRO-0: a family name in the Venus A 1508 build banner (taurgis
  `tools/firmware/ANALYSIS.md`), nothing else known.
- Settings writes `DOD.SET`, `Led.Ctrl`, `Ble.Adv` (`settings_from_firmware`): Rev 2.0 lists
  them for Venus C/E/D/A, Rev 3.1 documents them for control firmware ver >= 150 (taurgis
  `docs/marstek_device_openapi.MD`, firmware profile). HMG-50 hardware (Venus E 2.0, Venus C)
  153-156 lacks all three (taurgis `tools/firmware/ANALYSIS.md`); mattreim's matrix offers LED/BLE
  on it from 154/160, so the sources disagree there and it gets none. Venus E mini and "VenusE
  Pro": nothing reported. Unsupported methods answer -32601 (method not found).
A None fact is unknown: no write limit below the protocol's, no reading dropped for its size,
no firmware warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from .const import POWER_MAX_W


@dataclass(frozen=True, slots=True)
class ModelFacts:
    """One model family.

    Attributes:
        power_limit_w: the most it is written to charge or discharge, W; None when unknown.
        rated_capacity_kwh: its usable capacity, kWh; None where no report names it.
        stable_from_firmware: the first control firmware that is stable under polling; None
            when no report names one.
        reading_limit_w: the most any version of the family is reported to run at, W (readings
            up to it are real); None means the write limit.
        troubled_from_firmware: a later control firmware from which Local API trouble is
            reported again; None when there is no such report.
        single_receive_channel: the CT/meter and the Open API share one receive channel
            (HMG-50): polling can collide with meter datagrams, so poll slowly.
        settings_from_firmware: the first control firmware that answers the settings writes
            `DOD.SET`, `Led.Ctrl` and `Ble.Adv`; None when no report says it has them.
    """

    power_limit_w: int | None
    rated_capacity_kwh: float | None
    stable_from_firmware: int | None
    reading_limit_w: int | None = None
    troubled_from_firmware: int | None = None
    single_receive_channel: bool = False
    settings_from_firmware: int | None = None


_VENUS_E2: Final = ModelFacts(
    2500, 5.12, 156, troubled_from_firmware=158, single_receive_channel=True
)
_VENUS_C: Final = ModelFacts(
    2500, 2.56, 156, troubled_from_firmware=158, single_receive_channel=True
)
_VENUS_E3: Final = ModelFacts(2500, 5.12, 150, settings_from_firmware=150)
_VENUS_A: Final = ModelFacts(1200, 2.24, 149, reading_limit_w=1500, settings_from_firmware=150)
_VENUS_D: Final = ModelFacts(2200, 2.24, 150, settings_from_firmware=150)
_UNKNOWN: Final = ModelFacts(None, None, None)

_MODELS: Final[dict[str, ModelFacts]] = {
    # Venus E 2.0 and Venus C: HMG-50 hardware ("VenusE" is the E 2.0; a Venus C on 156 can
    # report "VenusE" too, jaapp #67).
    "VENUSE": _VENUS_E2,
    "HMG50": ModelFacts(2500, None, 156, troubled_from_firmware=158, single_receive_channel=True),
    "VENUSC": _VENUS_C,
    # Venus E 3.0.
    "VENUSE3.0": _VENUS_E3,
    "VNSE30": ModelFacts(2500, None, 150, settings_from_firmware=150),
    # Venus A ("Venus A", "VenusA", "VenusA 3.0", "VNSA-0").
    "VENUSA": _VENUS_A,
    "VENUSA3.0": ModelFacts(1200, None, 149, reading_limit_w=1500, settings_from_firmware=150),
    "VNSA0": ModelFacts(1200, None, 149, reading_limit_w=1500, settings_from_firmware=150),
    # Venus D.
    "VENUSD": _VENUS_D,
    "VNSD0": ModelFacts(2200, None, 150, settings_from_firmware=150),
    # Venus E mini and the "VenusE Pro" family: known names, unknown facts.
    "VNSEM0": _UNKNOWN,
    "VENUSEPRO": _UNKNOWN,
    "VEPRO0": _UNKNOWN,
}


def model_family(model: str) -> str:
    """Normalise a model string: "Venus E 3.0", "VenusE 3.0" -> "VENUSE3.0", "VNSA-0" -> "VNSA0"."""
    return model.replace(" ", "").replace("-", "").upper()


def model_facts(model: str | None) -> ModelFacts | None:
    """The facts of the model `Marstek.GetDevice` reports; None for a model not in the table."""
    return None if model is None else _MODELS.get(model_family(model))


def power_limit_w(model: str | None) -> int:
    """The most a battery of this model is written to charge or discharge, W (10 kW unknown)."""
    facts = model_facts(model)
    if facts is None or facts.power_limit_w is None:
        return POWER_MAX_W
    return facts.power_limit_w


def reading_limit_w(model: str | None) -> int:
    """The most a battery of this model is reported to run at, W (10 kW when unknown).

    Readings up to it (with a tolerance the parser adds) are real and never dropped.
    """
    facts = model_facts(model)
    if facts is None or facts.power_limit_w is None:
        return POWER_MAX_W
    return max(facts.power_limit_w, facts.reading_limit_w or 0)


def single_receive_channel(model: str | None) -> bool:
    """Whether this model's CT/meter and Open API share one receive channel (HMG-50)."""
    facts = model_facts(model)
    return facts is not None and facts.single_receive_channel


def supports_settings(model: str | None, firmware_version: int | None) -> bool:
    """Whether this model on this control firmware answers `DOD.SET`, `Led.Ctrl`, `Ble.Adv`."""
    facts = model_facts(model)
    return (
        facts is not None
        and facts.settings_from_firmware is not None
        and firmware_version is not None
        and firmware_version >= facts.settings_from_firmware
    )
