"""WSGI entry point: `flask --app wsgi run`, or gunicorn wsgi:app."""

from assessment import create_app
from assessment.rules.questionnaire import QuestionnaireError

try:
    app = create_app()
except QuestionnaireError as error:
    # One clear line instead of a traceback: file, place and problem.
    raise SystemExit(f"Cannot start: questions.yaml is not valid: {error}") from None
