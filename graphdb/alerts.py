"""The alert feed across states, and editors' decisions on alerts.

:meth:`~graphdb.diff.ChangeDetector.alerts` lists the alerts of one new state; a map editor's
feed asks across states instead: most severe first, then newest, filtered by area, new state,
scale, time, severity and decision. Its keyset is (severity, time, id), so a page continues
exactly where the last one stopped whatever severities the pages mix. A decision (accept or
reject, with a comment and who made it) is kept on the alert for the record and cannot be
overwritten: the second decision on one alert is refused. Re-recording a diff
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
from graphdb.params import page_limit, scale_params

_SEP = "|"


class AlertNotFound(GraphError, LookupError):
    """No alert of that id in a readable state."""


class AlertDecided(GraphError, ValueError):
    """The alert has a decision already; decisions are kept for the record, not replaced."""


class Decision(StrEnum):
    """What a map editor decided about an alert."""

    ACCEPT = "accept"
    REJECT = "reject"


class DecisionFilter(StrEnum):
    """Which alerts of the feed to keep by their decision."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    UNDECIDED = "undecided"


_DECIDED = {DecisionFilter.ACCEPTED: Decision.ACCEPT, DecisionFilter.REJECTED: Decision.REJECT}


@dataclass(frozen=True, slots=True)
class FeedFilter:
    """What the feed selects; every field is optional. A naive ``since`` is taken as UTC;
    ``state`` names the newer state of the diff (the one the alerts are about)."""

    area: str | None = None
    state: str | None = None
    scale: int | None = None
    since: datetime | None = None
    min_severity: Severity = Severity.LOW
    decision: DecisionFilter | None = None

    def params(self) -> dict[str, Any]:
        """The ``$parameters`` of ``alert_filter.cypher``."""
        decided = _DECIDED.get(self.decision) if self.decision is not None else None
        return {
            "area": self.area,
            "state": self.state,
            **scale_params(self.scale),
            "since": _aware(self.since) if self.since is not None else None,
            "min_rank": int(self.min_severity),
            "decision": decided.value if decided is not None else None,
            "undecided": self.decision is DecisionFilter.UNDECIDED,
            "readable": list(READABLE),
        }


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
        """This alert's place in the feed (severity, time, id): pass it as ``after`` to read the
        alerts after it."""
        rank = int(self.alert.severity)
        return f"{rank}{_SEP}{self.created_at.isoformat()}{_SEP}{self.alert.id}"


class AlertBook:
    """Reads the alert feed and records decisions."""

    def __init__(self, client: GraphClient) -> None:
        self._client = client

    def feed(
        self, where: FeedFilter | None = None, *, after: str | None = None, limit: int = 100
    ) -> Page[AlertRecord]:
        """Alerts most severe first, then newest; pass a page's ``next_after`` back to get the
        next page."""
        after_rank, after_at, after_id = _keyset(after)
        size = page_limit(limit)
        params = {
            **(where or FeedFilter()).params(),
            "after_rank": after_rank,
            "after_at": after_at,
            "after_id": after_id,
            "limit": size,
        }
        query = queries.load("alert_filter") + queries.load("alert_list")
        items = [_record(r) for r in self._client.fetch(query, params)]
        if len(items) < size:
            return Page(items, None)
        return Page(items, items[-1].position)

    def count(self, where: FeedFilter | None = None) -> int:
        """How many alerts the feed selects (every page together)."""
        query = queries.load("alert_filter") + queries.load("alert_count")
        rows = self._client.fetch(query, (where or FeedFilter()).params())
        return int(rows[0]["total"])

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


def _keyset(after: str | None) -> tuple[int, datetime | None, str]:
    """The (severity rank, time, id) of a feed position (no position: before the first)."""
    if not after:
        return 0, None, ""
    parts = after.split(_SEP, 2)
    try:
        rank, when, alert_id = Severity(int(parts[0])), datetime.fromisoformat(parts[1]), parts[2]
    except (ValueError, IndexError) as exc:
        raise InvalidQuery(f"{after!r} is not a page position of the alert feed") from exc
    if not alert_id:
        raise InvalidQuery(f"{after!r} is not a page position of the alert feed")
    return int(rank), _aware(when), alert_id


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
