"""Commune management in the Wagtail admin, for province admins."""
