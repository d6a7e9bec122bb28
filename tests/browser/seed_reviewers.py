"""People and an exercise for the browser tests, added to the live server's database.

Run by the ``live_server`` fixture after ``flask seed`` and ``flask users create-admin``, with
the same environment: ``python -m tests.browser.seed_reviewers``. It adds

- the volunteer whose journey ``test_volunteer_journey`` follows (password from
  ``BROWSER_VOLUNTEER_PASSWORD``),
- this month's exercise, created by the admin: the service mystery shop of one listed service,
  assigned to that volunteer,
- a second volunteer's submitted review of the same exercise, for the officers' pages to show,
- an officer (not an admin) whose journey ``test_officer_journey`` follows (password from
  ``BROWSER_OFFICER_PASSWORD``).

Real app, real database, the reviews' own service functions: nothing a form would refuse.
"""

from __future__ import annotations

import os
import sys
import uuid
from datetime import date

from sqlalchemy import select

from localoffer import create_app
from localoffer.auth.passwords import hash_password
from localoffer.extensions import db
from localoffer.models import Role, Service, ServiceStatus, User
from localoffer.moderation.service import ExerciseFields, create_exercise
from localoffer.reviews.answers import check_for_submission
from localoffer.reviews.service import latest_templates, questions_of, start_review, submit_review

VOLUNTEER_EMAIL = "val.volunteer@example.org"
OTHER_VOLUNTEER_EMAIL = "omar.volunteer@example.org"
OFFICER_EMAIL = "olu.officer@example.org"
EXERCISE_TITLE = "Phone a service as a family would"
TEMPLATE = "service-mystery-shop"
OTHER_ANSWERS = {
    "contact_method": "phone",
    "response_days": "2",
    "matched_listing": "partly",
    "mismatch": "The session times had changed. Call me on 07700 900123.",
    "listened_to": "4",
    "recommend": "yes",
    "worked_well": "A friendly person answered",
}


def _user(email: str, name: str, password: str, role: Role = Role.VOLUNTEER) -> User:
    user = User(email=email, name=name, role=role, password_hash=hash_password(password))
    db.session.add(user)
    return user


def main() -> None:
    password = os.environ["BROWSER_VOLUNTEER_PASSWORD"]
    app = create_app()
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.role == Role.ADMIN))
        template = next(t for t in latest_templates() if t.slug == TEMPLATE)
        service = db.session.scalars(
            select(Service).where(Service.status == ServiceStatus.ACTIVE).order_by(Service.id)
        ).first()
        volunteer = _user(VOLUNTEER_EMAIL, "Val Volunteer", password)
        other = _user(OTHER_VOLUNTEER_EMAIL, "Omar Volunteer", password)
        _user(OFFICER_EMAIL, "Olu Officer", os.environ["BROWSER_OFFICER_PASSWORD"], Role.OFFICER)
        db.session.flush()
        exercise = create_exercise(
            ExerciseFields(
                month=date.today().replace(day=1),
                title=EXERCISE_TITLE,
                case_study="You are the parent of a seven-year-old who has just been diagnosed.",
                task="Phone the service and ask how your child could join.",
                template=template,
                services=[service],
                target_pages=[],
                assignees=[volunteer, other],
            ),
            admin,
        )
        review = start_review(other.id, str(uuid.uuid4()), template, exercise, service.id)
        checked = check_for_submission(questions_of(template), OTHER_ANSWERS)
        if checked.errors:
            sys.exit(f"the seeded review does not pass the form's checks: {checked.errors}")
        submit_review(review, checked.answers)
        db.session.commit()
        print(f"exercise {exercise.id} on service {service.id}; review {review.id} submitted")


if __name__ == "__main__":
    main()
