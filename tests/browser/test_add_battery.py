"""Adding a battery as a user does: Add integration, pick it from the list, settings, done."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .clients import wait_until
from .ui_flows import StepSeen, entity_prefix_of, offered_batteries

if TYPE_CHECKING:
    from .fixtures import RunningHousehold
    from .ui_flows import AddedBattery


def test_the_flow_lists_only_the_new_battery_and_creates_its_entry(
    added_battery: AddedBattery, household: RunningHousehold
) -> None:
    steps = added_battery.steps
    # Batteries are set up already, so the flow first asks: another battery, or the household.
    menu = steps[0]
    assert (menu.kind, menu.step_id) == ("menu", "add"), [step.step_id for step in steps]
    assert "Set up the rotation household" in menu.record.text
    first = steps[1]
    assert first.step_id == "user", [step.step_id for step in steps]
    offered = offered_batteries(first)
    assert added_battery.ble_mac in offered
    for battery in household.batteries:  # the household's batteries are set up already
        assert battery["ble_mac"] not in offered
    assert steps[-1].kind == "create_entry"
    assert steps[-1].result["result"]["state"] in {"loaded", "setup_in_progress"}


def test_no_step_shows_a_translation_error_or_a_raw_key(added_battery: AddedBattery) -> None:
    for step in added_battery.steps:
        assert not step.record.problems, (step.step_id, step.record.problems)


def test_the_settings_step_names_the_battery_and_its_firmware(
    added_battery: AddedBattery,
) -> None:
    settings = _settings_step(added_battery)
    text = settings.record.text
    assert added_battery.ble_mac[-4:] in text  # the dialog says which battery it sets up
    assert f"firmware {added_battery.firmware}" in text


def test_the_new_battery_reports_to_home_assistant(
    added_battery: AddedBattery, household: RunningHousehold
) -> None:
    prefix = entity_prefix_of(_settings_step(added_battery))
    entity_id = f"sensor.{prefix}_state_of_charge"
    state = wait_until(
        lambda: _numeric_state(household, entity_id), 120, f"{entity_id} never showed a number"
    )
    battery = household.simulator.battery(added_battery.host)
    assert abs(float(state) - battery["soc"]) <= 1
    polls = household.simulator.received(added_battery.host, "ES.GetMode")["datagrams"]
    assert polls, "Home Assistant never polled the new battery"
    assert {tuple(poll["source"]) for poll in polls} == {("127.0.0.1", 30000)}


def _settings_step(added_battery: AddedBattery) -> StepSeen:
    for step in added_battery.steps:
        if step.kind == "form" and entity_prefix_of(step):
            return step
    msg = f"no step asked for the entity prefix: {added_battery.steps}"
    raise AssertionError(msg)


def _numeric_state(household: RunningHousehold, entity_id: str) -> str | None:
    state = household.ha.state(entity_id)
    if state is None:
        return None
    value = str(state["state"])
    try:
        float(value)
    except ValueError:
        return None
    return value
