"""One-click fix for a missing or outdated package: copy the shipped one, then restart.

The household file is never written here: an upgrade keeps the user's household and, through
Home Assistant's restore, every setting made on the dashboard.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from homeassistant.components.repairs import RepairsFlow

from .household_files import install_package

if TYPE_CHECKING:
    # Named so since Home Assistant 2025.11; only a type, so the older line runs this too.
    from homeassistant.components.repairs import RepairsFlowResult


class InstallPackageFlow(RepairsFlow):
    """Confirm, copy the package, and say a restart starts it."""

    def __init__(self, placeholders: dict[str, str]) -> None:
        """Show the issue's versions and folder in the confirmation."""
        self._placeholders = placeholders

    async def async_step_init(
        self,
        user_input: dict[str, Any] | None = None,  # noqa: ARG002  # the issue id, not an answer
    ) -> RepairsFlowResult:
        """Go straight to the confirmation."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Copy the package once the user confirms."""
        if user_input is None:
            return self.async_show_form(
                step_id="confirm", description_placeholders=self._placeholders
            )
        await self.hass.async_add_executor_job(
            install_package, Path(self.hass.config.config_dir), self.hass.config.language
        )
        return self.async_create_entry(data={})
