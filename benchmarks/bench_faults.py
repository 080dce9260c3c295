"""7. Device care under failure and hostile readings: the integration, over simulated hours.

These figures need Home Assistant: they come from scenario tests that run the real integration
against simulated batteries with time moved by the test clock (tests/integration/
test_fault_figures.py and test_hostile.py). This benchmark runs them with pytest in a child
process and collects the `FIGURE|label|value|unit|target` lines they print (scenario_figures.py).
The tests assert the targets too; here the figures are only reported.
"""

from __future__ import annotations

from .results import Result
from .scenario_figures import collect
from .settings import Settings

NAME = "faults"
TITLE = "dead batteries, shared re-discovery and hostile readings in Home Assistant"

_SCENARIOS = "tests/integration/test_fault_figures.py"
_HOSTILE = "tests/integration/test_hostile.py"


async def run(settings: Settings) -> Result:
    """Run the scenarios (only the hostile readings with --quick) and report their figures."""
    result = Result(NAME, TITLE)
    files = [_HOSTILE] if settings.quick else [_SCENARIOS, _HOSTILE]
    result.parameters = {"scenarios": ", ".join(files), "simulated": "1 to 24 hours each"}
    await collect(result, files)
    return result
