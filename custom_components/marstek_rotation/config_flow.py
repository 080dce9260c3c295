"""Config, options and reconfigure flows. One config entry per battery, keyed by BLE MAC."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import (
    SOURCE_IGNORE,
    ConfigEntry,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import callback
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
)

from .const import (
    CONF_BLE_MAC,
    CONF_ENTITY_PREFIX,
    CONF_FIRMWARE,
    CONF_MODEL,
    CONF_POLL_INTERVAL,
    CONF_RATED_CAPACITY,
    CONF_TIMEOUT,
    DEFAULT_POLL_INTERVAL,
    DEFAULT_PORT,
    DEFAULT_TIMEOUT,
    DOMAIN,
    MAX_POLL_INTERVAL,
    MAX_RATED_CAPACITY,
    MAX_TIMEOUT,
    MIN_POLL_INTERVAL,
    MIN_RATED_CAPACITY,
    MIN_TIMEOUT,
    RESET_PRONE_POLL_INTERVAL,
    SHARED_CHANNEL_POLL_INTERVAL,
)
from .entity_ids import rename_entity_ids, taken_entity_ids
from .firmware import reset_prone_fixed_in, shares_receive_channel
from .household_flow import HouseholdSteps
from .household_model import CONF_KIND, HOUSEHOLD_UNIQUE_ID, KIND_HOUSEHOLD
from .lan_discovery import async_discover
from .local_network import async_enabled_networks, async_local_address_for
from .naming import (
    MAX_PREFIX_LENGTH,
    default_entity_prefix,
    default_rated_capacity,
    device_name,
    is_valid_prefix,
)
from .pymarstek import (
    DeviceInfo,
    MarstekClient,
    MarstekDeviceError,
    MarstekProtocolError,
    MarstekTimeoutError,
    MarstekTransportError,
    MarstekValidationError,
)
from .pymarstek.validation import require_unicast_ipv4
from .transports import async_borrow_transport

if TYPE_CHECKING:
    # Home Assistant 2026.9+ serves `voluptuous` from probatio's shim: type against that.
    import probatio as vol
    from homeassistant.core import HomeAssistant
else:
    import voluptuous as vol

_LOGGER = logging.getLogger(__name__)

CONF_DEVICE = "device"
MANUAL_ENTRY = "manual"
STEP_MANUAL = "manual"
# The manual form introduced by why discovery offered no battery. A note in the description,
# not a form error: Home Assistant shows errors in red, and nothing went wrong.
STEP_MANUAL_NOTHING_FOUND = "manual_nothing_found"
STEP_MANUAL_ALL_CONFIGURED = "manual_all_configured"
STEP_MANUAL_PORT_IN_USE = "manual_port_in_use"
STEP_SETTINGS = "settings"
# The same form, with a warning about firmware that resets under polling.
STEP_SETTINGS_RESET_PRONE = "settings_reset_prone"
# The same form, saying why HMG-50 hardware (one receive channel for meter and API) polls slowly.
STEP_SETTINGS_SHARED_CHANNEL = "settings_shared_channel"


type ProbeOutcome = tuple[DeviceInfo | None, dict[str, str]]


class CannotProbeError(Exception):
    """Probing a battery failed; `key` is the translated form error."""

    def __init__(self, key: str) -> None:
        """Remember the error key."""
        super().__init__(key)
        self.key = key


async def async_probe(hass: HomeAssistant, host: str, port: int) -> DeviceInfo:
    """Check a battery answers as a Marstek: `Marstek.GetDevice`, then one `ES.GetMode`.

    The address must be one device's: broadcast, network and reserved addresses (of the
    networks Home Assistant is on, too) are refused before anything is sent.

    Raises:
        CannotProbeError: with the form error to show.
    """
    try:
        host = require_unicast_ipv4("host", host, await async_enabled_networks(hass))
        local = (await async_local_address_for(hass, host), port)
        async with async_borrow_transport(hass, local) as transport:
            client = MarstekClient(transport, host, port, timeout=DEFAULT_TIMEOUT)
            device = await client.get_device()
            await client.get_mode()
    except MarstekValidationError as err:
        raise CannotProbeError("invalid_host") from err
    except MarstekTransportError as err:
        raise CannotProbeError("port_in_use") from err
    except MarstekTimeoutError as err:
        raise CannotProbeError("cannot_connect") from err
    except (MarstekProtocolError, MarstekDeviceError) as err:
        raise CannotProbeError("not_marstek") from err
    except Exception as err:
        _LOGGER.exception("Unexpected error while probing %s:%s", host, port)
        raise CannotProbeError("unknown") from err
    if device.unique_id is None:
        raise CannotProbeError("not_marstek")
    return device


async def async_probe_for_form(hass: HomeAssistant, host: str, port: int) -> ProbeOutcome:
    """Probe for a form: the battery, or the form errors to show instead."""
    try:
        return await async_probe(hass, host, port), {}
    except CannotProbeError as err:
        return None, {"base": err.key}


def _box(low: float, high: float, step: float, unit: str | None = None) -> NumberSelector:
    """A number entry box with bounds and an optional unit."""
    config = NumberSelectorConfig(min=low, max=high, step=step, mode=NumberSelectorMode.BOX)
    if unit is not None:
        config["unit_of_measurement"] = unit
    return NumberSelector(config)


def _settings_schema(defaults: dict[str, Any]) -> vol.Schema:
    def field(key: str) -> vol.Required:
        return vol.Required(key, default=defaults[key])

    return vol.Schema(
        {
            field(CONF_ENTITY_PREFIX): TextSelector(),
            field(CONF_RATED_CAPACITY): _box(MIN_RATED_CAPACITY, MAX_RATED_CAPACITY, 0.01, "kWh"),
            field(CONF_POLL_INTERVAL): vol.All(
                _box(MIN_POLL_INTERVAL, MAX_POLL_INTERVAL, 1, "s"), vol.Coerce(int)
            ),
            field(CONF_TIMEOUT): _box(MIN_TIMEOUT, MAX_TIMEOUT, 0.5, "s"),
        }
    )


def _connection_schema(host: str | None, port: int) -> vol.Schema:
    host_key = vol.Required(CONF_HOST, default=host) if host else vol.Required(CONF_HOST)
    return vol.Schema(
        {
            host_key: TextSelector(),
            vol.Required(CONF_PORT, default=port): vol.All(_box(1, 65535, 1), vol.Coerce(int)),
        }
    )


def _validate_prefix(hass: HomeAssistant, prefix: str, entry_id: str | None) -> dict[str, str]:
    """Form errors for an entity prefix: a short slug, unused by other batteries and entities."""
    if not is_valid_prefix(prefix):
        return {CONF_ENTITY_PREFIX: "invalid_prefix"}
    if len(prefix) > MAX_PREFIX_LENGTH:
        return {CONF_ENTITY_PREFIX: "prefix_too_long"}
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.entry_id != entry_id and entry.options.get(CONF_ENTITY_PREFIX) == prefix:
            return {CONF_ENTITY_PREFIX: "prefix_in_use"}
    if taken_entity_ids(hass, prefix, entry_id):
        return {CONF_ENTITY_PREFIX: "entity_ids_taken"}
    return {}


def _prefix_placeholders(
    hass: HomeAssistant, prefix: str, fallback: str, entry_id: str | None
) -> dict[str, str]:
    """What the settings forms say about a prefix: an example id and the ids in the way.

    While the prefix typed is unusable the example is built from `fallback` (the default or
    current prefix): the descriptions use it in a sentence, which needs a real id.
    """
    usable = is_valid_prefix(prefix) and len(prefix) <= MAX_PREFIX_LENGTH
    taken = taken_entity_ids(hass, prefix, entry_id) if usable else []
    return {
        "example": f"sensor.{prefix if usable else fallback}_state_of_charge",
        "taken": ", ".join(taken[:3]) or "-",
        "max_length": str(MAX_PREFIX_LENGTH),
    }


class MarstekConfigFlow(HouseholdSteps, domain=DOMAIN):
    """Add a battery (discovered, or by address, then its settings) or the rotation household."""

    VERSION = 1
    MINOR_VERSION = 2

    def __init__(self) -> None:
        """Start with nothing found."""
        self._discovered: dict[str, DeviceInfo] = {}
        # The manual form's step when discovery could not run or found nothing new: its
        # description says which.
        self._manual_step = STEP_MANUAL
        self._device: DeviceInfo | None = None
        self._port = DEFAULT_PORT
        # Set by a background discovery: the battery to confirm.
        self._candidate: dict[str, Any] | None = None

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> MarstekOptionsFlow:  # noqa: ARG004
        """The options flow for prefix, capacity, interval and timeout."""
        return MarstekOptionsFlow()

    @classmethod
    @callback
    def async_supports_options_flow(cls, config_entry: ConfigEntry) -> bool:
        """Batteries have options; the household is changed by setting it up again."""
        return config_entry.data.get(CONF_KIND) != KIND_HOUSEHOLD

    # -- picked by the user -------------------------------------------------------------

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """With a battery set up and no household yet, ask which of the two to add."""
        if user_input is None and self._household_possible():
            return await self.async_step_add()
        return await self.async_step_battery(user_input)

    async def async_step_add(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:  # noqa: ARG002
        """The menu: one more battery, or the household."""
        return self.async_show_menu(step_id="add", menu_options=["battery", "household"])

    def _household_possible(self) -> bool:
        entries = self.hass.config_entries.async_entries(DOMAIN, include_ignore=False)
        has_household = any(e.unique_id == HOUSEHOLD_UNIQUE_ID for e in entries)
        has_battery = any(e.data.get(CONF_KIND) != KIND_HOUSEHOLD for e in entries)
        return has_battery and not has_household

    async def async_step_battery(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer the batteries discovery finds that are not configured yet, or manual entry.

        Its form keeps the step id `user`: the answer comes back through the user step.
        """
        errors: dict[str, str] = {}
        if user_input is not None:
            choice = user_input[CONF_DEVICE]
            if choice == MANUAL_ENTRY or choice not in self._discovered:
                return await self.async_step_manual()
            found = self._discovered[choice]
            self._device, errors = await async_probe_for_form(self.hass, found.host, DEFAULT_PORT)
            if self._device is not None:
                self._port = DEFAULT_PORT
                return await self._async_device_identified()
        else:
            await self._async_discover()
        if not self._discovered:
            return await self.async_step_manual()
        options = [
            SelectOptionDict(value=mac, label=f"{device_name(device.model, mac)} ({device.host})")
            for mac, device in self._discovered.items()
        ]
        options.append(SelectOptionDict(value=MANUAL_ENTRY, label=MANUAL_ENTRY))
        return self.async_show_form(
            step_id="user",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_DEVICE): SelectSelector(
                        SelectSelectorConfig(
                            options=options,
                            mode=SelectSelectorMode.LIST,
                            translation_key=CONF_DEVICE,
                        )
                    )
                }
            ),
            errors=errors,
        )

    async def _async_discover(self) -> None:
        """Broadcast once; keep the batteries that are not configured yet."""
        result = await async_discover(self.hass, DEFAULT_PORT)
        if result.blocked and not result.devices:
            _LOGGER.debug("Discovery skipped: port %s is in use", DEFAULT_PORT)
            self._manual_step = STEP_MANUAL_PORT_IN_USE
            return
        configured = self._async_current_ids(include_ignore=False)
        self._discovered = {
            device.unique_id: device
            for device in result.devices
            if device.unique_id is not None and device.unique_id not in configured
        }
        if not self._discovered:
            # Said plainly on the manual form: nothing answered, or only known batteries did
            # (an answer without a MAC is no battery that could be set up).
            known = any(device.unique_id in configured for device in result.devices)
            self._manual_step = STEP_MANUAL_ALL_CONFIGURED if known else STEP_MANUAL_NOTHING_FOUND

    async def async_step_manual(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Enter a battery's IP address and Open API port."""
        errors: dict[str, str] = {}
        if user_input is not None:
            self._device, errors = await async_probe_for_form(
                self.hass, user_input[CONF_HOST], user_input[CONF_PORT]
            )
            if self._device is not None:
                self._port = user_input[CONF_PORT]
                return await self._async_device_identified()
        host = user_input[CONF_HOST] if user_input else None
        port = user_input[CONF_PORT] if user_input else DEFAULT_PORT
        # The note on why discovery offered nothing is for the first view; after an attempt
        # the form is the plain one, with that attempt's error.
        step_id = self._manual_step if user_input is None else STEP_MANUAL
        return self.async_show_form(
            step_id=step_id, data_schema=_connection_schema(host, port), errors=errors
        )

    async def async_step_manual_nothing_found(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The manual form as shown when no battery answered the search."""
        return await self.async_step_manual(user_input)

    async def async_step_manual_all_configured(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The manual form as shown when only batteries that are set up answered."""
        return await self.async_step_manual(user_input)

    async def async_step_manual_port_in_use(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The manual form as shown when port 30000 was taken and nothing was searched."""
        return await self.async_step_manual(user_input)

    async def _async_device_identified(self) -> ConfigFlowResult:
        """Stop for a battery that is configured already; follow one that moved."""
        assert self._device is not None  # noqa: S101  # set by the probe just before
        assert self._device.unique_id is not None  # noqa: S101  # checked by the probe
        existing = await self.async_set_unique_id(self._device.unique_id)
        # An ignored battery has no address to update: set it up (it replaces the ignore).
        if (
            existing is not None
            and existing.source != SOURCE_IGNORE
            and (
                existing.data.get(CONF_HOST) != self._device.host
                or existing.data.get(CONF_PORT) != self._port
            )
        ):
            return self.async_update_reload_and_abort(
                existing,
                data_updates={CONF_HOST: self._device.host, CONF_PORT: self._port},
                reason="address_updated",
            )
        self._abort_if_unique_id_configured()
        return await self.async_step_settings()

    # -- found in the background ----------------------------------------------------------

    async def async_step_integration_discovery(
        self, discovery_info: dict[str, Any]
    ) -> ConfigFlowResult:
        """A battery the background discovery found; configured ones never get here."""
        await self.async_set_unique_id(discovery_info[CONF_BLE_MAC])
        self._abort_if_unique_id_configured(
            updates={CONF_HOST: discovery_info[CONF_HOST], CONF_PORT: discovery_info[CONF_PORT]}
        )
        self._candidate = discovery_info
        name = device_name(discovery_info[CONF_MODEL], discovery_info[CONF_BLE_MAC])
        self.context["title_placeholders"] = {"name": name}
        return await self.async_step_discovery_confirm()

    async def async_step_discovery_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show what was found; on confirmation read the battery again and go on to settings."""
        candidate = self._candidate
        assert candidate is not None  # noqa: S101  # set by the discovery step
        errors: dict[str, str] = {}
        if user_input is not None:
            self._device, errors = await async_probe_for_form(
                self.hass, candidate[CONF_HOST], candidate[CONF_PORT]
            )
            if self._device is not None:
                self._port = candidate[CONF_PORT]
                return await self._async_device_identified()
        return self.async_show_form(
            step_id="discovery_confirm",
            errors=errors,
            description_placeholders={
                "name": device_name(candidate[CONF_MODEL], candidate[CONF_BLE_MAC]),
                "model": candidate[CONF_MODEL],
                "firmware": str(candidate[CONF_FIRMWARE]),
                "host": candidate[CONF_HOST],
                "port": str(candidate[CONF_PORT]),
            },
        )

    # -- settings -------------------------------------------------------------------------

    async def async_step_settings(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose the entity prefix, rated capacity, poll interval and timeout."""
        device = self._device
        assert device is not None  # noqa: S101  # only reached after a probe
        assert device.unique_id is not None  # noqa: S101
        fixed_in = reset_prone_fixed_in(device.model, device.firmware_version)
        shared_channel = shares_receive_channel(device.model)
        step_id, poll_interval = STEP_SETTINGS, DEFAULT_POLL_INTERVAL
        if shared_channel:
            step_id = STEP_SETTINGS_SHARED_CHANNEL
            poll_interval = max(poll_interval, SHARED_CHANNEL_POLL_INTERVAL)
        if fixed_in is not None:  # the reset warning comes first
            step_id = STEP_SETTINGS_RESET_PRONE
            poll_interval = max(poll_interval, RESET_PRONE_POLL_INTERVAL)
        default_prefix = default_entity_prefix(device.model, device.unique_id)
        defaults: dict[str, Any] = {
            CONF_ENTITY_PREFIX: default_prefix,
            CONF_RATED_CAPACITY: default_rated_capacity(device.model),
            CONF_POLL_INTERVAL: poll_interval,
            CONF_TIMEOUT: DEFAULT_TIMEOUT,
        }
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = _validate_prefix(self.hass, user_input[CONF_ENTITY_PREFIX], None)
            if not errors:
                return self.async_create_entry(
                    title=device_name(device.model, device.unique_id),
                    data={
                        CONF_HOST: device.host,
                        CONF_PORT: self._port,
                        CONF_BLE_MAC: device.unique_id,
                        CONF_MODEL: device.model,
                    },
                    options=user_input,
                )
            defaults.update(user_input)
        return self.async_show_form(
            step_id=step_id,
            data_schema=_settings_schema(defaults),
            errors=errors,
            description_placeholders={
                "name": device_name(device.model, device.unique_id),
                "model": device.model,
                "firmware": str(device.firmware),
                "fixed_in": str(fixed_in or ""),
                "interval": str(poll_interval),
                **_prefix_placeholders(
                    self.hass, defaults[CONF_ENTITY_PREFIX], default_prefix, None
                ),
            },
        )

    async def async_step_settings_reset_prone(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The settings form as shown for firmware that resets under polling."""
        return await self.async_step_settings(user_input)

    async def async_step_settings_shared_channel(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The settings form as shown for HMG-50 hardware (Venus E 2.0, Venus C)."""
        return await self.async_step_settings(user_input)

    # -- reconfigure ----------------------------------------------------------------------

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the address or port of a configured battery, or the household's choices."""
        entry = self._get_reconfigure_entry()
        if user_input is None and entry.data.get(CONF_KIND) == KIND_HOUSEHOLD:
            return await self.async_step_household()
        errors: dict[str, str] = {}
        if user_input is not None:
            device, errors = await async_probe_for_form(
                self.hass, user_input[CONF_HOST], user_input[CONF_PORT]
            )
            if device is not None:
                await self.async_set_unique_id(device.unique_id)
                self._abort_if_unique_id_mismatch(reason="wrong_device")
                return self.async_update_reload_and_abort(
                    entry,
                    data_updates={CONF_HOST: device.host, CONF_PORT: user_input[CONF_PORT]},
                )
        current = user_input or entry.data
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=_connection_schema(current[CONF_HOST], current[CONF_PORT]),
            errors=errors,
            description_placeholders={"name": entry.title},
        )


class MarstekOptionsFlow(OptionsFlowWithReload):
    """Change prefix, capacity, interval and timeout; a new prefix renames the entity ids."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """One form with every setting, titled with the battery it belongs to."""
        entry = self.config_entry
        errors: dict[str, str] = {}
        old_prefix: str = entry.options[CONF_ENTITY_PREFIX]
        if user_input is not None:
            new_prefix = user_input[CONF_ENTITY_PREFIX]
            if new_prefix != old_prefix:
                errors = _validate_prefix(self.hass, new_prefix, entry.entry_id)
            if not errors:
                if new_prefix != old_prefix:
                    rename_entity_ids(self.hass, entry.entry_id, old_prefix, new_prefix)
                return self.async_create_entry(data=user_input)
        defaults = {**entry.options, **(user_input or {})}
        return self.async_show_form(
            step_id="init",
            data_schema=_settings_schema(defaults),
            errors=errors,
            description_placeholders={
                "name": entry.title,
                "host": entry.data[CONF_HOST],
                "prefix": old_prefix,
                **_prefix_placeholders(
                    self.hass, defaults[CONF_ENTITY_PREFIX], old_prefix, entry.entry_id
                ),
            },
        )
