"""The GraphQL schema: the domains' query, mutation and subscription types merged into one.

``python -m api.schema > schema.graphql`` rewrites the committed SDL export.

Limits run before validation and execution: the token count while parsing, then depth,
fragments, expanded selections and estimated cost in one linear pass (``api.guard``), then the
alias count; :class:`TranslateErrors` turns every error into a message and a code once, for
every operation, with nothing of a traceback reaching a client.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types.execution import ExecutionResult

from api.alerts.mutations import AlertMutations
from api.alerts.queries import AlertQueries
from api.alerts.subscriptions import AlertSubscriptions
from api.diff.queries import DiffQueries
from api.errors import translate
from api.guard import CostGuard, Limits
from api.jobs.mutations import JobMutations
from api.jobs.queries import JobQueries
from api.jobs.subscriptions import JobSubscriptions
from api.objects.queries import ObjectQueries
from api.scalars import SCALARS
from api.settings import ApiSettings
from api.states.mutations import StateMutations
from api.states.queries import StateQueries

Query = merge_types("Query", (ObjectQueries, StateQueries, DiffQueries, AlertQueries, JobQueries))
Mutation = merge_types("Mutation", (JobMutations, AlertMutations, StateMutations))
Subscription = merge_types("Subscription", (AlertSubscriptions, JobSubscriptions))


class TranslateErrors(SchemaExtension):
    """Every error of a result (or of a streamed subscription event) as clients may see it."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if isinstance(result, GraphQLExecutionResult | ExecutionResult) and result.errors:
            result.errors = [translate(e) for e in result.errors]

    def on_stream_result(self, result: Any) -> Iterator[None]:
        if getattr(result, "errors", None):
            result.errors = [translate(e) for e in result.errors]
        yield None


class ApiSchema(strawberry.Schema):
    """The schema; errors are logged where they are translated, not again here."""

    def process_errors(self, errors: Any, execution_context: Any = None) -> None:
        """Expected errors are the clients' business; unexpected ones are logged by translate."""


def build_schema(settings: ApiSettings) -> ApiSchema:
    """The schema with the limits of ``settings``."""
    return _schema(
        [
            lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
            lambda: CostGuard(limits=limits_of(settings)),
            lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
            TranslateErrors,
        ]
    )


def limits_of(settings: ApiSettings) -> Limits:
    """The operation limits ``settings`` configure."""
    return Limits(
        max_depth=settings.max_depth,
        max_fragments=settings.max_fragments,
        max_selections=settings.max_selections,
        max_cost=settings.max_cost,
        default_list_size=settings.default_page_size,
    )


def schema_sdl() -> str:
    """The schema in SDL, as committed in ``schema.graphql`` (limits do not change it)."""
    return _schema([]).as_str() + "\n"


def _schema(extensions: list[Any]) -> ApiSchema:
    return ApiSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        config=StrawberryConfig(scalar_map=SCALARS),
    )


if __name__ == "__main__":
    print(schema_sdl(), end="")
