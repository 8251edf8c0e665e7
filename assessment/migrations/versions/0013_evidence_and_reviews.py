"""evidence and independent validation: a link per answer, and a reviewer's verdict per answer

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 23:50:00

answer.evidence_link (a web address the respondent gives as evidence, "" when none) and
answer_review: an organization reviewer's verdict on one of a finished assessment's answers
("validated" or "challenged", with a comment), and the team's reply to a challenge.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('answer') as batch:
        batch.add_column(sa.Column('evidence_link', sa.String(length=500), nullable=False,
                                   server_default=''))
    op.create_table(
        'answer_review',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assessment_id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.String(length=160), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False, server_default=''),
        sa.Column('reviewer_id', sa.Integer(), nullable=True),
        sa.Column('reviewed_at', sa.DateTime(), nullable=False),
        sa.Column('reply', sa.Text(), nullable=False, server_default=''),
        sa.Column('replied_by_id', sa.Integer(), nullable=True),
        sa.Column('replied_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint("state IN ('validated', 'challenged')",
                           name=op.f('ck_answer_review_review_state_known')),
        sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'],
                                name=op.f('fk_answer_review_assessment_id_assessment'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['reviewer_id'], ['user_account.id'],
                                name=op.f('fk_answer_review_reviewer_id_user_account'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['replied_by_id'], ['user_account.id'],
                                name=op.f('fk_answer_review_replied_by_id_user_account'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_review')),
        sa.UniqueConstraint('assessment_id', 'question_id', name='uq_answer_review_once'),
    )
    op.create_index(op.f('ix_answer_review_assessment_id'), 'answer_review', ['assessment_id'])


def downgrade():
    op.drop_table('answer_review')
    with op.batch_alter_table('answer') as batch:
        batch.drop_column('evidence_link')
