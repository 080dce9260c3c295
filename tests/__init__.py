"""Tests for Marstek Battery Rotation."""
