"""invites for an email address

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 10:00:00

An import no longer makes the people a team file lists members of the importer's team: each
gets an invite for their email address, which they accept or ignore when they sign in.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invite', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.create_index(batch_op.f('ix_invite_email'), ['email'], unique=False)


def downgrade():
    with op.batch_alter_table('invite', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invite_email'))
        batch_op.drop_column('email')
