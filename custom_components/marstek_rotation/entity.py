"""The base entity: device info, unique ids from the BLE MAC and entity ids from the prefix."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.helpers.device_registry import CONNECTION_BLUETOOTH, DeviceInfo, format_mac
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import CONF_BLE_MAC, CONF_ENTITY_PREFIX, CONF_MODEL, DOMAIN, MANUFACTURER
from .coordinator import MarstekCoordinator
from .naming import device_name

if TYPE_CHECKING:
    from .control import BatteryControl
    from .pymarstek import MarstekClient
    from .runtime import MarstekRuntimeData


class MarstekEntity(CoordinatorEntity[MarstekCoordinator]):
    """An entity of one Marstek battery."""

    _attr_has_entity_name = True

    def __init__(
        self, coordinator: MarstekCoordinator, description: EntityDescription, platform: str
    ) -> None:
        """Set the ids: unique id from the MAC (never changes), entity id from the prefix."""
        super().__init__(coordinator)
        self.entity_description = description
        entry = coordinator.config_entry
        mac: str = entry.data[CONF_BLE_MAC]
        model: str = entry.data[CONF_MODEL]
        self._attr_unique_id = f"{mac}_{description.key}"
        # Set explicitly so the id is `<platform>.<prefix>_<key>` whatever the device name or
        # area: automations and the rotation package depend on it. Used on first registration.
        self.entity_id = f"{platform}.{entry.options[CONF_ENTITY_PREFIX]}_{description.key}"
        device = coordinator.device
        # Only the BLE MAC as a connection: on Venus E 3.0 the Wi-Fi MAC field is the access
        # point's BSSID, shared by every battery on it, which would merge their devices.
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, mac)},
            connections={(CONNECTION_BLUETOOTH, format_mac(mac))},
            manufacturer=MANUFACTURER,
            model=model,
            name=device_name(model, mac),
            sw_version=str(device.firmware),
            serial_number=mac,
        )


class MarstekSettingEntity(MarstekEntity):
    """A setting the battery cannot be asked for, shown as last written.

    Written through the battery's control: its write lock and quiet period, as the modes.
    """

    def __init__(
        self, runtime: MarstekRuntimeData, description: EntityDescription, platform: str
    ) -> None:
        """Attach the description and the battery's write side."""
        super().__init__(runtime.coordinator, description, platform)
        self._control: BatteryControl = runtime.control
        self._client: MarstekClient = runtime.client
