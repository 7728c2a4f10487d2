"""The alert feed across states, and editors' decisions on alerts.

:meth:`~graphdb.diff.ChangeDetector.alerts` lists the alerts of one new state; a map editor's
feed asks across states instead: newest first, by area, since a time, above a severity. A
decision (accept or reject, with a comment and who made it) is kept on the alert for the record
and cannot be overwritten: the second decision on one alert is refused. Re-recording a diff
(``MERGE`` on deterministic ids) keeps decisions, since it sets only the diff's properties.

Only alerts into readable (committed or retired) states are visible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from graphdb import queries
from graphdb.client import GraphClient
from graphdb.diff import Alert, Severity, to_alert
from graphdb.errors import GraphError, InvalidQuery
from graphdb.models import HISTORIC, READABLE, Page
from graphdb.params import page_limit

_SEP = "|"


class AlertNotFound(GraphError, LookupError):
    """No alert of that id in a readable state."""


class AlertDecided(GraphError, ValueError):
    """The alert has a decision already; decisions are kept for the record, not replaced."""


class Decision(StrEnum):
    """What a map editor decided about an alert."""

    ACCEPT = "accept"
    REJECT = "reject"


@dataclass(frozen=True, slots=True)
class AlertDecision:
    """A decision on an alert; ``by`` names the API key (or user) that made it."""

    decision: Decision
    comment: str | None
    by: str
    at: datetime


@dataclass(frozen=True, slots=True)
class AlertRecord:
    """A stored alert with its area, when it was recorded, and the decision on it if any."""

    alert: Alert
    area: str
    created_at: datetime
    decision: AlertDecision | None

    @property
    def position(self) -> str:
        """This alert's place in the feed: pass it as ``after`` to read the alerts after it."""
        return f"{self.created_at.isoformat()}{_SEP}{self.alert.id}"


class AlertBook:
    """Reads the alert feed and records decisions."""

    def __init__(self, client: GraphClient) -> None:
        self._client = client

    def feed(
        self,
        *,
        area: str | None = None,
        since: datetime | None = None,
        min_severity: Severity = Severity.LOW,
        after: str | None = None,
        limit: int = 100,
    ) -> Page[AlertRecord]:
        """Alerts newest first; pass a page's ``next_after`` back to get the next page.

        A naive ``since`` is taken as UTC.
        """
        after_at, after_id = _keyset(after)
        size = page_limit(limit)
        params = {
            "area": area,
            "since": _aware(since) if since is not None else None,
            "min_rank": int(min_severity),
            "readable": list(READABLE),
            "after_at": after_at,
            "after_id": after_id,
            "limit": size,
        }
        items = [_record(r) for r in self._client.fetch(queries.load("alert_list"), params)]
        if len(items) < size:
            return Page(items, None)
        return Page(items, items[-1].position)

    def get(self, ids: Sequence[str]) -> list[AlertRecord]:
        """Alerts by id (missing or invisible ones are skipped)."""
        params = {"ids": list(ids), "readable": list(HISTORIC)}
        return [_record(r) for r in self._client.fetch(queries.load("alert_get"), params)]

    def decide(
        self, alert_id: str, decision: Decision, *, by: str, comment: str | None = None
    ) -> AlertRecord:
        """Record a decision on an alert (``AlertNotFound``, ``AlertDecided``)."""
        if not by:
            raise InvalidQuery("a decision needs the name of who made it")
        if not self.get([alert_id]):
            raise AlertNotFound(f"no alert {alert_id!r}; list alerts to see their ids")
        params = {"id": alert_id, "decision": decision.value, "comment": comment, "by": by}
        rows = self._client.write(lambda tx: tx.run(queries.load("alert_decide"), params).data())
        if not rows:
            raise AlertDecided(
                f"alert {alert_id!r} has a decision already; decisions are kept for the record"
            )
        return self.get([alert_id])[0]


def _keyset(after: str | None) -> tuple[datetime | None, str]:
    if not after:
        return None, ""
    at, sep, alert_id = after.partition(_SEP)
    try:
        when = datetime.fromisoformat(at)
    except ValueError:
        when = None
    if not sep or not alert_id or when is None:
        raise InvalidQuery(f"{after!r} is not a page position of the alert feed")
    return _aware(when), alert_id


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _record(row: dict[str, Any]) -> AlertRecord:
    a = row["alert"]
    decision = None
    if a.get("decision") is not None:
        decision = AlertDecision(
            decision=Decision(a["decision"]),
            comment=a.get("decision_comment"),
            by=a["decided_by"],
            at=a["decided_at"].to_native(),
        )
    return AlertRecord(
        alert=to_alert(row),
        area=row["area"],
        created_at=a["created_at"].to_native(),
        decision=decision,
    )
