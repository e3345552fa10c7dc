"""a remember-me token used again after its renewal ends its session: keep the one before

Revision ID: 0018
Revises: 0015
Create Date: 2026-12-06 02:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sign_in_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_token_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("rotated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_sign_in_sessions_previous_token_hash"),
            ["previous_token_hash"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("sign_in_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_sessions_previous_token_hash"))
        batch_op.drop_column("rotated_at")
        batch_op.drop_column("previous_token_hash")
