"""The household's set-up steps: batteries, meter, weather, tariff, then install.

Mixed into the config flow (config_flow.py): the user step offers them once a battery is set up
and no household exists. Nothing is written before the last step, where the user sees which
files go where and confirms.
"""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
)
from homeassistant.helpers.selector import (
    BooleanSelector,
    EntitySelector,
    EntitySelectorConfig,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    ObjectSelector,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
)

from .const import CONF_ENTITY_PREFIX, DOMAIN
from .household_dashboard import DashboardUnavailableError, async_create_dashboard
from .household_files import (
    PACKAGES_LINES,
    InstallState,
    install_package,
    install_state,
    write_household,
)
from .household_model import (
    CONF_BATTERIES,
    CONF_CURRENCY,
    CONF_KIND,
    CONF_OTHER_NAME,
    CONF_OTHER_PRICE,
    CONF_P1_EXPORT,
    CONF_P1_IMPORT,
    CONF_P1_SENSOR,
    CONF_PERIODS,
    CONF_PRICES_ENTITY,
    CONF_SOLAR_FORECAST,
    CONF_TARIFF,
    CONF_TEMPO_TODAY,
    CONF_TEMPO_TOMORROW,
    CONF_WEATHER,
    HOUSEHOLD_UNIQUE_ID,
    KIND_HOUSEHOLD,
    MAX_BATTERIES,
    TARIFFS,
    TEMPO_DEFAULT_PRICES,
    household_variables,
    label_problem,
    meter_problem,
)
from .household_notify import (
    CONF_NOTIFY,
    CONF_NOTIFY_EVENTS,
    CONF_NOTIFY_TARGET,
    EVENTS,
    notify_targets,
)
from .household_texts import async_household_text
from .planning import PERIOD_SCHEMA
from .pricing.tariffs import TEMPO_PRICE_KEYS

if TYPE_CHECKING:
    import probatio as vol
else:
    import voluptuous as vol

_LOGGER = logging.getLogger(__name__)

CONF_REPLACE_HOUSEHOLD = "replace_household"
STEP_HOUSEHOLD = "household"


def _label_key(index: int) -> str:
    return f"label_{index + 1}"


def _sensor(device_class: str | None = None) -> EntitySelector:
    config = EntitySelectorConfig(domain="sensor")
    if device_class is not None:
        config["device_class"] = device_class
    return EntitySelector(config)


def _price_box() -> NumberSelector:
    return NumberSelector(
        NumberSelectorConfig(min=-10, max=10, step="any", mode=NumberSelectorMode.BOX)
    )


class HouseholdSteps(ConfigFlow):
    """The household steps of the integration's config flow."""

    _household_answers: dict[str, Any]
    _household_batteries: list[dict[str, str]]
    _household_tariff: dict[str, Any]
    _household_notify: dict[str, Any]
    # The lines configuration.yaml lacks are said once, before the install step.
    _packages_explained = False

    def battery_choices(self) -> list[SelectOptionDict]:
        """The battery entries that can join the household, with their titles."""
        return [
            SelectOptionDict(value=entry.entry_id, label=entry.title)
            for entry in self.hass.config_entries.async_entries(DOMAIN)
            if entry.data.get(CONF_KIND) != KIND_HOUSEHOLD and entry.options.get(CONF_ENTITY_PREFIX)
        ]

    async def async_step_household(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Batteries, meter, weather and tariff."""
        # The unique id is taken only when the files are written: a set-up left open (a
        # closed browser tab) must not block the next one.
        current = self._household_entry()
        if current is None and HOUSEHOLD_UNIQUE_ID in self._async_current_ids(include_ignore=False):
            return self.async_abort(reason="household_exists")
        choices = self.battery_choices()
        if not choices:
            return self.async_abort(reason="no_batteries_yet")
        errors: dict[str, str] = {}
        if user_input is not None:
            chosen = user_input.get(CONF_BATTERIES) or []
            if not chosen:
                errors[CONF_BATTERIES] = "no_battery_chosen"
            elif len(chosen) > MAX_BATTERIES:
                errors[CONF_BATTERIES] = "too_many_batteries"
            problem = meter_problem(user_input)
            if problem is not None:
                errors["base"] = problem
            if not errors:
                self._household_answers = user_input
                return await self.async_step_labels()
        defaults = user_input or (
            self._current_answers(current)
            if current is not None
            else {
                CONF_BATTERIES: [choice["value"] for choice in choices[:MAX_BATTERIES]],
                CONF_TARIFF: "none",
            }
        )
        schema = vol.Schema(
            {
                vol.Required(CONF_BATTERIES): SelectSelector(
                    SelectSelectorConfig(
                        options=choices, multiple=True, mode=SelectSelectorMode.LIST
                    )
                ),
                vol.Optional(CONF_P1_SENSOR): _sensor("power"),
                vol.Optional(CONF_P1_IMPORT): _sensor("power"),
                vol.Optional(CONF_P1_EXPORT): _sensor("power"),
                vol.Optional(CONF_WEATHER): EntitySelector(EntitySelectorConfig(domain="weather")),
                vol.Required(CONF_TARIFF): SelectSelector(
                    SelectSelectorConfig(
                        options=list(TARIFFS),
                        mode=SelectSelectorMode.LIST,
                        translation_key=CONF_TARIFF,
                    )
                ),
                vol.Optional(CONF_SOLAR_FORECAST): _sensor("energy"),
            }
        )
        return self.async_show_form(
            step_id=STEP_HOUSEHOLD,
            data_schema=self.add_suggested_values_to_schema(schema, defaults),
            errors=errors,
        )

    async def async_step_labels(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """A short label per battery: the dashboard and the messages use it."""
        chosen: list[str] = self._household_answers[CONF_BATTERIES]
        titles = {choice["value"]: choice["label"] for choice in self.battery_choices()}
        errors: dict[str, str] = {}
        if user_input is not None:
            labels = [str(user_input.get(_label_key(i), "")) for i in range(len(chosen))]
            problem = label_problem(labels)
            if problem is not None:
                errors["base"] = problem
            else:
                self._household_batteries = [
                    {"prefix": self._prefix_of(entry_id), "label": label.strip()}
                    for entry_id, label in zip(chosen, labels, strict=True)
                ]
                return await self.async_step_tariff()
        known = self._current_labels()
        suggested = user_input or {
            _label_key(i): known.get(self._prefix_of(entry_id), titles.get(entry_id, ""))
            for i, entry_id in enumerate(chosen)
        }
        schema = vol.Schema(
            {vol.Required(_label_key(i)): TextSelector() for i in range(len(chosen))}
        )
        return self.async_show_form(
            step_id="labels",
            data_schema=self.add_suggested_values_to_schema(schema, suggested),
            errors=errors,
            description_placeholders={
                "batteries": "\n".join(
                    f"{i + 1}. {titles.get(entry_id, entry_id)}"
                    for i, entry_id in enumerate(chosen)
                )
            },
        )

    def _prefix_of(self, entry_id: str) -> str:
        entry = self.hass.config_entries.async_get_entry(entry_id)
        assert entry is not None  # noqa: S101  # offered from the current entries
        return str(entry.options[CONF_ENTITY_PREFIX])

    async def async_step_tariff(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """The tariff's own inputs: the price entity, Tempo's colours, or the periods."""
        kind = self._household_answers.get(CONF_TARIFF, "none")
        if kind == "none":
            self._household_tariff = {}
            return await self.async_step_notifications()
        errors: dict[str, str] = {}
        if user_input is not None:
            if kind == "time_of_use":
                try:
                    checked = [PERIOD_SCHEMA(dict(p)) for p in user_input.get(CONF_PERIODS) or []]
                except (vol.Invalid, TypeError, ValueError):
                    checked = []
                    errors[CONF_PERIODS] = "periods_invalid"
                if not checked and not errors:
                    errors[CONF_PERIODS] = "periods_invalid"
                if not errors:
                    user_input = {
                        **user_input,
                        CONF_PERIODS: [
                            {
                                "name": p["name"],
                                "start": p["start"].strftime("%H:%M"),
                                "end": p["end"].strftime("%H:%M"),
                                "price": p["price"],
                                **({"days": p["days"]} if p["days"] != "all" else {}),
                            }
                            for p in checked
                        ],
                    }
            if not errors:
                self._household_tariff = user_input
                return await self.async_step_notifications()
        schema, suggested = self._tariff_schema(kind)
        suggested.update(self._current_tariff(kind))
        return self.async_show_form(
            step_id=f"tariff_{kind}",
            data_schema=self.add_suggested_values_to_schema(schema, user_input or suggested),
            errors=errors,
        )

    # The form's step id names the tariff; its answers come back to the tariff step.
    async def async_step_tariff_dynamic(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Dynamic prices: the entity that carries them."""
        return await self.async_step_tariff(user_input)

    async def async_step_tariff_tempo(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """EDF Tempo: today's and tomorrow's colour, and the six prices."""
        return await self.async_step_tariff(user_input)

    async def async_step_tariff_time_of_use(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Time of use: the periods and the price of every other hour."""
        return await self.async_step_tariff(user_input)

    def _tariff_schema(self, kind: str) -> tuple[vol.Schema, dict[str, Any]]:
        if kind == "dynamic":
            return vol.Schema({vol.Required(CONF_PRICES_ENTITY): _sensor()}), {}
        if kind == "tempo":
            fields: dict[Any, Any] = {
                vol.Required(CONF_TEMPO_TODAY): _sensor(),
                vol.Required(CONF_TEMPO_TOMORROW): _sensor(),
            }
            fields.update({vol.Required(key): _price_box() for key in TEMPO_PRICE_KEYS})
            return vol.Schema(fields), dict(TEMPO_DEFAULT_PRICES)
        example = [
            {"name": "offpeak", "start": "23:00", "end": "07:00", "price": 0.2},
        ]
        return (
            vol.Schema(
                {
                    vol.Required(CONF_PERIODS): ObjectSelector(),
                    vol.Required(CONF_OTHER_PRICE): _price_box(),
                    vol.Optional(CONF_OTHER_NAME): TextSelector(),
                }
            ),
            {CONF_PERIODS: example, CONF_OTHER_PRICE: 0.3, CONF_OTHER_NAME: "peak"},
        )

    async def async_step_notifications(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Optional messages to a phone: where to, and for which events (none by default)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            target = user_input.get(CONF_NOTIFY_TARGET) or ""
            events = list(user_input.get(CONF_NOTIFY_EVENTS) or [])
            if events and not target:
                errors[CONF_NOTIFY_TARGET] = "notify_target_missing"
            else:
                self._household_notify = {
                    CONF_NOTIFY_TARGET: target,
                    CONF_NOTIFY_EVENTS: events if target else [],
                }
                return await self.async_step_install()
        entry = self._household_entry()
        current = dict(entry.options.get(CONF_NOTIFY, {})) if entry is not None else {}
        targets = notify_targets(self.hass)
        schema = vol.Schema(
            {
                vol.Optional(CONF_NOTIFY_TARGET): SelectSelector(
                    SelectSelectorConfig(
                        options=targets, custom_value=True, mode=SelectSelectorMode.DROPDOWN
                    )
                ),
                vol.Optional(CONF_NOTIFY_EVENTS): SelectSelector(
                    SelectSelectorConfig(
                        options=list(EVENTS),
                        multiple=True,
                        mode=SelectSelectorMode.LIST,
                        translation_key=CONF_NOTIFY_EVENTS,
                    )
                ),
            }
        )
        return self.async_show_form(
            step_id="notifications",
            data_schema=self.add_suggested_values_to_schema(schema, user_input or current),
            errors=errors,
        )

    async def async_step_install(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Say which files go where; write them and create the dashboard when confirmed."""
        config_dir = Path(self.hass.config.config_dir)
        state = await self.hass.async_add_executor_job(install_state, config_dir)
        current = self._household_entry()
        if current is not None:
            variables = self._variables()
            return await self._async_rewrite(config_dir, state, variables, current)
        if state.packages_in_another_form:
            return self.async_abort(reason="packages_other_form")
        if state.packages_folder is None and not self._packages_explained:
            self._packages_explained = True
            return self.async_show_form(
                step_id="packages",
                description_placeholders=_install_placeholders(config_dir, state),
            )
        errors: dict[str, str] = {}
        variables = self._variables()
        if user_input is not None:
            if HOUSEHOLD_UNIQUE_ID in self._async_current_ids(include_ignore=False):
                return self.async_abort(reason="household_exists")
            await self.async_set_unique_id(HOUSEHOLD_UNIQUE_ID, raise_on_progress=False)
            replace = bool(user_input.get(CONF_REPLACE_HOUSEHOLD, False))
            try:
                await self.hass.async_add_executor_job(
                    partial(
                        _install,
                        config_dir,
                        variables,
                        state,
                        replace=replace,
                        language=self.hass.config.language,
                    )
                )
            except OSError as err:
                _LOGGER.warning("Writing the rotation's files into %s failed: %s", config_dir, err)
                errors["base"] = "cannot_write"
            else:
                await self._async_dashboard()
                return self.async_create_entry(
                    title=await async_household_text(
                        self.hass, "household_title", "Rotation household"
                    ),
                    data={CONF_KIND: KIND_HOUSEHOLD},
                    options={**variables, CONF_NOTIFY: self._household_notify},
                    description="installed" if state.packages_folder else "installed_not_loaded",
                    description_placeholders=_install_placeholders(config_dir, state),
                )
        fields: dict[Any, Any] = {}
        if state.household_file:
            fields[vol.Required(CONF_REPLACE_HOUSEHOLD, default=False)] = BooleanSelector()
        return self.async_show_form(
            step_id="install" if not state.household_file else "install_replace",
            data_schema=vol.Schema(fields),
            errors=errors,
            description_placeholders=_install_placeholders(config_dir, state),
        )

    def _variables(self) -> dict[str, Any]:
        """The household file's keys from this flow's answers."""
        return household_variables(
            self._household_batteries,
            {**self._household_answers, CONF_CURRENCY: self.hass.config.currency},
            self._household_tariff,
        )

    # -- changing the household later (reconfigure) ------------------------------------

    def _household_entry(self) -> ConfigEntry | None:
        """The household entry being reconfigured, else None."""
        if self.source != SOURCE_RECONFIGURE:
            return None
        entry = self._get_reconfigure_entry()
        return entry if entry.data.get(CONF_KIND) == KIND_HOUSEHOLD else None

    def _current_answers(self, entry: ConfigEntry) -> dict[str, Any]:
        """The first form's answers as the household has them now."""
        by_prefix = {
            e.options.get(CONF_ENTITY_PREFIX): e.entry_id
            for e in self.hass.config_entries.async_entries(DOMAIN)
        }
        options = entry.options
        answers = {
            key: options[key]
            for key in (CONF_P1_SENSOR, CONF_P1_IMPORT, CONF_P1_EXPORT, CONF_SOLAR_FORECAST)
            if options.get(key)
        }
        if options.get(CONF_WEATHER) not in (None, "", "none"):
            answers[CONF_WEATHER] = options[CONF_WEATHER]
        answers[CONF_TARIFF] = options.get(CONF_TARIFF, "none")
        answers[CONF_BATTERIES] = [
            by_prefix[b["prefix"]]
            for b in options.get(CONF_BATTERIES, [])
            if b["prefix"] in by_prefix
        ]
        return answers

    def _current_labels(self) -> dict[str, str]:
        entry = self._household_entry()
        if entry is None:
            return {}
        return {b["prefix"]: b["label"] for b in entry.options.get(CONF_BATTERIES, [])}

    def _current_tariff(self, kind: str) -> dict[str, Any]:
        entry = self._household_entry()
        if entry is None or entry.options.get(CONF_TARIFF) != kind:
            return {}
        options = entry.options
        if kind == "dynamic":
            return {CONF_PRICES_ENTITY: options.get(CONF_PRICES_ENTITY)}
        if kind == "tempo":
            tempo = options.get("tempo", {})
            return {
                CONF_TEMPO_TODAY: tempo.get("today"),
                CONF_TEMPO_TOMORROW: tempo.get("tomorrow"),
                **tempo.get("prices", {}),
            }
        return dict(options.get("time_of_use", {}))

    async def _async_rewrite(
        self,
        config_dir: Path,
        state: InstallState,
        variables: dict[str, Any],
        entry: ConfigEntry,
    ) -> ConfigFlowResult:
        """Write the changed household; a household file written by hand is left alone."""
        options = {**variables, CONF_NOTIFY: self._household_notify}
        if state.household_file and not state.household_written_by_setup:
            return self.async_update_reload_and_abort(
                entry, options=options, reason="household_file_kept"
            )
        try:
            await self.hass.async_add_executor_job(write_household, config_dir, variables)
        except OSError as err:
            _LOGGER.warning("Writing the household file into %s failed: %s", config_dir, err)
            return self.async_abort(reason="cannot_write")
        await self._async_dashboard()  # made again when the user deleted it
        return self.async_update_reload_and_abort(
            entry, options=options, reason="household_updated"
        )

    async def _async_dashboard(self) -> None:
        """Create the rotation dashboard (in Home Assistant's language) unless it exists."""
        try:
            await async_create_dashboard(
                self.hass, await async_household_text(self.hass, "dashboard_title", "Batteries")
            )
        except DashboardUnavailableError:
            _LOGGER.warning("Home Assistant's dashboards are not loaded: no dashboard made")

    async def async_step_packages(
        self,
        user_input: dict[str, Any] | None = None,  # noqa: ARG002  # a confirmation only
    ) -> ConfigFlowResult:
        """Said when configuration.yaml loads no packages: the lines to add, then on."""
        return await self.async_step_install()

    async def async_step_install_replace(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The install step when a household file exists already."""
        return await self.async_step_install(user_input)


def _install(
    config_dir: Path,
    variables: dict[str, Any],
    state: InstallState,
    *,
    replace: bool,
    language: str,
) -> None:
    """Write the household file (unless one is kept) and the package in `language`."""
    if not state.household_file or replace:
        write_household(config_dir, variables)
    install_package(config_dir, language)


def _install_placeholders(config_dir: Path, state: InstallState) -> dict[str, str]:
    folder = state.packages_folder or config_dir / "packages"
    return {
        "folder": str(folder),
        "lines": PACKAGES_LINES,
    }
