"""organizations: a department's or agency's CX office, its people, its teams and invites

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 11:30:00

organization (with an optional parent, for a bureau under a department),
organization_member (owner, reviewer or viewer), organization_team (a team that joined;
shares_answers off by default) and organization_invite (a one-time link for a team's owner).

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'organization',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('parent_id', sa.Integer(), nullable=True),
        sa.Column('requires_evidence', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('is_demo', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['parent_id'], ['organization.id'],
                                name=op.f('fk_organization_parent_id_organization'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_organization')),
    )
    op.create_index(op.f('ix_organization_parent_id'), 'organization', ['parent_id'])

    op.create_table(
        'organization_member',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("role IN ('owner', 'reviewer', 'viewer')",
                           name=op.f('ck_organization_member_org_role_known')),
        sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                                name=op.f('fk_organization_member_organization_id_organization'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_organization_member_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_organization_member')),
        sa.UniqueConstraint('organization_id', 'user_id', name='uq_organization_member_once'),
    )
    op.create_index(op.f('ix_organization_member_organization_id'), 'organization_member',
                    ['organization_id'])
    op.create_index(op.f('ix_organization_member_user_id'), 'organization_member', ['user_id'])

    op.create_table(
        'organization_team',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('shares_answers', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('joined_at', sa.DateTime(), nullable=False),
        sa.Column('accepted_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                                name=op.f('fk_organization_team_organization_id_organization'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['team_id'], ['team.id'],
                                name=op.f('fk_organization_team_team_id_team'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['accepted_by_id'], ['user_account.id'],
                                name=op.f('fk_organization_team_accepted_by_id_user_account'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_organization_team')),
        sa.UniqueConstraint('organization_id', 'team_id', name='uq_organization_team_once'),
    )
    op.create_index(op.f('ix_organization_team_organization_id'), 'organization_team',
                    ['organization_id'])
    op.create_index(op.f('ix_organization_team_team_id'), 'organization_team', ['team_id'])

    op.create_table(
        'organization_invite',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.Column('team_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                                name=op.f('fk_organization_invite_organization_id_organization'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                                name=op.f('fk_organization_invite_created_by_id_user_account'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['team_id'], ['team.id'],
                                name=op.f('fk_organization_invite_team_id_team'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_organization_invite')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_organization_invite_token_hash')),
    )
    op.create_index(op.f('ix_organization_invite_organization_id'), 'organization_invite',
                    ['organization_id'])
    op.create_index(op.f('ix_organization_invite_email'), 'organization_invite', ['email'])


def downgrade():
    op.drop_table('organization_invite')
    op.drop_table('organization_team')
    op.drop_table('organization_member')
    op.drop_table('organization')
