"""e-mail with an HTML part: each queued message keeps its HTML beside its text

Revision ID: 0023
Revises: 0019
Create Date: 2026-12-06 05:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outgoing_emails") as batch:
        batch.add_column(sa.Column("html_body", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("outgoing_emails") as batch:
        batch.drop_column("html_body")
