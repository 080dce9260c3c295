"""Tests for the marstek command-line tool."""
