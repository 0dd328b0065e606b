"""CARES: Community Accessible Resource Education Support."""

__version__ = "0.1.0"
