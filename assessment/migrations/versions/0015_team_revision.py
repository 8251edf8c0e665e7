"""team.revision: a number the database moves whenever the team, its assessments or its actions change

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 04:00:00

A kept page (store/stamps.py) needs to know cheaply whether anything it shows has changed. The
portfolio of a 200-service organization read the count, latest change and newest id of its
teams' 2,000 assessments and 800 actions, and every team row, on every view: 7 to 10 ms on
PostgreSQL with 2,000 teams. Now triggers move team.revision on every insert, update or delete
of an assessment (answers, agreed answers, targets and reviews move Assessment.updated_at, see
store/operations.py) or an action, and on every change to the team's own row, so a portfolio
reads one number per team, and a team's pages read one number.

Triggers, not application code, so that a bulk statement, an import or a fix made by hand in
SQL is seen too. On PostgreSQL the bump is a deferred constraint trigger: it runs at commit,
after every other row the transaction writes is locked, so two requests that write an
assessment and an action of the same team in different orders cannot deadlock on the team row.
SQLite runs one writer at a time, so plain triggers do there.

Also: the peer stamp's sum of the ids of live HISP teams is read from an index of (is_hisp,
deleted_at, id) alone, instead of from 171 rows of 2,000 teams (0.11 -> 0.03 ms).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

CHILDREN = ('assessment', 'action')  # rows with a team_id whose changes a team's pages show

POSTGRESQL_FUNCTIONS = """
CREATE FUNCTION bump_team_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE team SET revision = revision + 1 WHERE id = OLD.team_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.team_id IS DISTINCT FROM OLD.team_id) THEN
        UPDATE team SET revision = revision + 1 WHERE id = NEW.team_id;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION team_row_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.revision = OLD.revision THEN
        NEW.revision := OLD.revision + 1;
    END IF;
    RETURN NEW;
END $$;
"""


def upgrade():
    op.add_column('team', sa.Column('revision', sa.BigInteger(), nullable=False,
                                    server_default='0'))
    op.drop_index('ix_team_is_hisp', table_name='team')
    op.create_index('ix_team_hisp_ids', 'team', ['is_hisp', 'deleted_at', 'id'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(POSTGRESQL_FUNCTIONS)
        for table in CHILDREN:
            op.execute(f"""
                CREATE CONSTRAINT TRIGGER {table}_moves_team_revision
                AFTER INSERT OR UPDATE OR DELETE ON {table}
                DEFERRABLE INITIALLY DEFERRED
                FOR EACH ROW EXECUTE FUNCTION bump_team_revision()""")
        op.execute("""
            CREATE TRIGGER team_row_moves_revision BEFORE UPDATE ON team
            FOR EACH ROW EXECUTE FUNCTION team_row_revision()""")
        return
    bump = "UPDATE team SET revision = revision + 1 WHERE id = {row}.team_id;"
    for table in CHILDREN:
        op.execute(f"""
            CREATE TRIGGER {table}_insert_moves_team_revision AFTER INSERT ON {table}
            BEGIN {bump.format(row='NEW')} END""")
        op.execute(f"""
            CREATE TRIGGER {table}_update_moves_team_revision AFTER UPDATE ON {table}
            BEGIN UPDATE team SET revision = revision + 1
                  WHERE id IN (OLD.team_id, NEW.team_id); END""")
        op.execute(f"""
            CREATE TRIGGER {table}_delete_moves_team_revision AFTER DELETE ON {table}
            BEGIN {bump.format(row='OLD')} END""")
    # A change to the team's own row that did not set revision moves it (SQLite's recursive
    # triggers are off, so the inner update does not fire this again).
    op.execute("""
        CREATE TRIGGER team_row_moves_revision AFTER UPDATE ON team
        WHEN NEW.revision = OLD.revision
        BEGIN UPDATE team SET revision = revision + 1 WHERE id = NEW.id; END""")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for table in CHILDREN:
            op.execute(f"DROP TRIGGER {table}_moves_team_revision ON {table}")
        op.execute("DROP TRIGGER team_row_moves_revision ON team")
        op.execute("DROP FUNCTION bump_team_revision()")
        op.execute("DROP FUNCTION team_row_revision()")
    else:
        for table in CHILDREN:
            for event in ('insert', 'update', 'delete'):
                op.execute(f"DROP TRIGGER {table}_{event}_moves_team_revision")
        op.execute("DROP TRIGGER team_row_moves_revision")
    op.drop_index('ix_team_hisp_ids', table_name='team')
    op.create_index('ix_team_is_hisp', 'team', ['is_hisp'], unique=False)
    with op.batch_alter_table('team') as batch:
        batch.drop_column('revision')
