"""The suite's own page check: it must see what the frontend shows for a broken translation."""

from __future__ import annotations

import pytest

from .frontend import problems_in


@pytest.mark.parametrize(
    "text",
    [
        "Settings Translation error: UNCLOSED_TAG Entity prefix",
        "component.marstek_rotation.config.step.settings.description",
        "config.step.settings.title",
        "options.error.invalid_prefix",
        "entity.sensor.state_of_charge.name",
        "exceptions.out_of_range.message",
        "ui.panel.config.integrations.caption",
        "Title [%key:common::config_flow::data::host%]",
    ],
)
def test_a_broken_text_is_seen(text: str) -> None:
    assert problems_in(text)


@pytest.mark.parametrize(
    "text",
    [
        "Entity ids are built from the prefix, for example sensor.marstek_venuse_d828_soc",
        "power must be between -10000 and 10000; got 99999.",
        "Fase A 60 % auto -644 W, input_select.marstek_rotation_state, services.yaml",
    ],
)
def test_a_good_text_passes(text: str) -> None:
    assert problems_in(text) == []
