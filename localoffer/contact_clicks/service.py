"""Which contact details a service page shows, whether a click counts, and storing one click.

What is counted: a click on a phone number, an email address or a website link on the public
service page (``/services/<id>``) of a service families can see there. What is not: a click by
anyone signed in (families never need an account, so it is an officer checking a listing, a
provider or a volunteer on a mystery shop, not a family using the service), clicks on an
officer's preview of a listing (the preview links straight to the details and the counting
addresses refuse drafts), and clicks beyond ``CONTACT_CLICK_LIMIT`` from one address.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import parse

from localoffer.directory.service import get_service
from localoffer.extensions import db, limiter
from localoffer.listings.visibility import today
from localoffer.models import ContactClick, ContactKind, Service

# The website is counted by its own address (a redirect); phone and email by a beacon.
BEACON_KINDS = {
    ContactKind.PHONE.value: ContactKind.PHONE,
    ContactKind.EMAIL.value: ContactKind.EMAIL,
}


def click_limit() -> str:
    return current_app.config["CONTACT_CLICK_LIMIT"]


def shown_service(service_id: int) -> Service | None:
    """The service if its public page shows it (the page's own rule), else None."""
    return get_service(service_id)


def website_of(service: Service) -> str | None:
    """The stored website address, if it is one a browser may be sent to (http or https)."""
    if not service.url:
        return None
    parts = urlsplit(service.url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return service.url.strip()


def shows(service: Service, kind: ContactKind) -> bool:
    """Whether the service page shows this kind of contact detail."""
    if kind is ContactKind.PHONE:
        return any(contact.phones for contact in service.contacts)
    if kind is ContactKind.EMAIL:
        return any(contact.email for contact in service.contacts)
    return website_of(service) is not None


def counts_visitor() -> bool:
    """Whether this visitor's clicks are counted: nobody signed in."""
    return not current_user.is_authenticated


def within_limit() -> bool:
    """Take one from this address's allowance for counted clicks; False once it is used up.

    The website link uses this so that it always redirects: past the limit it is simply not
    counted. (The beacon address is limited by Flask-Limiter's decorator instead.)
    """
    return limiter.limiter.hit(parse(click_limit()), "contact-click-website", get_remote_address())


def record_click(service: Service, kind: ContactKind) -> ContactClick:
    """Store one click: the service, the kind and the day; nothing about the visitor."""
    click = ContactClick(service_id=service.id, kind=kind, clicked_on=today())
    db.session.add(click)
    db.session.flush()
    return click
