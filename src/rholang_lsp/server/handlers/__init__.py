"""Feature handlers. Every module here is imported at start-up and its
``@request`` / ``@notification`` handlers registered (see ``server.registry``).
Modules whose name starts with ``_`` are skipped."""
