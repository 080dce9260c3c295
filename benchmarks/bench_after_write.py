"""10. A mode switch to fresh power: the battery's poll moved to just after the quiet period.

After a write the battery may not be read before the library's quiet period (15 s) has passed;
its next poll is moved there rather than left up to an interval later (after_write.py). The
figures come from the scenario test that shows it in Home Assistant with the library's real
pacing and quiet period and a 60 s interval (tests/integration/test_read_after_write.py): the
seconds from the switch's `ES.SetMode` to the `ES.GetMode` that brings the new power, and the
reads per interval over three intervals from the switch.
"""

from __future__ import annotations

from .results import Result
from .scenario_figures import collect
from .settings import Settings

NAME = "after-write"
TITLE = "a mode switch to fresh power in Home Assistant (real 15 s quiet period, 60 s interval)"

_SCENARIO = (
    "tests/integration/test_read_after_write.py"
    "::test_after_a_switch_the_power_is_read_just_after_the_real_quiet_period"
)


async def run(settings: Settings) -> Result:  # noqa: ARG001 - one size: three intervals
    """Run the scenario and report its figures."""
    result = Result(NAME, TITLE)
    result.parameters = {
        "scenario": _SCENARIO.rsplit("::", maxsplit=1)[-1],
        "simulated": "20 s into an interval, then three 60 s intervals",
    }
    await collect(result, [_SCENARIO])
    return result
