"""Firmware known to reset or switch off its Open API under polling, and hardware to poll slowly.

The versions are the library's model facts; README's Troubleshooting tells the owner what to do.
"""

from __future__ import annotations

from .pymarstek import model_facts


def reset_prone_fixed_in(model: str, firmware_version: int) -> int | None:
    """The first firmware that fixes the reset problem, when this one has it; else None."""
    facts = model_facts(model)
    if (
        facts is None
        or facts.stable_from_firmware is None
        or firmware_version >= facts.stable_from_firmware
    ):
        return None
    return facts.stable_from_firmware


def shares_receive_channel(model: str) -> bool:
    """Whether the CT/meter and the Open API share one receive channel (HMG-50 hardware).

    Polling such a battery can collide with meter datagrams; enough lost readings stop solar
    charging in Auto (taurgis #82), so it is polled slowly by default.
    """
    facts = model_facts(model)
    return facts is not None and facts.single_receive_channel
