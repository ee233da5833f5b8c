"""A Language Server Protocol server for Rholang."""

__version__ = "0.1.0"
