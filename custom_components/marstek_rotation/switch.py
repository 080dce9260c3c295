"""Panel LED and Bluetooth advertising, where the model and firmware have `Led.Ctrl`/`Ble.Adv`.

They show the last value written: the battery cannot be asked.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import STATE_OFF, STATE_ON, EntityCategory, Platform
from homeassistant.helpers.restore_state import RestoreEntity

from .entity import MarstekSettingEntity
from .errors import async_translate_errors
from .pymarstek import MarstekClient, supports_settings

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .runtime import MarstekConfigEntry, MarstekRuntimeData

# Writes go through the battery's own write lock (control.py).
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class MarstekSwitchDescription(SwitchEntityDescription):
    """A battery setting switched on or off by one library write."""

    write_fn: Callable[[MarstekClient, bool], Awaitable[None]]


SWITCHES: tuple[MarstekSwitchDescription, ...] = (
    MarstekSwitchDescription(
        key="led",
        translation_key="led",
        entity_category=EntityCategory.CONFIG,
        write_fn=lambda client, on: client.set_led(on),
    ),
    MarstekSwitchDescription(
        key="bluetooth_advertising",
        translation_key="bluetooth_advertising",
        entity_category=EntityCategory.CONFIG,
        write_fn=lambda client, on: client.set_ble_advertising(on),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001
    entry: MarstekConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the switches where the battery has the settings writes."""
    runtime = entry.runtime_data
    device = runtime.coordinator.device
    if supports_settings(device.model, device.firmware_version):
        async_add_entities(MarstekSettingSwitch(runtime, description) for description in SWITCHES)


class MarstekSettingSwitch(MarstekSettingEntity, SwitchEntity, RestoreEntity):
    """The last value written; unknown until the first write; never written at start-up."""

    entity_description: MarstekSwitchDescription

    def __init__(self, runtime: MarstekRuntimeData, description: MarstekSwitchDescription) -> None:
        """Attach the description and the battery's write side."""
        super().__init__(runtime, description, Platform.SWITCH)
        self._attr_is_on: bool | None = None

    async def async_added_to_hass(self) -> None:
        """Show the last value written before the restart; nothing is sent."""
        await super().async_added_to_hass()
        last = await self.async_get_last_state()
        if last is not None and last.state in {STATE_ON, STATE_OFF}:
            self._attr_is_on = last.state == STATE_ON

    async def async_turn_on(self, **kwargs: Any) -> None:  # noqa: ARG002
        """Write on, then show it."""
        await self._async_write(on=True)

    async def async_turn_off(self, **kwargs: Any) -> None:  # noqa: ARG002
        """Write off, then show it."""
        await self._async_write(on=False)

    async def _async_write(self, *, on: bool) -> None:
        write = self.entity_description.write_fn
        async with async_translate_errors(self.coordinator.config_entry.title):
            await self._control.async_write_setting(lambda: write(self._client, on))
        self._attr_is_on = on
        self.async_write_ha_state()
