"""Registry pages: enterprises (enterprises.py), the other registries (records.py), spreadsheets (imports.py)."""
