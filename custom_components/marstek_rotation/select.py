"""The operating-mode select: writes `ES.SetMode` through the library."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.const import Platform

from .entity import MarstekEntity
from .errors import async_translate_errors
from .pymarstek import OperatingMode

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .runtime import MarstekConfigEntry, MarstekRuntimeData

# Writes to one battery are serialised by its BatteryControl; one action at a time is enough.
PARALLEL_UPDATES = 1

SELECTABLE_MODES = (
    OperatingMode.AUTO,
    OperatingMode.AI,
    OperatingMode.MANUAL,
    OperatingMode.PASSIVE,
)

OPERATING_MODE = SelectEntityDescription(
    key="operating_mode",
    translation_key="operating_mode",
    options=[mode.value for mode in SELECTABLE_MODES],
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001
    entry: MarstekConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the mode select."""
    async_add_entities([MarstekModeSelect(entry.runtime_data)])


class MarstekModeSelect(MarstekEntity, SelectEntity):
    """Auto, AI, Manual (neutral, slot 9 disabled) or Passive (power and duration numbers)."""

    def __init__(self, runtime: MarstekRuntimeData) -> None:
        """Attach the description and the battery's write side."""
        super().__init__(runtime.coordinator, OPERATING_MODE, Platform.SELECT)
        self._control = runtime.control

    @property
    def current_option(self) -> str | None:
        """The mode last read (or just written); None for UPS or an unknown mode."""
        mode = self.coordinator.data.status.mode
        if mode is None or mode not in SELECTABLE_MODES:
            return None
        return mode.value

    async def async_select_option(self, option: str) -> None:
        """Write the mode; Passive takes power and duration from the number entities."""
        async with async_translate_errors(self.coordinator.config_entry.title):
            await self._control.async_set_mode(OperatingMode(option))
