"""Indicator pages: the cockpit and drill-down (cockpit.py), reporting and review (reporting.py)."""
