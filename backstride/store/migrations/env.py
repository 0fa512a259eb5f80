"""Alembic environment, driven from code (``backstride.store.migrate``), no alembic.ini.

``config.attributes["connection"]`` is the connection to migrate; ``--sql``
(offline) mode renders the SQL for ``config.attributes["url"]`` instead.
"""

from __future__ import annotations

from alembic import context

from backstride.store.migrate import VERSION_TABLE, include_name
from backstride.store.models import Base

config = context.config
target_metadata = Base.metadata
options = dict(
    target_metadata=target_metadata,
    version_table=VERSION_TABLE,
    include_name=include_name,  # Rasa's ``events`` and anything else in the database are not ours
    compare_type=True,
    render_as_batch=True,  # SQLite alters tables by copying them; keeps later migrations portable
)

if context.is_offline_mode():
    context.configure(url=config.attributes["url"], literal_binds=True, **options)
    with context.begin_transaction():
        context.run_migrations()
else:
    connection = config.attributes["connection"]
    context.configure(connection=connection, **options)
    with context.begin_transaction():
        context.run_migrations()
