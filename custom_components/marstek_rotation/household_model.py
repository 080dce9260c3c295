"""What a household is made of, and how the set-up's answers become the household file's keys.

The keys are the household file's (docs/rotation.md, "Your household file"): the package reads
them from there, whether the file was written by hand or by the set-up.
"""

from __future__ import annotations

from typing import Any, Final

from .pricing.tariffs import TEMPO_PRICE_KEYS

CONF_KIND: Final = "kind"
KIND_HOUSEHOLD: Final = "household"
HOUSEHOLD_UNIQUE_ID: Final = "household"

CONF_BATTERIES: Final = "batteries"
CONF_P1_SENSOR: Final = "p1_sensor"
CONF_P1_IMPORT: Final = "p1_import_sensor"
CONF_P1_EXPORT: Final = "p1_export_sensor"
CONF_WEATHER: Final = "weather_entity"
CONF_TARIFF: Final = "tariff"
CONF_PRICES_ENTITY: Final = "prices_entity"
CONF_SOLAR_FORECAST: Final = "solar_forecast_sensor"
CONF_CURRENCY: Final = "currency"
CONF_TEMPO_TODAY: Final = "tempo_today"
CONF_TEMPO_TOMORROW: Final = "tempo_tomorrow"
CONF_PERIODS: Final = "periods"
CONF_OTHER_PRICE: Final = "other_price"
CONF_OTHER_NAME: Final = "other_name"

TARIFFS: Final = ("none", "dynamic", "time_of_use", "tempo")
# EDF's Tempo prices of 2026 (EUR/kWh, taxes included); the set-up offers them to change.
TEMPO_DEFAULT_PRICES: Final = {
    "blue_offpeak": 0.1296,
    "blue_peak": 0.1609,
    "white_offpeak": 0.1486,
    "white_peak": 0.1894,
    "red_offpeak": 0.1568,
    "red_peak": 0.7562,
}
MAX_BATTERIES: Final = 6
MAX_LABEL_LENGTH: Final = 20


def meter_problem(answers: dict[str, Any]) -> str | None:
    """The form error for the meter: one signed sensor, or both of the pair, never both kinds."""
    signed = bool(answers.get(CONF_P1_SENSOR))
    pair = (bool(answers.get(CONF_P1_IMPORT)), bool(answers.get(CONF_P1_EXPORT)))
    if signed and any(pair):
        return "meter_both_kinds"
    if not signed and not all(pair):
        return "meter_missing" if not any(pair) else "meter_pair_incomplete"
    return None


def label_problem(labels: list[str]) -> str | None:
    """The form error for the batteries' labels: present, short and each its own."""
    cleaned = [label.strip() for label in labels]
    if any(not label for label in cleaned):
        return "label_missing"
    if any(len(label) > MAX_LABEL_LENGTH for label in cleaned):
        return "label_too_long"
    if len({label.casefold() for label in cleaned}) != len(cleaned):
        return "label_twice"
    return None


def household_variables(
    batteries: list[dict[str, str]], answers: dict[str, Any], tariff: dict[str, Any]
) -> dict[str, Any]:
    """The household file's `variables:` from the set-up's answers, unset keys left out."""
    variables: dict[str, Any] = {CONF_BATTERIES: batteries}
    if answers.get(CONF_P1_SENSOR):
        variables[CONF_P1_SENSOR] = answers[CONF_P1_SENSOR]
    else:
        variables[CONF_P1_IMPORT] = answers[CONF_P1_IMPORT]
        variables[CONF_P1_EXPORT] = answers[CONF_P1_EXPORT]
    variables[CONF_WEATHER] = answers.get(CONF_WEATHER) or "none"
    kind = answers.get(CONF_TARIFF, "none")
    variables[CONF_TARIFF] = kind
    if kind == "dynamic":
        variables[CONF_PRICES_ENTITY] = tariff[CONF_PRICES_ENTITY]
    elif kind == "tempo":
        variables["tempo"] = {
            "today": tariff[CONF_TEMPO_TODAY],
            "tomorrow": tariff[CONF_TEMPO_TOMORROW],
            "prices": {key: float(tariff[key]) for key in TEMPO_PRICE_KEYS},
        }
    elif kind == "time_of_use":
        variables["time_of_use"] = {
            CONF_PERIODS: tariff[CONF_PERIODS],
            CONF_OTHER_PRICE: float(tariff[CONF_OTHER_PRICE]),
            CONF_OTHER_NAME: tariff.get(CONF_OTHER_NAME) or "peak",
        }
    if answers.get(CONF_SOLAR_FORECAST):
        variables[CONF_SOLAR_FORECAST] = answers[CONF_SOLAR_FORECAST]
    if answers.get(CONF_CURRENCY):
        variables[CONF_CURRENCY] = answers[CONF_CURRENCY]
    return variables
