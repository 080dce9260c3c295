"""Scenario tests of the battery-rotation YAML package and its dashboard."""
