"""zones saved under an old name (a browser's "Europe/Kiev") take their current name

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-06 18:40:00

"""

import sqlalchemy as sa
from alembic import op

from core.zones import canonical_zone

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None

ZONE_COLUMNS = (("users", "time_zone"), ("events", "timezone"))


def upgrade():
    connection = op.get_bind()
    for table, column in ZONE_COLUMNS:
        saved = connection.execute(
            sa.text(f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL")
        ).scalars()
        for old in list(saved):
            if (current := canonical_zone(old)) != old:
                connection.execute(
                    sa.text(f"UPDATE {table} SET {column} = :current WHERE {column} = :old"),
                    {"current": current, "old": old},
                )


def downgrade():
    pass  # the old names were other spellings of the same zones: nothing to undo
