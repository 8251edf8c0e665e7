"""session generations, per-address sign-in locks, sign-up by link, who made an action

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 09:00:00

Each account gets a session generation: raising it ends every session signed with the old
one. Failed sign-ins are counted per address typed, whether or not an account has it, so the
lock-out says nothing about which addresses have accounts (the two counters on user_account
go). A sign-up waits for its emailed link in sign_up_request (only the link's hash is kept).
Actions remember who added them, so members change only their own.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.drop_column('failed_sign_ins')
        batch_op.drop_column('locked_until')

    op.create_table('sign_in_lock',
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('email', name=op.f('pk_sign_in_lock'))
    )
    op.create_table('sign_up_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_up_request')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_sign_up_request_token_hash'))
    )
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_action_created_by_id_user_account'),
                                    'user_account', ['created_by_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_action_created_by_id_user_account'),
                                 type_='foreignkey')
        batch_op.drop_column('created_by_id')
    op.drop_table('sign_up_request')
    op.drop_table('sign_in_lock')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('failed_sign_ins', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.drop_column('session_generation')
