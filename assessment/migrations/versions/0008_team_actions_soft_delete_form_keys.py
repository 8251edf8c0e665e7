"""actions belong to the team, with a status history; soft delete; one-time form keys

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 09:00:00

Actions belong to the team: each keeps the assessment it was added on (assessment_id) and, once
done, the last assessment it shows on (last_assessment_id); an open one carries forward to the
team's later assessments. Existing actions keep showing exactly where they showed: a done one,
or one on an assessment the team has since followed with another, ends on its own assessment;
an open one on the team's latest assessment carries forward. Each action's status history
starts with its status today. Teams, assessments and actions can be deleted and restored for
30 days (deleted_at, deleted_by_id). Posts remember their one-time form keys.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

SOFT_DELETED = ('team', 'assessment', 'action')


def upgrade():
    for table in SOFT_DELETED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('deleted_at', sa.DateTime(), nullable=True))
            batch_op.add_column(sa.Column('deleted_by_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_deleted_by_id_user_account'),
                                        'user_account', ['deleted_by_id'], ['id'],
                                        ondelete='SET NULL')
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('last_assessment_id', sa.Integer(), nullable=True))

    op.execute("UPDATE action SET team_id ="
               " (SELECT a.team_id FROM assessment a WHERE a.id = action.assessment_id)")
    op.execute(
        "UPDATE action SET last_assessment_id = assessment_id WHERE status = 'done' OR EXISTS"
        " (SELECT 1 FROM assessment a JOIN assessment later ON later.team_id = a.team_id"
        "  WHERE a.id = action.assessment_id AND (later.started_at > a.started_at"
        "   OR (later.started_at = a.started_at AND later.id > a.id)))")

    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.alter_column('team_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_action_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_last_assessment_id'),
                              ['last_assessment_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_action_team_id_team'), 'team',
                                    ['team_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_action_last_assessment_id_assessment'),
                                    'assessment', ['last_assessment_id'], ['id'],
                                    ondelete='CASCADE')

    op.create_table('action_status_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'],
                            name=op.f('fk_action_status_change_action_id_action'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['changed_by_id'], ['user_account.id'],
                            name=op.f('fk_action_status_change_changed_by_id_user_account'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_status_change'))
    )
    with op.batch_alter_table('action_status_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_status_change_action_id'), ['action_id'],
                              unique=False)
    # What is known of each action's history: its status today, since its last change; an
    # action never started was set so when it was added, by whoever added it.
    op.execute(
        "INSERT INTO action_status_change (action_id, status, changed_at, changed_by_id)"
        " SELECT id, status,"
        " CASE WHEN status = 'not_started' THEN created_at ELSE updated_at END,"
        " CASE WHEN status = 'not_started' THEN created_by_id ELSE NULL END FROM action")

    op.create_table('used_form_key',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('used_at', sa.DateTime(), nullable=False),
    sa.Column('location', sa.String(length=500), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                            name=op.f('fk_used_form_key_user_id_user_account'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_used_form_key'))
    )
    with op.batch_alter_table('used_form_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_used_form_key_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_used_form_key_used_at'), ['used_at'], unique=False)


def downgrade():
    """Back to one assessment per action: an action carried forward stays on the assessment it
    was added on. Deleted rows are removed (they were hidden), and the history is dropped."""
    op.execute("DELETE FROM action WHERE deleted_at IS NOT NULL")
    op.execute("DELETE FROM assessment WHERE deleted_at IS NOT NULL")
    op.execute("DELETE FROM team WHERE deleted_at IS NOT NULL")
    op.drop_table('used_form_key')
    op.drop_table('action_status_change')
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_action_last_assessment_id_assessment'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_action_team_id_team'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_action_last_assessment_id'))
        batch_op.drop_index(batch_op.f('ix_action_team_id'))
        batch_op.drop_column('last_assessment_id')
        batch_op.drop_column('team_id')
    for table in reversed(SOFT_DELETED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_deleted_by_id_user_account'),
                                     type_='foreignkey')
            batch_op.drop_column('deleted_by_id')
            batch_op.drop_column('deleted_at')
