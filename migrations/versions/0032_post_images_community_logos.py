"""pictures: a post's images (post_images), a community's logo and cover image

Revision ID: 0032
Revises: 0034
Create Date: 2026-12-06 11:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "post_images",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=80), nullable=False),
        sa.Column("caption", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_post_images_post_id_posts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_images")),
    )
    op.create_index(op.f("ix_post_images_post_id"), "post_images", ["post_id"])
    # add_column, never batch_alter: other tables point at communities.
    op.add_column("communities", sa.Column("logo_file", sa.String(length=80), nullable=True))
    op.add_column("communities", sa.Column("cover_file", sa.String(length=80), nullable=True))


def downgrade():
    op.drop_column("communities", "cover_file")
    op.drop_column("communities", "logo_file")
    op.drop_index(op.f("ix_post_images_post_id"), table_name="post_images")
    op.drop_table("post_images")
