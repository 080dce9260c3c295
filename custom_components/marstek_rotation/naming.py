"""Entity prefixes and device names: the stable, predictable ids users build automations on."""

from __future__ import annotations

from homeassistant.util import slugify

from .const import DEFAULT_RATED_CAPACITY
from .pymarstek import model_facts


def mac_suffix(mac: str) -> str:
    """The last four hex digits of a MAC, lowercase ("acd92968d828" -> "d828")."""
    return mac.replace(":", "").replace("-", "").lower()[-4:]


def default_entity_prefix(model: str, mac: str) -> str:
    """`marstek_<model slug>_<mac4>`: "VenusE 3.0" + "...9a7d" -> "marstek_venuse_3_0_9a7d"."""
    return slugify(f"marstek {model} {mac_suffix(mac)}")


def device_name(model: str, mac: str) -> str:
    """The device's display name, "Marstek VenusE d828"."""
    return f"Marstek {model} {mac_suffix(mac)}"


# Entity ids may have 255 characters; 64 leaves room for every key and reads well enough.
MAX_PREFIX_LENGTH = 64


def is_valid_prefix(prefix: str) -> bool:
    """A prefix must already be a slug: lowercase letters, digits and single underscores."""
    return bool(prefix) and slugify(prefix) == prefix


def default_rated_capacity(model: str) -> float:
    """The rated capacity in kWh for a model, Venus E's 5.12 when the model is unknown."""
    facts = model_facts(model)
    if facts is None or facts.rated_capacity_kwh is None:
        return DEFAULT_RATED_CAPACITY
    return facts.rated_capacity_kwh
