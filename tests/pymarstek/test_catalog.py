"""The model facts: one table, found by any spelling of a model."""

from __future__ import annotations

import pytest

from custom_components.marstek_rotation.pymarstek import ModelFacts, model_facts
from custom_components.marstek_rotation.pymarstek.catalog import (
    model_family,
    power_limit_w,
    reading_limit_w,
    single_receive_channel,
)


@pytest.mark.parametrize(
    ("model", "facts"),
    [
        ("VenusE", ModelFacts(2500, 5.12, 156, None, 158, single_receive_channel=True)),
        ("VenusE 3.0", ModelFacts(2500, 5.12, 150, settings_from_firmware=150)),
        ("Venus E 3.0", ModelFacts(2500, 5.12, 150, settings_from_firmware=150)),
        ("VNSE3-0", ModelFacts(2500, None, 150, settings_from_firmware=150)),
        ("VenusC", ModelFacts(2500, 2.56, 156, None, 158, single_receive_channel=True)),
        ("Venus D", ModelFacts(2200, 2.24, 150, settings_from_firmware=150)),
        ("VNSD-0", ModelFacts(2200, None, 150, settings_from_firmware=150)),
        (
            "VenusA",
            ModelFacts(1200, 2.24, 149, reading_limit_w=1500, settings_from_firmware=150),
        ),
        (
            "Venus A",
            ModelFacts(1200, 2.24, 149, reading_limit_w=1500, settings_from_firmware=150),
        ),
        (
            "VenusA 3.0",
            ModelFacts(1200, None, 149, reading_limit_w=1500, settings_from_firmware=150),
        ),
        (
            "VNSA-0",
            ModelFacts(1200, None, 149, reading_limit_w=1500, settings_from_firmware=150),
        ),
        ("HMG-50", ModelFacts(2500, None, 156, None, 158, single_receive_channel=True)),
        ("VNSEM-0", ModelFacts(None, None, None)),
        ("VenusE Pro", ModelFacts(None, None, None)),
        ("VEPRO-0", ModelFacts(None, None, None)),
    ],
)
def test_facts_by_model(model: str, facts: ModelFacts) -> None:
    assert model_facts(model) == facts


@pytest.mark.parametrize("model", ["Venus X", "", None])
def test_an_unknown_model_has_no_facts(model: str | None) -> None:
    assert model_facts(model) is None


def test_family_ignores_spaces_dashes_and_case() -> None:
    assert model_family("Venus e 3.0") == model_family("VenusE 3.0") == "VENUSE3.0"


@pytest.mark.parametrize(
    ("model", "write", "read"),
    [
        ("Venus A", 1200, 1500),
        ("VenusD", 2200, 2200),
        ("VenusE 3.0", 2500, 2500),
        ("VNSEM-0", 10000, 10000),  # unknown: nothing refused, nothing dropped
        ("VenusE Pro", 10000, 10000),
        (None, 10000, 10000),
    ],
)
def test_write_and_reading_limits(model: str | None, write: int, read: int) -> None:
    assert power_limit_w(model) == write
    assert reading_limit_w(model) == read


@pytest.mark.parametrize(
    ("model", "shared"),
    [
        ("VenusE", True),
        ("VenusC", True),
        ("HMG-50", True),
        ("VenusE 3.0", False),
        ("VenusA", False),
        (None, False),
    ],
)
def test_hmg50_shares_one_receive_channel(model: str | None, shared: bool) -> None:
    assert single_receive_channel(model) is shared
