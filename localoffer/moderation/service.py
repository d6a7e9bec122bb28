"""Officers' queries and writes: the moderation queue, decisions, exercises and result sets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, func, or_, select

from localoffer.extensions import db
from localoffer.models import (
    Exercise,
    Review,
    ReviewStatus,
    ReviewTemplate,
    Role,
    Service,
    Theme,
    User,
)

DECISIONS = {
    "accept": ReviewStatus.ACCEPTED,
    "send_back": ReviewStatus.SENT_BACK,
    "complaint": ReviewStatus.COMPLAINT,
    "reject": ReviewStatus.REJECTED,
}


def reviews_with_status(status: ReviewStatus) -> list[Review]:
    """Reviews in one state (never drafts), oldest submitted first."""
    query = (
        select(Review)
        .where(Review.status == status, Review.status != ReviewStatus.DRAFT)
        .order_by(Review.submitted_at, Review.id)
    )
    return list(db.session.scalars(query))


def review_for_officers(review_id: int) -> Review | None:
    """A review officers may read: anything sent to them, never someone's draft."""
    review = db.session.get(Review, review_id)
    return review if review is not None and review.status != ReviewStatus.DRAFT else None


def active_themes() -> list[Theme]:
    return list(db.session.scalars(select(Theme).where(Theme.is_active).order_by(Theme.position)))


def all_themes() -> list[Theme]:
    return list(db.session.scalars(select(Theme).order_by(Theme.position, Theme.id)))


def add_theme(name: str, slug: str) -> Theme | None:
    """A new theme at the end of the list; None if one with that name already exists."""
    if db.session.scalar(select(Theme).where(Theme.slug == slug)) is not None:
        return None
    last = db.session.scalar(select(func.max(Theme.position))) or 0
    theme = Theme(slug=slug, name=name, position=last + 1)
    db.session.add(theme)
    db.session.flush()
    return theme


def moderate(
    review: Review,
    officer: User,
    decision: str,
    comment: str | None,
    redactions: dict[str, str],
    themes: list[Theme],
) -> None:
    """Record an officer's decision, the redacted copy of each text answer and the themes."""
    for answer in review.answers:
        if answer.question_key in redactions:
            answer.redacted = redactions[answer.question_key]
    review.themes = themes
    review.status = DECISIONS[decision]
    review.moderator_comment = comment or None
    review.moderated_by = officer
    review.moderated_at = datetime.now(UTC)


def count_to_moderate() -> int:
    query = select(func.count(Review.id)).where(Review.status == ReviewStatus.SUBMITTED)
    return db.session.scalar(query) or 0


def reviewers() -> list[User]:
    """Active volunteers and Young Inspectors, who can be given an exercise."""
    query = (
        select(User)
        .where(User.is_active, User.role.in_([Role.VOLUNTEER, Role.YOUNG_INSPECTOR]))
        .order_by(User.name)
    )
    return list(db.session.scalars(query))


def exercises() -> list[Exercise]:
    return list(db.session.scalars(select(Exercise).order_by(Exercise.month.desc(), Exercise.id)))


def get_exercise(exercise_id: int) -> Exercise | None:
    return db.session.get(Exercise, exercise_id)


def template_by_id(template_id: int) -> ReviewTemplate | None:
    return db.session.get(ReviewTemplate, template_id)


def services_by_id(ids: list[int]) -> list[Service]:
    return list(db.session.scalars(select(Service).where(Service.id.in_(ids)))) if ids else []


def users_by_id(ids: list[int]) -> list[User]:
    return list(db.session.scalars(select(User).where(User.id.in_(ids)))) if ids else []


@dataclass
class ExerciseFields:
    month: date
    title: str
    case_study: str
    task: str
    template: ReviewTemplate
    services: list[Service]
    target_pages: list[str]
    assignees: list[User]


def create_exercise(fields: ExerciseFields, officer: User) -> Exercise:
    exercise = Exercise(
        month=fields.month,
        title=fields.title,
        case_study=fields.case_study,
        task=fields.task,
        template=fields.template,
        services=fields.services,
        target_pages=fields.target_pages,
        assignees=fields.assignees,
        created_by=officer,
    )
    db.session.add(exercise)
    db.session.flush()
    return exercise


def exercise_reviews(exercise: Exercise) -> list[Review]:
    query = (
        select(Review)
        .where(Review.exercise_id == exercise.id, Review.status != ReviewStatus.DRAFT)
        .order_by(Review.submitted_at, Review.id)
    )
    return list(db.session.scalars(query))


def month_reviews(month: date) -> list[Review]:
    """Reviews of a month: an exercise's reviews count in the exercise's month, others when sent."""
    start = datetime(month.year, month.month, 1, tzinfo=UTC)
    following = (start + timedelta(days=32)).replace(day=1)
    query = (
        select(Review)
        .outerjoin(Exercise, Review.exercise_id == Exercise.id)
        .where(
            Review.status != ReviewStatus.DRAFT,
            or_(
                Exercise.month == month,
                and_(
                    Review.exercise_id.is_(None),
                    Review.submitted_at >= start,
                    Review.submitted_at < following,
                ),
            ),
        )
        .order_by(Review.submitted_at, Review.id)
    )
    return list(db.session.scalars(query))


def service_history(service_id: int) -> list[Review]:
    """Every review of one service sent to officers, newest first."""
    query = (
        select(Review)
        .where(Review.service_id == service_id, Review.status != ReviewStatus.DRAFT)
        .order_by(Review.submitted_at.desc(), Review.id.desc())
    )
    return list(db.session.scalars(query))
