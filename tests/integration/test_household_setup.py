"""The rotation household set up in the UI: files written, package installed, dashboard made.

A real Home Assistant with the integration's battery entries on simulated batteries; the
configuration folder is the test's own, so what the flow writes is read back from disk.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from homeassistant.components.lovelace.const import LOVELACE_DATA
from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import parse_yaml

from custom_components.marstek_rotation.const import CONF_ENTITY_PREFIX, DOMAIN
from custom_components.marstek_rotation.diagnostics import async_get_config_entry_diagnostics
from custom_components.marstek_rotation.household_dashboard import (
    _dashboards_collection,
    dashboard_exists,
)
from custom_components.marstek_rotation.household_files import (
    HOUSEHOLD_FILE,
    PACKAGE_FILE,
    SHIPPED_DASHBOARD,
    SHIPPED_PACKAGE,
    WRITTEN_BY_SETUP,
    shipped_version,
)
from custom_components.marstek_rotation.household_language import (
    rotation_words,
    translate_package,
)
from simulator import Simulator

from .conftest import VENUS_E3_9A7D, VENUS_E_D828, config_entry_for, setup_entry

LOADS_PACKAGES = "homeassistant:\n  packages: !include_dir_named packages\n"
METER = "sensor.grid_power"


@pytest.fixture
def config_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    """The test's own configuration folder, loading packages as the README says."""
    (tmp_path / "configuration.yaml").write_text(LOADS_PACKAGES, encoding="utf-8")
    hass.config.config_dir = str(tmp_path)
    return tmp_path


@pytest.fixture
async def batteries(hass: HomeAssistant, simulator: Simulator) -> list[str]:
    """Two batteries set up in the integration; their entity prefixes."""
    prefixes = []
    for spec in (VENUS_E_D828, VENUS_E3_9A7D):
        await simulator.add_battery(spec)
        entry = await setup_entry(hass, config_entry_for(spec))
        prefixes.append(str(entry.options[CONF_ENTITY_PREFIX]))
    return prefixes


async def configure_step(
    hass: HomeAssistant, result: FlowResult, data: dict[str, Any]
) -> FlowResult:
    return await hass.config_entries.flow.async_configure(result["flow_id"], data)


async def configure(hass: HomeAssistant, result: FlowResult, data: dict[str, Any]) -> FlowResult:
    """Answer a step; the optional messages step that may follow is left empty."""
    result = await configure_step(hass, result, data)
    if result.get("step_id") == "notifications":
        result = await configure_step(hass, result, {})
    return result


async def start_household_flow(hass: HomeAssistant) -> FlowResult:
    """The add flow's menu, then the household's first form."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["battery", "household"]
    result = await configure(hass, result, {"next_step_id": "household"})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "household"
    return result


def battery_entry_ids(hass: HomeAssistant) -> list[str]:
    return [
        e.entry_id for e in hass.config_entries.async_entries(DOMAIN) if e.unique_id != "household"
    ]


async def answer_until_install(
    hass: HomeAssistant, tariff: str = "none", labels: tuple[str, str] = ("Fase A", "Fase B")
) -> FlowResult:
    result = await start_household_flow(hass)
    result = await configure(
        hass,
        result,
        {"batteries": battery_entry_ids(hass), "p1_sensor": METER, "tariff": tariff},
    )
    assert result["step_id"] == "labels", result.get("errors")
    return await configure(hass, result, {"label_1": labels[0], "label_2": labels[1]})


def written_household(config_dir: Path) -> dict[str, Any]:
    """The household file's `variables:`, read as Home Assistant reads YAML."""
    document = parse_yaml((config_dir / "packages" / HOUSEHOLD_FILE).read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    variables = document["template"][0]["variables"]
    assert isinstance(variables, dict)
    return variables


async def test_the_household_is_set_up_in_the_ui_and_installed(
    hass: HomeAssistant, config_dir: Path, batteries: list[str]
) -> None:
    assert await async_setup_component(hass, "lovelace", {})
    result = await answer_until_install(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "install"  # configuration.yaml loads packages: no advice
    # Nothing is written before the user confirms.
    assert not (config_dir / "packages").exists()

    result = await configure(hass, result, {})
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["description"] == "installed"
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    assert written_household(config_dir) == {
        "batteries": [
            {"prefix": batteries[0], "label": "Fase A"},
            {"prefix": batteries[1], "label": "Fase B"},
        ],
        "p1_sensor": METER,
        "weather_entity": "none",
        "tariff": "none",
        "currency": hass.config.currency,
    }
    text = (config_dir / "packages" / HOUSEHOLD_FILE).read_text(encoding="utf-8")
    assert text.startswith(WRITTEN_BY_SETUP)
    assert (config_dir / "packages" / PACKAGE_FILE).read_bytes() == SHIPPED_PACKAGE.read_bytes()
    # The dashboard is a storage dashboard holding the shipped views.
    dashboards = hass.data[LOVELACE_DATA].dashboards
    assert "marstek-rotation" in dashboards
    saved = await dashboards["marstek-rotation"].async_load(force=False)
    shipped = parse_yaml(SHIPPED_DASHBOARD.read_text(encoding="utf-8"))
    assert isinstance(shipped, dict)
    assert saved["views"] == shipped["views"]
    # Installed and current: no repair.
    issues = ir.async_get(hass).issues
    assert not [key for key in issues if key[0] == DOMAIN]


async def test_the_written_household_file_is_read_by_the_template_integration(
    hass: HomeAssistant, config_dir: Path, batteries: list[str]
) -> None:
    """What the package reads: the household sensor built from the written file."""
    result = await answer_until_install(hass, labels=("Zolder", "Garage"))
    await configure(hass, result, {})
    await hass.async_block_till_done()
    document = parse_yaml((config_dir / "packages" / HOUSEHOLD_FILE).read_text(encoding="utf-8"))
    assert isinstance(document, dict)

    assert await async_setup_component(hass, "template", {"template": document["template"]})
    await hass.async_block_till_done()

    household = hass.states.get("sensor.marstek_rotation_household")
    assert household is not None
    assert household.state == "2"
    assert [b["label"] for b in household.attributes["batteries"]] == ["Zolder", "Garage"]
    assert [b["prefix"] for b in household.attributes["batteries"]] == batteries
    assert household.attributes["p1_sensor"] == METER
    assert household.attributes["tariff"] == "none"
    assert household.attributes["format"] == 2


@pytest.mark.parametrize(
    ("meter", "error"),
    [
        ({}, "meter_missing"),
        ({"p1_import_sensor": "sensor.grid_import"}, "meter_pair_incomplete"),
        (
            {"p1_sensor": METER, "p1_import_sensor": "sensor.a", "p1_export_sensor": "sensor.b"},
            "meter_both_kinds",
        ),
    ],
)
async def test_the_meter_must_be_one_signed_sensor_or_the_pair(
    hass: HomeAssistant,
    config_dir: Path,
    batteries: list[str],
    meter: dict[str, str],
    error: str,
) -> None:
    result = await start_household_flow(hass)
    answers = {"batteries": battery_entry_ids(hass), "tariff": "none", **meter}
    result = await configure(hass, result, answers)
    assert result["step_id"] == "household"
    assert result["errors"] == {"base": error}
    # The pair alone is right.
    answers = {
        "batteries": battery_entry_ids(hass),
        "tariff": "none",
        "p1_import_sensor": "sensor.grid_import",
        "p1_export_sensor": "sensor.grid_export",
    }
    result = await configure(hass, result, answers)
    assert result["step_id"] == "labels"
    assert not (config_dir / "packages").exists()


async def test_two_batteries_with_one_name_are_refused(
    hass: HomeAssistant,
    config_dir: Path,
    batteries: list[str],
) -> None:
    result = await answer_until_install(hass, labels=("Fase A", "fase a "))
    assert result["step_id"] == "labels"
    assert result["errors"] == {"base": "label_twice"}
    result = await configure(hass, result, {"label_1": "Fase A", "label_2": "Fase B"})
    assert result["step_id"] == "install"


async def test_a_dynamic_tariff_asks_for_its_price_sensor(
    hass: HomeAssistant,
    config_dir: Path,
    batteries: list[str],
) -> None:
    result = await answer_until_install(hass, tariff="dynamic")
    assert result["step_id"] == "tariff_dynamic"
    result = await configure(hass, result, {"prices_entity": "sensor.day_ahead_prices"})
    assert result["step_id"] == "install"
    await configure(hass, result, {})
    await hass.async_block_till_done()
    written = written_household(config_dir)
    assert written["tariff"] == "dynamic"
    assert written["prices_entity"] == "sensor.day_ahead_prices"


async def test_time_of_use_periods_are_checked_then_written_as_clock_times(
    hass: HomeAssistant,
    config_dir: Path,
    batteries: list[str],
) -> None:
    result = await answer_until_install(hass, tariff="time_of_use")
    assert result["step_id"] == "tariff_time_of_use"
    bad = {"periods": [{"name": "dal", "start": "25:00", "end": "07:00", "price": 0.2}]}
    result = await configure(hass, result, {**bad, "other_price": 0.3})
    assert result["errors"] == {"periods": "periods_invalid"}
    good = [
        {"name": "superdal", "start": "1:00", "end": "07:00", "price": "0.12"},
        {"name": "dal", "start": "00:00", "end": "00:00", "price": 0.2, "days": "weekends"},
    ]
    result = await configure(hass, result, {"periods": good, "other_price": 0.32})
    assert result["step_id"] == "install"
    await configure(hass, result, {})
    await hass.async_block_till_done()
    assert written_household(config_dir)["time_of_use"] == {
        "periods": [
            {"name": "superdal", "start": "01:00", "end": "07:00", "price": 0.12},
            {"name": "dal", "start": "00:00", "end": "00:00", "price": 0.2, "days": "weekends"},
        ],
        "other_price": 0.32,
        "other_name": "peak",
    }


async def test_tempo_asks_for_the_colours_and_offers_the_prices(
    hass: HomeAssistant,
    config_dir: Path,
    batteries: list[str],
) -> None:
    result = await answer_until_install(hass, tariff="tempo")
    assert result["step_id"] == "tariff_tempo"
    suggested = {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description and "suggested_value" in key.description
    }
    assert suggested["red_peak"] == pytest.approx(0.7562)
    answers = {
        **suggested,
        "tempo_today": "sensor.rte_tempo_couleur_actuelle",
        "tempo_tomorrow": "sensor.rte_tempo_prochaine_couleur",
        "red_peak": 0.8,
    }
    result = await configure(hass, result, answers)
    await configure(hass, result, {})
    await hass.async_block_till_done()
    tempo = written_household(config_dir)["tempo"]
    assert tempo["today"] == "sensor.rte_tempo_couleur_actuelle"
    assert tempo["prices"]["red_peak"] == pytest.approx(0.8)
    assert tempo["prices"]["blue_offpeak"] == pytest.approx(0.1296)


async def test_a_household_file_of_ones_own_is_kept_unless_replaced(
    hass: HomeAssistant,
    config_dir: Path,
    batteries: list[str],
) -> None:
    (config_dir / "packages").mkdir()
    mine = "# my own household, edited by hand\n"
    (config_dir / "packages" / HOUSEHOLD_FILE).write_text(mine, encoding="utf-8")

    result = await answer_until_install(hass)
    assert result["step_id"] == "install_replace"
    result = await configure(hass, result, {"replace_household": False})
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert (config_dir / "packages" / HOUSEHOLD_FILE).read_text(encoding="utf-8") == mine
    assert (config_dir / "packages" / PACKAGE_FILE).is_file()


async def test_without_packages_in_configuration_yaml_the_lines_are_given(
    hass: HomeAssistant,
    config_dir: Path,
    batteries: list[str],
) -> None:
    (config_dir / "configuration.yaml").write_text("default_config:\n", encoding="utf-8")
    result = await answer_until_install(hass)
    assert result["step_id"] == "packages"  # the lines to add, before anything is written
    assert "!include_dir_named packages" in result["description_placeholders"]["lines"]
    assert not (config_dir / "packages").exists()
    result = await configure(hass, result, {})
    assert result["step_id"] == "install"

    result = await configure(hass, result, {})
    await hass.async_block_till_done()

    assert result["description"] == "installed_not_loaded"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, "packages_not_loaded")
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["lines"] == (
        "homeassistant:\n  packages: !include_dir_named packages"
    )
    # Once configuration.yaml loads the folder, a reload clears the issue.
    (config_dir / "configuration.yaml").write_text(LOADS_PACKAGES, encoding="utf-8")
    await hass.config_entries.async_reload(result["result"].entry_id)
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, "packages_not_loaded") is None


async def test_an_older_package_is_upgraded_in_one_click_and_the_household_stays(
    hass: HomeAssistant,
    config_dir: Path,
    batteries: list[str],
) -> None:
    assert await async_setup_component(hass, "repairs", {})
    result = await answer_until_install(hass)
    result = await configure(hass, result, {})
    await hass.async_block_till_done()
    entry = result["result"]
    household_before = (config_dir / "packages" / HOUSEHOLD_FILE).read_bytes()
    # An installed 2.0 package, as a user of the manual install has it.
    package = config_dir / "packages" / PACKAGE_FILE
    shipped = SHIPPED_PACKAGE.read_text(encoding="utf-8")
    major, minor = shipped_version()
    old = shipped.replace(f"rotation {major}.{minor}:", "rotation 2.0:", 1)
    package.write_text(old, encoding="utf-8")

    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()

    issue = ir.async_get(hass).async_get_issue(DOMAIN, "package_outdated")
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_placeholders == {
        "folder": str(config_dir / "packages"),
        "shipped": f"{major}.{minor}",
        "installed": "2.0",
    }
    flow = await hass.data["repairs"]["flow_manager"].async_init(
        DOMAIN, data={"issue_id": "package_outdated"}
    )
    assert flow.get("step_id") == "confirm", flow
    assert flow["description_placeholders"]["installed"] == "2.0"
    done = await hass.data["repairs"]["flow_manager"].async_configure(flow["flow_id"], {})
    await hass.async_block_till_done()

    assert done["type"] is FlowResultType.CREATE_ENTRY
    assert package.read_text(encoding="utf-8") == shipped
    assert (config_dir / "packages" / HOUSEHOLD_FILE).read_bytes() == household_before
    assert ir.async_get(hass).async_get_issue(DOMAIN, "package_outdated") is None


async def test_in_dutch_the_package_and_dashboard_are_written_in_dutch(
    hass: HomeAssistant, config_dir: Path, batteries: list[str]
) -> None:
    """Home Assistant in Dutch: the installed package and the created dashboard are Dutch."""
    hass.config.language = "nl"
    assert await async_setup_component(hass, "lovelace", {})
    assert await async_setup_component(hass, "repairs", {})
    result = await answer_until_install(hass)
    result = await configure(hass, result, {})
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY

    words = rotation_words("nl")
    assert words is not None
    package = config_dir / "packages" / PACKAGE_FILE
    shipped = SHIPPED_PACKAGE.read_text(encoding="utf-8")
    written = package.read_text(encoding="utf-8")
    assert written == translate_package(shipped, words)
    assert 'name: "Marstek-rotatie toestand"' in written
    assert "Marstek rotation state\n" not in written
    assert "default_entity_id: sensor.marstek_rotation_decision" in written
    saved = await hass.data[LOVELACE_DATA].dashboards["marstek-rotation"].async_load(force=False)
    assert saved["views"][0]["cards"][0]["title"] == "Batterijrotatie"
    assert "'rotating': 'roteert'" in saved["views"][0]["cards"][0]["content"]
    # A translated package is no outdated one: same version, no repair.
    assert ir.async_get(hass).async_get_issue(DOMAIN, "package_outdated") is None

    # The one-click upgrade writes the new package in Dutch too.
    major, minor = shipped_version()
    package.write_text(written.replace(f"rotation {major}.{minor}:", "rotation 2.0:", 1))
    entry = result["result"]
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    flow = await hass.data["repairs"]["flow_manager"].async_init(
        DOMAIN, data={"issue_id": "package_outdated"}
    )
    await hass.data["repairs"]["flow_manager"].async_configure(flow["flow_id"], {})
    await hass.async_block_till_done()
    assert package.read_text(encoding="utf-8") == translate_package(shipped, words)

    # A dashboard the user deleted is made again by Reconfigure (in Dutch).
    collection = _dashboards_collection(hass)
    item = next(i for i in collection.async_items() if i["url_path"] == "marstek-rotation")
    await collection.async_delete_item(item["id"])
    assert not dashboard_exists(hass)
    result = await start_reconfigure(hass, entry.entry_id)
    result = await configure(hass, result, {**suggested(result), "tariff": "none"})
    result = await configure(hass, result, suggested(result))
    assert result["reason"] == "household_updated", result
    saved = await hass.data[LOVELACE_DATA].dashboards["marstek-rotation"].async_load(force=False)
    assert saved["views"][0]["cards"][0]["title"] == "Batterijrotatie"
    assert hass.data[LOVELACE_DATA].dashboards["marstek-rotation"].config["title"] == "Batterijen"


async def test_removing_the_household_says_what_stays(
    hass: HomeAssistant,
    config_dir: Path,
    batteries: list[str],
) -> None:
    result = await answer_until_install(hass)
    result = await configure(hass, result, {})
    await hass.async_block_till_done()

    await hass.config_entries.async_remove(result["result"].entry_id)
    await hass.async_block_till_done()

    notifications = hass.data["persistent_notification"]
    notice = notifications[f"{DOMAIN}_household_removed"]
    assert str(config_dir / "packages" / PACKAGE_FILE) in notice["message"]
    assert str(config_dir / "packages" / HOUSEHOLD_FILE) in notice["message"]
    assert "/marstek-rotation" in notice["message"]
    assert (config_dir / "packages" / HOUSEHOLD_FILE).is_file()
    # And the menu offers the household again.
    flow = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert flow["type"] is FlowResultType.MENU


async def test_no_menu_before_the_first_battery(hass: HomeAssistant, config_dir: Path) -> None:
    with pytest.MonkeyPatch.context() as patch:
        # Discovery would broadcast; with no battery it opens on the manual form.
        patch.setattr(
            "custom_components.marstek_rotation.config_flow.async_discover",
            _nothing_found,
        )
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "manual_nothing_found"  # the manual form, saying why


async def _nothing_found(*_: object) -> Any:
    from custom_components.marstek_rotation.lan_discovery import DiscoveryResult  # noqa: PLC0415

    return DiscoveryResult(devices=[], blocked=False)


def test_the_shipped_files_are_in_the_integration_folder() -> None:
    """HACS delivers only custom_components/marstek_rotation: the rotation must be inside."""
    folder = Path(__file__).resolve().parents[2] / "custom_components" / "marstek_rotation"
    assert SHIPPED_PACKAGE.is_relative_to(folder)
    assert SHIPPED_DASHBOARD.is_relative_to(folder)


async def test_a_set_up_left_open_does_not_block_the_next_and_one_household_only(
    hass: HomeAssistant,
    config_dir: Path,
    batteries: list[str],
) -> None:
    left_open = await answer_until_install(hass)  # a browser tab closed at the last step
    assert left_open["step_id"] == "install"
    result = await answer_until_install(hass)
    result = await configure(hass, result, {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    # The one left open cannot make a second household.
    late = await configure(hass, left_open, {})
    assert late["type"] is FlowResultType.ABORT
    assert late["reason"] == "household_exists"
    # Nor can a new one: the menu no longer offers it.
    flow = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert flow["type"] is not FlowResultType.MENU
    hass.config_entries.flow.async_abort(flow["flow_id"])


async def start_reconfigure(hass: HomeAssistant, entry_id: str) -> FlowResult:
    return await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_RECONFIGURE, "entry_id": entry_id}
    )


def suggested(result: FlowResult) -> dict[str, Any]:
    return {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description and "suggested_value" in key.description
    }


async def test_the_household_is_changed_later_and_its_file_written_again(
    hass: HomeAssistant, config_dir: Path, batteries: list[str]
) -> None:
    result = await answer_until_install(hass)
    result = await configure(hass, result, {})
    await hass.async_block_till_done()
    entry = result["result"]

    result = await start_reconfigure(hass, entry.entry_id)
    assert result["step_id"] == "household"
    current = suggested(result)
    assert current["p1_sensor"] == METER
    assert current["tariff"] == "none"
    assert current["batteries"] == battery_entry_ids(hass)
    result = await configure(
        hass,
        result,
        {"batteries": current["batteries"], "p1_sensor": METER, "tariff": "dynamic"},
    )
    assert suggested(result) == {"label_1": "Fase A", "label_2": "Fase B"}
    result = await configure(hass, result, {"label_1": "Fase A", "label_2": "Zolder"})
    result = await configure(hass, result, {"prices_entity": "sensor.day_ahead_prices"})
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "household_updated"
    written = written_household(config_dir)
    assert [b["label"] for b in written["batteries"]] == ["Fase A", "Zolder"]
    assert [b["prefix"] for b in written["batteries"]] == batteries
    assert written["tariff"] == "dynamic"
    assert entry.options["prices_entity"] == "sensor.day_ahead_prices"
    assert len(hass.config_entries.async_entries(DOMAIN)) == 3  # two batteries, one household


async def test_a_household_file_edited_by_hand_is_not_written_by_a_change(
    hass: HomeAssistant,
    config_dir: Path,
    batteries: list[str],
) -> None:
    result = await answer_until_install(hass)
    result = await configure(hass, result, {})
    await hass.async_block_till_done()
    household = config_dir / "packages" / HOUSEHOLD_FILE
    edited = "".join(household.read_text(encoding="utf-8").splitlines(keepends=True)[1:])
    household.write_text(edited, encoding="utf-8")  # the mark removed: the user's now

    result = await start_reconfigure(hass, result["result"].entry_id)
    result = await configure(
        hass, result, {"batteries": battery_entry_ids(hass), "p1_sensor": METER, "tariff": "none"}
    )
    result = await configure(hass, result, {"label_1": "X", "label_2": "Y"})

    assert result["reason"] == "household_file_kept"
    assert household.read_text(encoding="utf-8") == edited


async def test_the_household_entry_is_no_battery_to_plan_or_diagnose(
    hass: HomeAssistant, config_dir: Path, batteries: list[str]
) -> None:
    """Beside the battery entries, the household's own entry has no battery behind it."""
    result = await answer_until_install(hass)
    result = await configure(hass, result, {})
    await hass.async_block_till_done()
    household = result["result"]

    response = await hass.services.async_call(
        DOMAIN,
        "plan_energy",
        {"tariff": "none", "consumption": 0.5},
        blocking=True,
        return_response=True,
    )
    assert isinstance(response, dict)
    assert {b["name"] for b in response["inputs"]["batteries"]} == set(batteries)

    diagnostics = await async_get_config_entry_diagnostics(hass, household)
    assert diagnostics["household"]["p1_sensor"] == METER


@pytest.mark.parametrize(
    "packages",
    [
        "  packages: !include_dir_merge_named packages\n",
        "  packages:\n    mine:\n      input_boolean:\n        x: {}\n",
        "  packages: !include pkgs.yaml\n",
    ],
)
async def test_packages_loaded_in_another_form_are_not_written_into(
    hass: HomeAssistant,
    config_dir: Path,
    batteries: list[str],
    packages: str,
) -> None:
    """Our files would not fit, and a second `packages:` key would break the configuration."""
    (config_dir / "configuration.yaml").write_text(f"homeassistant:\n{packages}", encoding="utf-8")
    result = await answer_until_install(hass)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "packages_other_form"
    assert not (config_dir / "packages").exists()
