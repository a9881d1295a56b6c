"""accounts, browser sessions, API tokens, failed sign-ins and password invitations

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(name: str, length: int, *, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=nullable)


def _at(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _account_id() -> sa.Column[int]:
    return sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        _text("email", 254),
        _text("password_hash", 255, nullable=True),
        _text("totp_secret", 64, nullable=True),
        _at("created_at"),
        _at("changed_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    op.create_table(
        "web_session",
        sa.Column("id", sa.Integer(), nullable=False),
        _text("token_hash", 64),
        _account_id(),
        _text("csrf_token", 64),
        _at("created_at"),
        _at("last_seen_at"),
        _at("ended_at", nullable=True),
        _text("address", 64),
        _text("user_agent", 255),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_web_session_account_id", "web_session", ["account_id"])
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        _account_id(),
        _text("name", 64),
        _text("token_hash", 64),
        _text("prefix", 16),
        _at("created_at"),
        _at("last_used_at", nullable=True),
        _at("revoked_at", nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
        sa.UniqueConstraint("account_id", "name"),
    )
    op.create_index("ix_api_token_account_id", "api_token", ["account_id"])
    op.create_table(
        "sign_in_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        _text("email", 254),
        _text("address", 64),
        _at("at"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sign_in_failure_email", "sign_in_failure", ["email"])
    op.create_index("ix_sign_in_failure_address", "sign_in_failure", ["address"])
    op.create_index("ix_sign_in_failure_at", "sign_in_failure", ["at"])
    op.create_table(
        "password_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        _account_id(),
        _text("token_hash", 64),
        _at("created_at"),
        _at("expires_at"),
        _at("used_at", nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_password_invitation_account_id", "password_invitation", ["account_id"])


def downgrade() -> None:
    op.drop_table("password_invitation")
    op.drop_table("sign_in_failure")
    op.drop_table("api_token")
    op.drop_table("web_session")
    op.drop_table("account")
