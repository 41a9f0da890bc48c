"""Tracker rows as JSON: any dataclass (with nested dataclasses, lists and optionals) to a dict and back.

The store keeps whatever rows the tracker builders return, per document, without knowing their classes;
the engine names the class when it reads them back.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, TypeVar

T = TypeVar("T")


def dump(row: Any) -> dict[str, Any]:
    return dataclasses.asdict(row)


def load(cls: type[T], data: dict[str, Any]) -> T:
    return typing.cast(T, _value(cls, data))


def _value(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        return _value(options[0], value) if len(options) == 1 else value
    if origin in (list, tuple, set):
        args = typing.get_args(tp)
        items = [_value(args[0], v) for v in value] if args else list(value)
        return origin(items) if origin is not list else items
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        hints = typing.get_type_hints(tp)
        fields = {f.name for f in dataclasses.fields(tp) if f.init}
        return tp(**{k: _value(hints.get(k, Any), v) for k, v in value.items() if k in fields})
    return value
