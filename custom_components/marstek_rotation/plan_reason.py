"""The energy plan's reason in Home Assistant's language.

The planner gives a code, its English sentence and the values in it; here the code's
translation is filled with those values, written the language's way (decimal separator,
weekday names, from the rotation's language files).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .household_language import localise, rotation_words
from .household_texts import async_household_text

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from .pricing.fleet import Reason


async def async_plan_reason(hass: HomeAssistant, reason: Reason) -> str:
    """The reason's sentence in Home Assistant's language (English when there is none)."""
    if not reason.text:
        return reason.text
    words = await hass.async_add_executor_job(rotation_words, hass.config.language)
    if words is None:
        return reason.text
    values = {name: localise(value, words) for name, value in reason.values.items()}
    return await async_household_text(hass, f"plan_reason_{reason.code}", reason.text, **values)
