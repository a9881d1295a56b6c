"""officers' contact points and preferences; outbox delivery state (claims, HTML, Reply-To)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("officer", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("apprise_urls", sa.JSON(), nullable=False, server_default="[]")
        )
        batch_op.add_column(
            sa.Column("channels", sa.JSON(), nullable=False, server_default='["email"]')
        )
        batch_op.add_column(
            sa.Column("digest", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("quiet", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column("lang", sa.String(length=8), nullable=False, server_default="vi")
        )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("html", sa.String(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("reply_to", sa.String(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("claim_token", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_outbox_claim_token", ["claim_token"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_claim_token")
        for column in ("claimed_at", "claim_token", "reply_to", "html"):
            batch_op.drop_column(column)
    with op.batch_alter_table("officer", schema=None) as batch_op:
        for column in ("lang", "quiet", "digest", "channels", "apprise_urls"):
            batch_op.drop_column(column)
