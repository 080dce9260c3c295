"""Tests for the pymarstek protocol library."""
