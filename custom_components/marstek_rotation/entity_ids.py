"""The entity ids a prefix produces, collisions with other entities, and prefix renames."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from .const import ENTITY_KEYS as KEYS_BY_PLATFORM

ENTITY_KEYS: tuple[tuple[Platform, str], ...] = tuple(
    (platform, key) for platform, keys in KEYS_BY_PLATFORM.items() for key in keys
)
# What the prefix is combined with, at its longest ("sensor." + "_available_capacity").
LONGEST_ENTITY_ID_PART = max(len(f"{platform}._{key}") for platform, key in ENTITY_KEYS)


def planned_entity_ids(prefix: str) -> list[str]:
    """Every entity id a battery with this prefix can have."""
    return [f"{platform}.{prefix}_{key}" for platform, key in ENTITY_KEYS]


def _taken_by_other(hass: HomeAssistant, entity_id: str, entry_id: str | None) -> bool:
    registered = er.async_get(hass).async_get(entity_id)
    if registered is not None:
        return entry_id is None or registered.config_entry_id != entry_id
    return hass.states.get(entity_id) is not None


def taken_entity_ids(hass: HomeAssistant, prefix: str, entry_id: str | None = None) -> list[str]:
    """The ids this prefix would need that another entity (not of `entry_id`) already has.

    A user moving from another Marstek integration often still has its
    `sensor.marstek_venuse_d828_...` entities: ours would otherwise be created as `..._2`.
    """
    return [
        entity_id
        for entity_id in planned_entity_ids(prefix)
        if _taken_by_other(hass, entity_id, entry_id)
    ]


def rename_entity_ids(hass: HomeAssistant, entry_id: str, old_prefix: str, new_prefix: str) -> int:
    """Move this entry's `<domain>.<old>_<key>` ids to the new prefix; returns how many moved.

    Ids the user changed by hand (not starting with the old prefix) are left alone.
    """
    registry = er.async_get(hass)
    moved = 0
    for entity in er.async_entries_for_config_entry(registry, entry_id):
        domain, object_id = entity.entity_id.split(".", 1)
        if not object_id.startswith(f"{old_prefix}_"):
            continue
        new_entity_id = f"{domain}.{new_prefix}_{object_id.removeprefix(f'{old_prefix}_')}"
        registry.async_update_entity(entity.entity_id, new_entity_id=new_entity_id)
        moved += 1
    return moved
