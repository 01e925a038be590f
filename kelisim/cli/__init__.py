"""The ``kelisim`` command."""
