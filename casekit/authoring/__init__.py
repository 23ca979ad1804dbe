"""Authoring: teaching cases, role-play scripts and the sales toolbox (later issues)."""
