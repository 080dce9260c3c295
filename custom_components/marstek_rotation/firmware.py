"""Firmware known to reset or switch off its Open API under polling.

Built from what users report; README's Troubleshooting tells the owner what to do about it.
"""

from __future__ import annotations

from .pymarstek import model_family

# Venus E 2.0 / Venus C (HMG-50 hardware) are stable from Control 156 ("Improved OpenAPI
# interface stability"); Venus E 3.0, Venus A and Venus D from Control 150.
_FIXED_IN_BY_FAMILY: dict[str, int] = {
    "VENUSE": 156,
    "VENUSC": 156,
    "HMG50": 156,
    "VENUSE3.0": 150,
    "VNSE30": 150,
    "VENUSA": 150,
    "VENUSA3.0": 150,
    "VNSA0": 150,
    "VENUSD": 150,
    "VNSD0": 150,
}


def reset_prone_fixed_in(model: str, firmware_version: int) -> int | None:
    """The first firmware that fixes the reset problem, when this one has it; else None."""
    fixed_in = _FIXED_IN_BY_FAMILY.get(model_family(model))
    if fixed_in is None or firmware_version >= fixed_in:
        return None
    return fixed_in
