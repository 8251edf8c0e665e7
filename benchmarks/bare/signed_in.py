"""The signed-in floor: the least a page for a signed-in user can cost in this stack.

A bare Flask app with Flask-Login and Flask-SQLAlchemy, on the same database and secret as our
app: every request decodes the same session cookie and loads the user by id (one query), then
`/snapshot/<name>` serves a page saved from our app as a template with no logic, so the same
bytes go out. Our pages are measured against this, page by page (`make bench`).
"""

import os

from flask import Flask, abort, render_template
from flask_login import LoginManager, UserMixin, current_user
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str]


app = Flask(__name__, template_folder=os.environ.get("BENCH_SNAPSHOTS", "templates"))
app.config.update(SECRET_KEY=os.environ["SECRET_KEY"],
                  SQLALCHEMY_DATABASE_URI=os.environ["DATABASE_URL"],
                  SESSION_REFRESH_EACH_REQUEST=False)
db.init_app(app)
login_manager.init_app(app)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


@app.get("/")
def health() -> str:
    return "ok"


@app.get("/snapshot/<name>")
def snapshot(name: str) -> str:
    if not current_user.is_authenticated:  # the user is loaded, as on every page of ours
        abort(401)
    return render_template(f"{name}.html")
