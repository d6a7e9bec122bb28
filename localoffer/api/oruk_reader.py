"""Reading Open Referral UK JSON files and checking each service in them.

``parse_service`` turns one service object into plain values ready to write, or names every
problem that makes it refused. It accepts this site's own exports (with their ``localoffer``
extension objects, so nothing is lost) and other directories' HSDS 3.0 services (fields with no
place here are skipped, with a note).
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from localoffer.api.export import TERMS_FILE
from localoffer.api.identifiers import is_uuid
from localoffer.api.serializers import EXTENSION
from localoffer.control_characters import REFUSAL, has_control_characters
from localoffer.models import SendQuestion, ServiceStatus
from localoffer.models.directory import SLUG_LENGTH, WEEKDAYS

STATUSES = {
    "active": ServiceStatus.ACTIVE,
    "temporarily closed": ServiceStatus.TEMPORARILY_CLOSED,
    "inactive": ServiceStatus.CLOSED,
    "defunct": ServiceStatus.CLOSED,
}
_TIME = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9]))?")


class ImportFailed(Exception):
    """The files could not be read, or the database refused the import: nothing was written."""


def slugify(text: str) -> str:
    """A lower-case, hyphenated, ASCII slug (``Café Club`` becomes ``cafe-club``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[: SLUG_LENGTH - 10] or "imported"


# Reading the files


def _items(payload: Any) -> list:
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict) and isinstance(payload.get("contents"), list):
        return payload["contents"]
    return [payload]


def read_files(path: Path) -> tuple[list, list]:
    """(taxonomy terms, services) from a file or every ``*.json`` in a folder."""
    if path.is_dir():
        files = sorted(path.glob("*.json"), key=lambda p: (p.name != TERMS_FILE, p.name))
        if not files:
            raise ImportFailed(f"{path} holds no .json files")
    elif path.is_file():
        files = [path]
    else:
        raise ImportFailed(f"{path} is not a file or a folder")
    terms: list = []
    services: list = []
    for file in files:
        try:
            payload = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ImportFailed(f"{file.name}: not readable JSON ({error})") from error
        except RecursionError as error:
            # Python's parser gives up on arrays or objects nested a thousand deep.
            raise ImportFailed(f"{file.name}: not readable JSON (nested too deeply)") from error
        (terms if file.name == TERMS_FILE else services).extend(_items(payload))
    return terms, services


# Checking one service


class _Checker:
    """Reads values out of a JSON object, noting each problem with where it was."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def obj(self, value: Any, where: str) -> dict:
        if not isinstance(value, dict):
            self.errors.append(f"{where}: must be an object")
            return {}
        return value

    def array(self, data: dict, key: str, where: str) -> list:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.errors.append(f"{where}{key}: must be a list")
            return []
        return value

    def text(
        self, data: dict, key: str, where: str, limit: int, required: bool = False
    ) -> str | None:
        value = data.get(key)
        if value is None or (isinstance(value, str) and value.strip() == "" and required):
            if required:
                self.errors.append(f"{where}{key}: is required")
            return None
        if not isinstance(value, str):
            self.errors.append(f"{where}{key}: must be text")
            return None
        if not self.plain(value, f"{where}{key}"):
            return None
        if len(value) > limit:
            self.errors.append(f"{where}{key}: is longer than {limit} characters")
            return None
        return value

    def plain(self, value: str, where: str) -> bool:
        """Whether text is free of hidden control characters (noting the problem if not)."""
        if has_control_characters(value):
            self.errors.append(f"{where}: {REFUSAL}")
            return False
        return True

    def uuid(self, data: dict, key: str, where: str) -> str | None:
        value = data.get(key)
        if not isinstance(value, str) or not is_uuid(value):
            self.errors.append(f"{where}{key}: must be a UUID")
            return None
        return value.lower()

    def number(self, data: dict, key: str, where: str, low: float, high: float):
        value = data.get(key)
        if value is None:
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not low <= value <= high
        ):
            self.errors.append(f"{where}{key}: must be a number from {low:g} to {high:g}")
            return None
        return value

    def boolean(self, data: dict, key: str, where: str, default: bool | None) -> bool | None:
        value = data.get(key, default)
        if value is not None and not isinstance(value, bool):
            self.errors.append(f"{where}{key}: must be true or false")
            return default
        return value

    def day(self, data: dict, key: str, where: str) -> date | None:
        value = data.get(key)
        if value is None:
            return None
        try:
            return date.fromisoformat(str(value)[:10])
        except ValueError:
            self.errors.append(f"{where}{key}: must be a date such as 2026-03-10")
            return None

    def clock(self, value: Any, where: str) -> time | None:
        found = _TIME.match(value) if isinstance(value, str) else None
        if not found:
            self.errors.append(f"{where}: must be a time such as 09:30")
            return None
        return time(int(found[1]), int(found[2]), int(found[3] or 0))


def _organization(check: _Checker, data: dict) -> dict:
    where = "organization."
    org = check.obj(data.get("organization"), "organization")
    phones = check.array(org, "phones", where)
    phone = phones[0].get("number") if phones and isinstance(phones[0], dict) else None
    if phone is not None and (not isinstance(phone, str) or len(phone) > 40):
        check.errors.append("organization.phones: the first number must be text of 40 or fewer")
        phone = None
    if phone is not None and not check.plain(phone, "organization.phones"):
        phone = None
    return {
        "uuid": check.uuid(org, "id", where),
        "name": check.text(org, "name", where, 200, required=True),
        "description": check.text(org, "description", where, 100_000) or "",
        "email": check.text(org, "email", where, 254),
        "website": check.text(org, "website", where, 500),
        "phone": phone,
        "slug": check.text(
            check.obj(org.get(EXTENSION, {}), where + EXTENSION), "slug", where, SLUG_LENGTH
        ),
    }


def _location(check: _Checker, link: dict, n: int) -> dict:
    where = f"service_at_locations[{n}]."
    data = check.obj(link.get("location"), where + "location")
    where += "location."
    extension = check.obj(data.get(EXTENSION, {}), where + EXTENSION)
    addresses = check.array(data, "addresses", where)
    address = check.obj(addresses[0], where + "addresses[0]") if addresses else {}
    if not addresses:
        check.errors.append(f"{where}addresses: needs an address with a town and postcode")
    masked = check.boolean(extension, "address_masked", where + EXTENSION + ".", False)
    postcode = check.text(address, "postal_code", where + "address.", 10, required=True)
    accessibility = []
    for i, item in enumerate(check.array(data, "accessibility", where)):
        item = check.obj(item, f"{where}accessibility[{i}]")
        accessibility.append(
            {
                "description": check.text(
                    item, "description", f"{where}accessibility[{i}].", 100_000, required=True
                ),
                "details": check.text(item, "details", f"{where}accessibility[{i}].", 100_000)
                or "",
            }
        )
    return {
        "link_uuid": check.uuid(link, "id", f"service_at_locations[{n}].")
        if link.get("id") is not None
        else None,
        "uuid": check.uuid(data, "id", where),
        "name": check.text(data, "name", where, 200, required=True),
        "description": check.text(data, "description", where, 100_000) or "",
        "address_1": check.text(address, "address_1", where + "address.", 200) or "",
        "city": check.text(address, "city", where + "address.", 100, required=True),
        "postcode": postcode,
        "latitude": check.number(data, "latitude", where, -90, 90),
        "longitude": check.number(data, "longitude", where, -180, 180),
        "masked": bool(masked),
        "slug": check.text(extension, "slug", where, SLUG_LENGTH),
        "accessibility": accessibility,
    }


def _term(check: _Checker, data: dict, where: str) -> dict:
    detail = check.obj(data.get("taxonomy_detail", {}), where + "taxonomy_detail")
    detail_extension = check.obj(detail.get(EXTENSION, {}), where + "taxonomy_detail." + EXTENSION)
    extension = check.obj(data.get(EXTENSION, {}), where + EXTENSION)
    taxonomy_name = (
        check.text(detail, "name", where + "taxonomy_detail.", 200)
        or check.text(data, "taxonomy", where, 200)
        or "Imported"
    )
    position = extension.get("position", 0)
    return {
        "uuid": check.uuid(data, "id", where),
        "slug": check.text(data, "code", where, SLUG_LENGTH),
        "name": check.text(data, "name", where, 200, required=True),
        "description": check.text(data, "description", where, 100_000) or "",
        "parent_uuid": check.uuid(data, "parent_id", where) if data.get("parent_id") else None,
        "position": position if isinstance(position, int) and not isinstance(position, bool) else 0,
        "taxonomy_slug": check.text(detail_extension, "slug", where, SLUG_LENGTH)
        or slugify(taxonomy_name),
        "taxonomy_name": taxonomy_name,
        "taxonomy_description": check.text(detail, "description", where, 100_000) or "",
    }


def _cost_options(check: _Checker, data: dict) -> list[dict]:
    out = []
    for i, item in enumerate(check.array(data, "cost_options", "")):
        where = f"cost_options[{i}]."
        item = check.obj(item, where)
        extension = check.obj(item.get(EXTENSION, {}), where + EXTENSION)
        amount = check.number(item, "amount", where, 0, 99_999_999)
        if EXTENSION in item:
            amount = check.number(extension, "amount", where + EXTENSION + ".", 0, 99_999_999)
        is_free = check.boolean(extension, "is_free", where + EXTENSION + ".", None)
        if is_free is None:
            is_free = amount == 0
        option = {
            "is_free": is_free,
            "amount": _decimal(amount),
            "currency": check.text(extension, "currency", where, 3) or "GBP",
            "option": check.text(item, "option", where, 200),
            "amount_description": check.text(item, "amount_description", where, 100_000) or "",
        }
        if not is_free and option["amount"] is None and not option["amount_description"]:
            check.errors.append(f"{where[:-1]}: a charge needs an amount or a description")
        out.append(option)
    return out


def _decimal(value: float | None) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def _schedules(check: _Checker, data: dict) -> list[dict]:
    out = []
    for i, item in enumerate(check.array(data, "schedules", "")):
        where = f"schedules[{i}]"
        item = check.obj(item, where)
        if item.get("freq") not in (None, "WEEKLY") or not item.get("byday"):
            check.warnings.append(f"{where}: only weekly opening times with days are kept; skipped")
            continue
        byday = item.get("byday")
        days = [d.strip() for d in byday.split(",")] if isinstance(byday, str) else []
        if not days or any(d not in WEEKDAYS for d in days):
            check.errors.append(f"{where}.byday: must be days such as MO,TU,WE")
            continue
        opens = check.clock(item.get("opens_at"), where + ".opens_at")
        closes = check.clock(item.get("closes_at"), where + ".closes_at")
        if opens and closes and opens >= closes:
            check.errors.append(f"{where}: must open before it closes")
        description = check.text(item, "description", where + ".", 100_000) or ""
        out.append(
            {
                "byday": ",".join(days),
                "opens_at": opens,
                "closes_at": closes,
                "description": description,
            }
        )
    return out


def _contacts(check: _Checker, data: dict) -> list[dict]:
    out = []
    for i, item in enumerate(check.array(data, "contacts", "")):
        where = f"contacts[{i}]."
        item = check.obj(item, where)
        phones = []
        for j, phone in enumerate(check.array(item, "phones", where)):
            phone = check.obj(phone, f"{where}phones[{j}]")
            phones.append(
                {
                    "number": check.text(
                        phone, "number", f"{where}phones[{j}].", 40, required=True
                    ),
                    "description": check.text(phone, "description", f"{where}phones[{j}].", 200)
                    or "",
                }
            )
        out.append(
            {
                "name": check.text(item, "name", where, 200) or "",
                "title": check.text(item, "title", where, 200) or "",
                "email": check.text(item, "email", where, 254),
                "phones": phones,
            }
        )
    return out


def _eligibilities(check: _Checker, data: dict, extension: dict) -> list[dict]:
    if "eligibilities" in extension:
        rows = []
        for i, item in enumerate(check.array(extension, "eligibilities", EXTENSION + ".")):
            where = f"{EXTENSION}.eligibilities[{i}]."
            item = check.obj(item, where)
            rows.append(
                {
                    "minimum_age": check.number(item, "minimum_age", where, 0, 120),
                    "maximum_age": check.number(item, "maximum_age", where, 0, 120),
                    "description": check.text(item, "description", where, 100_000) or "",
                }
            )
    else:
        row = {
            "minimum_age": check.number(data, "minimum_age", "", 0, 120),
            "maximum_age": check.number(data, "maximum_age", "", 0, 120),
            "description": check.text(data, "eligibility_description", "", 100_000) or "",
        }
        rows = [row] if any(v not in (None, "") for v in row.values()) else []
    for row in rows:
        for key in ("minimum_age", "maximum_age"):
            if row[key] is not None:
                row[key] = int(row[key])
        low, high = row["minimum_age"], row["maximum_age"]
        if low is not None and high is not None and low > high:
            check.errors.append("minimum_age: must not be more than maximum_age")
    return rows


def parse_service(data: Any) -> tuple[dict | None, list[str], list[str]]:
    """The values to write for one service, or None with the reasons it is refused."""
    check = _Checker()
    data = check.obj(data, "service")
    if not data:
        return None, check.errors or ["service: is empty"], []
    extension = check.obj(data.get(EXTENSION, {}), EXTENSION)
    x = EXTENSION + "."
    status = data.get("status")
    if status not in STATUSES:
        check.errors.append(f"status: must be one of {', '.join(STATUSES)}")
    send_answers = check.obj(extension.get("send_answers", {}), x + "send_answers")
    known = {q.value for q in SendQuestion}
    for question, answer in send_answers.items():
        if question not in known or not isinstance(answer, str):
            check.errors.append(f"{x}send_answers.{question}: not a known SEND question")
        else:
            check.plain(answer, f"{x}send_answers.{question}")
    values = {
        "uuid": check.uuid(data, "id", ""),
        "name": check.text(data, "name", "", 200, required=True),
        "description": check.text(data, "description", "", 100_000) or "",
        "status": STATUSES.get(status),
        "email": check.text(data, "email", "", 254),
        "url": check.text(extension, "url", x, 500)
        if "url" in extension
        else check.text(data, "url", "", 500),
        "alternate_name": check.text(
            extension if "alternate_name" in extension else data, "alternate_name", "", 200
        ),
        "how_to_access": check.text(extension, "how_to_access", x, 100_000)
        if "how_to_access" in extension
        else check.text(data, "application_process", "", 100_000) or "",
        "last_reviewed_on": check.day(data, "assured_date", ""),
        "slug": check.text(extension, "slug", x, SLUG_LENGTH),
        "visible_from": check.day(extension, "visible_from", x),
        "visible_to": check.day(extension, "visible_to", x),
        "information_incomplete": check.boolean(extension, "information_incomplete", x, False),
        "diagnosis_needed": check.boolean(extension, "diagnosis_needed", x, None),
        "ehc_plan_needed": check.boolean(extension, "ehc_plan_needed", x, False),
        "sen_information_report_url": check.text(extension, "sen_information_report_url", x, 500),
        "review_due_on": check.day(extension, "review_due_on", x),
        "send_answers": {q: a for q, a in send_answers.items() if q in known},
        "organization": _organization(check, data),
        "eligibilities": _eligibilities(check, data, extension),
        "cost_options": _cost_options(check, data),
        "schedules": _schedules(check, data),
        "contacts": _contacts(check, data),
        "service_areas": [
            {
                "name": check.text(item, "name", f"service_areas[{i}].", 200, required=True),
                "description": check.text(item, "description", f"service_areas[{i}].", 100_000)
                or "",
            }
            for i, item in enumerate(check.array(data, "service_areas", ""))
            if check.obj(item, f"service_areas[{i}]")
        ],
        "languages": [
            {
                "name": check.text(item, "name", f"languages[{i}].", 100, required=True),
                "code": check.text(item, "code", f"languages[{i}].", 10),
            }
            for i, item in enumerate(check.array(data, "languages", ""))
            if check.obj(item, f"languages[{i}]")
        ],
        "locations": [
            _location(check, check.obj(link, f"service_at_locations[{n}]"), n)
            for n, link in enumerate(check.array(data, "service_at_locations", ""))
        ],
        "terms": [
            _term(
                check,
                check.obj(
                    check.obj(a, f"attributes[{i}]").get("taxonomy_term"),
                    f"attributes[{i}].taxonomy_term",
                ),
                f"attributes[{i}].taxonomy_term.",
            )
            for i, a in enumerate(check.array(data, "attributes", ""))
        ],
    }
    if (
        values["visible_from"]
        and values["visible_to"]
        and values["visible_from"] > values["visible_to"]
    ):
        check.errors.append(f"{x}visible_from: must not be after visible_to")
    if check.errors:
        return None, check.errors, check.warnings
    return values, [], check.warnings
