"""Settings now live in ``application.settings``; this re-export keeps old imports working."""

from application.settings import Settings, SettingsError

__all__ = ["Settings", "SettingsError"]
