"""Rooms and their members."""
