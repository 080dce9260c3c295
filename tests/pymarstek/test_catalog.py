"""The model facts: one table, found by any spelling of a model."""

from __future__ import annotations

import pytest

from custom_components.marstek_rotation.pymarstek import ModelFacts, model_facts
from custom_components.marstek_rotation.pymarstek.catalog import model_family


@pytest.mark.parametrize(
    ("model", "facts"),
    [
        ("VenusE", ModelFacts(2500, 5.12, 156)),
        ("VenusE 3.0", ModelFacts(2500, 5.12, 150)),
        ("Venus E 3.0", ModelFacts(2500, 5.12, 150)),
        ("VenusC", ModelFacts(2500, 2.56, 156)),
        ("Venus D", ModelFacts(2200, 2.24, 150)),
        ("VenusA", ModelFacts(1200, 2.24, 150)),
        ("VNSA-0", ModelFacts(1200, None, 150)),
        ("HMG-50", ModelFacts(2500, None, 156)),
    ],
)
def test_facts_by_model(model: str, facts: ModelFacts) -> None:
    assert model_facts(model) == facts


@pytest.mark.parametrize("model", ["Venus X", "", None])
def test_an_unknown_model_has_no_facts(model: str | None) -> None:
    assert model_facts(model) is None


def test_family_ignores_spaces_dashes_and_case() -> None:
    assert model_family("Venus e 3.0") == model_family("VenusE 3.0") == "VENUSE3.0"
