"""Queries and writes for volunteers' reviews: templates, exercises, drafts and submission."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from localoffer.extensions import db
from localoffer.models import (
    Exercise,
    Review,
    ReviewAnswer,
    ReviewStatus,
    ReviewTemplate,
    Role,
    User,
)
from localoffer.models.reviews import exercise_assignee
from localoffer.reviews.questions import Question, questions_from_json

REVIEWERS = (Role.VOLUNTEER, Role.YOUNG_INSPECTOR, Role.OFFICER, Role.ADMIN)
AUDIENCES_BY_ROLE = {
    Role.VOLUNTEER: {"volunteer", "peer"},
    Role.YOUNG_INSPECTOR: {"young_inspector"},
    Role.OFFICER: {"volunteer", "young_inspector", "peer"},
    Role.ADMIN: {"volunteer", "young_inspector", "peer"},
}


@lru_cache(maxsize=64)
def _questions(raw: str) -> tuple[Question, ...]:
    return questions_from_json(json.loads(raw))


def questions_of(template: ReviewTemplate) -> tuple[Question, ...]:
    """The questions of one template version, parsed once per distinct content."""
    return _questions(json.dumps(template.questions, sort_keys=True))


def latest_templates() -> list[ReviewTemplate]:
    """The newest version of each template, by title."""
    newest = (
        select(ReviewTemplate.slug, func.max(ReviewTemplate.version).label("version"))
        .group_by(ReviewTemplate.slug)
        .subquery()
    )
    query = (
        select(ReviewTemplate)
        .join(
            newest,
            (ReviewTemplate.slug == newest.c.slug) & (ReviewTemplate.version == newest.c.version),
        )
        .order_by(ReviewTemplate.title)
    )
    return list(db.session.scalars(query))


def templates_for(user: User, target: str) -> list[ReviewTemplate]:
    """The newest templates this person may answer about a service or the site."""
    audiences = AUDIENCES_BY_ROLE.get(user.role, set())
    return [t for t in latest_templates() if t.target == target and t.audience in audiences]


def open_exercises_for(user: User) -> list[Exercise]:
    """Open exercises the person is assigned to, newest month first."""
    query = (
        select(Exercise)
        .join(exercise_assignee, exercise_assignee.c.exercise_id == Exercise.id)
        .where(exercise_assignee.c.user_id == user.id, Exercise.is_open.is_(True))
        .order_by(Exercise.month.desc(), Exercise.title)
    )
    return list(db.session.scalars(query))


def open_exercise_for(user: User, exercise_id: int) -> Exercise | None:
    return next((e for e in open_exercises_for(user) if e.id == exercise_id), None)


def reviews_by(user: User) -> list[Review]:
    """Everything the person has written, newest first."""
    query = (
        select(Review)
        .where(Review.author_id == user.id)
        .order_by(Review.updated_at.desc(), Review.id.desc())
    )
    return list(db.session.scalars(query))


def own_review(user: User, review_id: int) -> Review | None:
    review = db.session.get(Review, review_id)
    return review if review is not None and review.author_id == user.id else None


def review_by_key(user_id: int, draft_key: str) -> Review | None:
    return db.session.scalar(
        select(Review).where(Review.author_id == user_id, Review.draft_key == draft_key)
    )


def start_review(
    author_id: int,
    draft_key: str,
    template: ReviewTemplate,
    exercise: Exercise | None = None,
    service_id: int | None = None,
    page_path: str | None = None,
) -> Review:
    """The review for this form: the one already started with ``draft_key``, or a new draft."""
    found = review_by_key(author_id, draft_key)
    if found is not None:
        return found
    review = Review(
        author_id=author_id,
        draft_key=draft_key,
        template_id=template.id,
        exercise_id=exercise.id if exercise else None,
        service_id=service_id,
        page_path=page_path,
        status=ReviewStatus.DRAFT,
    )
    # No savepoint: with pysqlite, releasing the outermost SAVEPOINT commits, which would store
    # the review before its answers (tests/faults kill a worker in between to check this).
    # This is the request's first write, so a rollback loses nothing else.
    db.session.add(review)
    try:
        db.session.flush()
    except IntegrityError:
        # The same form sent twice at once: the other request created it.
        db.session.rollback()
        return review_by_key(author_id, draft_key)
    return review


def save_answers(review: Review, answers: dict) -> None:
    """Make the review's answers exactly ``answers`` (key to value), keeping redactions."""
    existing = {a.question_key: a for a in review.answers}
    for key, answer in existing.items():
        if key not in answers:
            review.answers.remove(answer)
    for key, value in answers.items():
        if key in existing:
            if existing[key].value != value:
                existing[key].value = value
                existing[key].redacted = None
        else:
            review.answers.append(ReviewAnswer(question_key=key, value=value))
    review.updated_at = datetime.now(UTC)


def submit_review(review: Review, answers: dict) -> None:
    """Save the checked answers and hand the review to the officers."""
    save_answers(review, answers)
    review.status = ReviewStatus.SUBMITTED
    review.submitted_at = datetime.now(UTC)


def stored_answers(review: Review) -> dict:
    return {a.question_key: a.value for a in review.answers}
