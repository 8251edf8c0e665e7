"""sso identity: an account's identity at an OpenID provider (issuer + subject)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 23:50:00

sso_identity: one row per (issuer, subject) an account signs in with, by single sign-on.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sso_identity',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('issuer', sa.String(length=255), nullable=False),
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_sso_identity_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sso_identity')),
        sa.UniqueConstraint('issuer', 'subject', name='uq_sso_identity_issuer_subject'),
    )
    op.create_index(op.f('ix_sso_identity_user_id'), 'sso_identity', ['user_id'])


def downgrade():
    op.drop_table('sso_identity')
