from collections.abc import Callable, Sequence
from typing import Any, TypedDict

from django.http import HttpRequest

_Rate = str | tuple[int, int]

class Usage(TypedDict):
    count: int
    limit: int
    should_limit: bool
    time_left: int

def get_usage(
    request: HttpRequest,
    group: str | None = None,
    fn: Callable[..., Any] | None = None,
    key: str | Callable[[str, HttpRequest], str] | None = None,
    rate: _Rate | Callable[[str, HttpRequest], _Rate | None] | None = None,
    method: str | Sequence[str] | None = ...,
    increment: bool = False,
) -> Usage | None: ...
