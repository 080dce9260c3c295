"""Texts the household shows outside a form (titles, notifications, messages), translated.

They live under `exceptions` in the translations, the one category Home Assistant loads for
free text; this reads one in Home Assistant's language, with its placeholders filled in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.helpers.translation import async_get_translations

from .const import DOMAIN

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant


async def async_household_text(
    hass: HomeAssistant, key: str, english: str, **placeholders: str
) -> str:
    """The text `key` in Home Assistant's language (`english` if it is missing)."""
    texts = await async_get_translations(hass, hass.config.language, "exceptions", {DOMAIN})
    text = texts.get(f"component.{DOMAIN}.exceptions.{key}.message", english)
    return text.format(**placeholders) if placeholders else text
