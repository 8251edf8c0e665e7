"""a team may say its service is a designated High Impact Service Provider, and which one

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 09:00:00

team.is_hisp (false for every existing team) and team.hisp_service: a service from the
Partnership for Public Service profiles or one the team typed (assessment/rules/hisp.py).

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_hisp', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('hisp_service', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_column('hisp_service')
        batch_op.drop_column('is_hisp')
