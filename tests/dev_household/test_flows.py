"""How the household answers the config flow's forms: as a user adding that battery would."""

from __future__ import annotations

from dev_household.flows import BatteryAddress, answer_form

BATTERY = BatteryAddress("127.0.0.3", 30000, "009b08a59a7d")


def select(name: str, options: list[dict[str, str]]) -> dict[str, object]:
    return {"name": name, "required": True, "selector": {"select": {"options": options}}}


def test_the_discovered_battery_is_picked_by_its_mac() -> None:
    form = {
        "data_schema": [
            select(
                "device",
                [
                    {"value": "acd92968d828", "label": "Marstek VenusE d828 (127.0.0.2)"},
                    {"value": "009b08a59a7d", "label": "Marstek VenusE 3.0 9a7d (127.0.0.3)"},
                    {"value": "manual", "label": "Enter an address manually"},
                ],
            )
        ]
    }
    assert answer_form(form, BATTERY) == {"device": "009b08a59a7d"}


def test_a_battery_not_on_offer_goes_to_manual_entry() -> None:
    form = {"data_schema": [select("device", [{"value": "manual", "label": "By hand"}])]}
    assert answer_form(form, BATTERY) == {"device": "manual"}


def test_the_manual_form_gets_the_address() -> None:
    form = {"data_schema": [{"name": "host"}, {"name": "port", "default": 30000}]}
    assert answer_form(form, BATTERY) == {"host": "127.0.0.3", "port": 30000}


def test_every_other_field_keeps_its_default() -> None:
    form = {
        "data_schema": [
            {"name": "entity_prefix", "default": "marstek_venuse_3_0_9a7d"},
            {"name": "rated_capacity", "default": 5.12},
            {"name": "poll_interval", "default": 60},
            {"name": "no_default"},
        ]
    }
    assert answer_form(form, BATTERY) == {
        "entity_prefix": "marstek_venuse_3_0_9a7d",
        "rated_capacity": 5.12,
        "poll_interval": 60,
    }
