"""a sign-up proves its address: users.email_confirmed_at

Revision ID: 0009
Revises: 0012
Create Date: 2026-12-06 01:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_confirmed_at", sa.DateTime(timezone=True)))
    # Accounts from before confirmation existed keep working: they count as confirmed
    # since they were made (no way is left to tell a planted one from its owner's).
    op.execute("UPDATE users SET email_confirmed_at = created_at")


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email_confirmed_at")
