"""the latest finish

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 09:00:00

An assessment now goes by its latest finish: finishing it again moves finished_at, where it
used to keep the first finish. Assessments finished more than once before this release get
their latest finish back from the audit log, whose "assessment_finished" events name them.
No column changes.

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

FINISHES = """
    FROM audit_event e
    WHERE e.action = 'assessment_finished' AND e.outcome = 'success'
      AND e.team_id = assessment.team_id
      AND e.detail = 'assessment ' || CAST(assessment.id AS VARCHAR(20))
"""


def upgrade():
    op.execute(
        f"UPDATE assessment SET finished_at = (SELECT MAX(e.at) {FINISHES})"
        f" WHERE finished_at IS NOT NULL AND (SELECT COUNT(*) {FINISHES}) > 1")


def downgrade():
    pass  # the first finish was never kept anywhere else: nothing to put back
