"""Tests with Home Assistant's real recorder (an in-memory database)."""
