"""Alembic migrations of the Backstride tables (run them with ``python -m backstride.store.migrate``)."""
