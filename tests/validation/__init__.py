"""Offline checks of what hassfest and the HACS validator would reject."""
