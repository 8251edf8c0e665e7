"""team.revision, organization.revision and the peers' change counter: numbers the database moves whenever what a team's pages or an organization's portfolio show changes

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 04:00:00

A kept page (store/stamps.py) needs to know cheaply whether anything it shows has changed. The
portfolio of a 200-service organization read the count, latest change and newest id of its
teams' 2,000 assessments and 800 actions, and every team row, on every view: 7 to 10 ms on
PostgreSQL with 2,000 teams. Now triggers keep two numbers:

- team.revision moves on every insert, update or delete of one of the team's assessments
  (answers, agreed answers, targets and reviews move Assessment.updated_at, see
  store/read_model.py) or actions, and on every change to the team's own row;
- organization.revision moves whenever the row of a team in it changes (so with every move of
  that team's revision), a team joins or leaves it, or one of its bureaus (organizations whose
  parent it is) is added, removed or moves itself (so a bureau's teams count for its parent).

- change_counter's row 'peers' (made by the first change if missing) moves whenever an assessment that is or was finished is added,
  changed or removed, or a team becomes or stops being a demo team or a HISP, or is deleted or
  restored: whatever any team's latest finished scores, as the peer spreads read them, depend
  on. Drafts, saved all the time, leave it alone.

So a team's pages read the team's row and one more number, and a portfolio the organization's
row, which they load anyway.

Triggers, not application code, so that a bulk statement, an import or a fix made by hand in
SQL is seen too. On PostgreSQL they are deferred constraint triggers: they run at commit,
after every other row the transaction writes is locked, so two requests that write rows of the
same team in different orders cannot deadlock on the team's or the organization's row. SQLite
runs one writer at a time, so plain triggers do there.
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

CREATE FUNCTION bump_organizations_of_team() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE organization SET revision = revision + 1
    WHERE id IN (SELECT organization_id FROM organization_team WHERE team_id = NEW.id);
    RETURN NULL;
END $$;

CREATE FUNCTION bump_organization_of_link() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE organization SET revision = revision + 1 WHERE id = OLD.organization_id;
    END IF;
    IF TG_OP = 'INSERT'
       OR (TG_OP = 'UPDATE' AND NEW.organization_id IS DISTINCT FROM OLD.organization_id) THEN
        UPDATE organization SET revision = revision + 1 WHERE id = NEW.organization_id;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION bump_change_counter(counter text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO change_counter (name, revision) VALUES (counter, 1)
    ON CONFLICT (name) DO UPDATE SET revision = change_counter.revision + 1
$$;

CREATE FUNCTION bump_peer_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_change_counter('peers');
    RETURN NULL;
END $$;

CREATE FUNCTION bump_parent_organization() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.parent_id IS NOT NULL THEN
        UPDATE organization SET revision = revision + 1 WHERE id = OLD.parent_id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.parent_id IS NOT NULL
       AND (TG_OP = 'INSERT' OR NEW.parent_id IS DISTINCT FROM OLD.parent_id) THEN
        UPDATE organization SET revision = revision + 1 WHERE id = NEW.parent_id;
    END IF;
    RETURN NULL;
END $$;
"""
POSTGRESQL_TRIGGERS = [  # (name, table, events, function); deferred to the commit
    *((f'{table}_moves_team_revision', table, 'INSERT OR UPDATE OR DELETE',
       'bump_team_revision') for table in CHILDREN),
    ('team_moves_organization_revision', 'team', 'UPDATE', 'bump_organizations_of_team'),
    ('link_moves_organization_revision', 'organization_team', 'INSERT OR UPDATE OR DELETE',
     'bump_organization_of_link'),
    ('bureau_moves_parent_revision', 'organization', 'INSERT OR UPDATE OR DELETE',
     'bump_parent_organization'),
]
FUNCTIONS = ('bump_team_revision', 'team_row_revision', 'bump_organizations_of_team',
             'bump_organization_of_link', 'bump_parent_organization', 'bump_peer_revision',
             'bump_change_counter(text)')

# When a row's change reaches other teams' peer spreads.
EVER_FINISHED = "({row}.finished_at IS NOT NULL OR {row}.status = 'finished')"
PEER_TEAM_CHANGE = ("(NEW.is_demo IS DISTINCT FROM OLD.is_demo OR NEW.is_hisp IS DISTINCT FROM "
                    "OLD.is_hisp OR NEW.deleted_at IS DISTINCT FROM OLD.deleted_at)")
PEER_TRIGGERS = [  # (name, event, table, condition)
    ('finished_insert_moves_peer_revision', 'INSERT', 'assessment',
     EVER_FINISHED.format(row='NEW')),
    ('finished_update_moves_peer_revision', 'UPDATE', 'assessment',
     f"({EVER_FINISHED.format(row='OLD')} OR {EVER_FINISHED.format(row='NEW')})"),
    ('finished_delete_moves_peer_revision', 'DELETE', 'assessment',
     EVER_FINISHED.format(row='OLD')),
    ('team_kind_moves_peer_revision', 'UPDATE', 'team', PEER_TEAM_CHANGE),
]

BUMP = "UPDATE {table} SET revision = revision + 1 WHERE id {where};"
SQLITE_TRIGGERS = {  # name: (event, table, body)
    **{f'{table}_{event.lower()}_moves_team_revision': (
        f'AFTER {event}', table, BUMP.format(table='team', where=where))
       for table in CHILDREN for event, where in (
           ('INSERT', '= NEW.team_id'), ('UPDATE', 'IN (OLD.team_id, NEW.team_id)'),
           ('DELETE', '= OLD.team_id'))},
    # A change to the team's own row that did not set revision moves it (SQLite's recursive
    # triggers are off, so the inner update does not fire this again).
    'team_row_moves_revision': ('AFTER UPDATE', 'team WHEN NEW.revision = OLD.revision',
                                BUMP.format(table='team', where='= NEW.id')),
    'team_moves_organization_revision': ('AFTER UPDATE', 'team', BUMP.format(
        table='organization',
        where='IN (SELECT organization_id FROM organization_team WHERE team_id = NEW.id)')),
    **{f'link_{event.lower()}_moves_organization_revision': (
        f'AFTER {event}', 'organization_team', BUMP.format(table='organization', where=where))
       for event, where in (
           ('INSERT', '= NEW.organization_id'),
           ('UPDATE', 'IN (OLD.organization_id, NEW.organization_id)'),
           ('DELETE', '= OLD.organization_id'))},
    # A bureau's change moves its parent; the parent's own update does not fire this again.
    **{f'bureau_{event.lower()}_moves_parent_revision': (
        f'AFTER {event}', 'organization', BUMP.format(table='organization', where=where))
       for event, where in (
           ('INSERT', '= NEW.parent_id'), ('UPDATE', 'IN (OLD.parent_id, NEW.parent_id)'),
           ('DELETE', '= OLD.parent_id'))},
}


def upgrade():
    change_counter = op.create_table(
        'change_counter',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('revision', sa.BigInteger(), nullable=False, server_default='0'),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_change_counter')))
    op.bulk_insert(change_counter, [{'name': 'peers', 'revision': 0}])
    for table in ('team', 'organization'):
        op.add_column(table, sa.Column('revision', sa.BigInteger(), nullable=False,
                                       server_default='0'))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(POSTGRESQL_FUNCTIONS)
        for name, table, events, function in POSTGRESQL_TRIGGERS:
            op.execute(f"""
                CREATE CONSTRAINT TRIGGER {name} AFTER {events} ON {table}
                DEFERRABLE INITIALLY DEFERRED
                FOR EACH ROW EXECUTE FUNCTION {function}()""")
        op.execute("""
            CREATE TRIGGER team_row_moves_revision BEFORE UPDATE ON team
            FOR EACH ROW EXECUTE FUNCTION team_row_revision()""")
        for name, event, table, condition in PEER_TRIGGERS:
            op.execute(f"""
                CREATE CONSTRAINT TRIGGER {name} AFTER {event} ON {table}
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN {condition}
                EXECUTE FUNCTION bump_peer_revision()""")
        return
    for name, (event, table, body) in SQLITE_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {event} ON {table} BEGIN {body} END")
    for name, event, table, condition in PEER_TRIGGERS:
        op.execute(f"""
            CREATE TRIGGER {name} AFTER {event} ON {table} WHEN {condition}
            BEGIN INSERT INTO change_counter (name, revision) VALUES ('peers', 1)
                  ON CONFLICT (name) DO UPDATE SET revision = revision + 1; END""")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for name, table, _, _ in POSTGRESQL_TRIGGERS:
            op.execute(f"DROP TRIGGER {name} ON {table}")
        op.execute("DROP TRIGGER team_row_moves_revision ON team")
        for name, _, table, _ in PEER_TRIGGERS:
            op.execute(f"DROP TRIGGER {name} ON {table}")
        for function in FUNCTIONS:
            op.execute(f"DROP FUNCTION {function}" + ("" if "(" in function else "()"))
    else:
        for name in [*SQLITE_TRIGGERS, *(trigger[0] for trigger in PEER_TRIGGERS)]:
            op.execute(f"DROP TRIGGER {name}")
    for table in ('organization', 'team'):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('revision')
    op.drop_table('change_counter')
