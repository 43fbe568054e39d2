"""What the API accepts, for every endpoint at once: input serializers that refuse what
they would otherwise ignore or coerce, and the JSON parser that refuses NUL characters.

A client that sends a field we do not read, a field it may only read, or a number where
text belongs has made a mistake it should hear about: silently dropping `{"status":
"published"}` or storing `"comment": 123` as "123" hides it. NUL characters cannot be
stored by PostgreSQL at all; refused at the parser, none reaches a query.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import exceptions, parsers, relations, serializers

NUL = "\x00"


def contains_nul(value: Any) -> bool:
    """Is there a NUL character in this parsed JSON value (its keys included)?"""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, Mapping):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(contains_nul(item) for item in value)
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing a body with a NUL character anywhere in its strings."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if contains_nul(data):
            raise exceptions.ParseError(
                "The body contains a NUL character (\\u0000), which no field accepts."
            )
        return data


# The JSON types a field's value must have. DRF coerces (123 becomes "123", "5" becomes
# 5, "yes" becomes True); a strict API refuses instead. Checked in order: subclasses first.
_EXPECTED: tuple[tuple[type, tuple[type, ...], str], ...] = (
    (serializers.BooleanField, (bool,), "true or false"),
    (serializers.IntegerField, (int,), "an integer"),
    (serializers.FloatField, (int, float), "a number"),
    (serializers.DecimalField, (int, float, str), "a number"),
    (serializers.MultipleChoiceField, (list,), "a list"),
    (serializers.ListField, (list,), "a list"),
    (relations.ManyRelatedField, (list,), "a list"),
    (serializers.DictField, (dict,), "an object"),
    (serializers.CharField, (str,), "a string"),
    (serializers.DateTimeField, (str,), "a string (ISO 8601 date and time)"),
    (serializers.DateField, (str,), "a string (ISO 8601 date)"),
    (serializers.TimeField, (str,), "a string (ISO 8601 time)"),
    (serializers.DurationField, (str,), "a string"),
    (relations.SlugRelatedField, (str,), "a string"),
    (relations.PrimaryKeyRelatedField, (int,), "an integer id"),
)


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _expected(field: serializers.Field) -> tuple[tuple[type, ...], str] | None:
    if isinstance(field, serializers.ChoiceField) and not isinstance(
        field, serializers.MultipleChoiceField
    ):
        kinds = {type(key) for key in field.choices}
        if kinds == {str}:
            return (str,), "a string"
        return None
    for cls, types, words in _EXPECTED:
        if isinstance(field, cls):
            return types, words
    return None


def type_problem(field: serializers.Field, value: Any) -> str | None:
    """Why `value` (as parsed from JSON) is not of the type `field` takes, or None."""
    if value is None:
        return None  # the field's own allow_null says whether null is accepted
    expected = _expected(field)
    if expected is None:
        return None
    types, words = expected
    if isinstance(value, bool) and bool not in types:
        return f"Expected {words}, got {_type_name(value)}."
    if not isinstance(value, types):
        return f"Expected {words}, got {_type_name(value)}."
    return None


class StrictInput:
    """A mixin for input serializers: unknown fields, read-only fields and values of the
    wrong JSON type are refused (400, naming each field) instead of ignored or coerced.

    `read_only_fields` names fields of the resource a client reads but cannot write here,
    each with the reason told to a client that sends it.
    """

    read_only_fields: dict[str, str] = {}

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            problems: dict[str, list[str]] = {}
            writable = {name for name, field in self.fields.items() if not field.read_only}
            for name in data:
                if name in writable:
                    problem = type_problem(self.fields[name], data[name])
                elif name in self.read_only_fields:
                    problem = self.read_only_fields[name]
                else:
                    problem = (
                        f'Unknown field "{name}": this request takes '
                        f"{', '.join(sorted(writable)) or 'no fields'}."
                    )
                if problem:
                    problems[str(name)] = [problem]
            if problems:
                raise serializers.ValidationError(problems)
        return super().to_internal_value(data)


class StrictSerializer(StrictInput, serializers.Serializer):
    """The base of every API input serializer (tests/test_api_strict.py sends each
    operation an unknown field, a read-only one and a value of the wrong type)."""


def read_only(fields, **reasons: str) -> dict[str, str]:
    """The read-only reasons of a resource's `fields`: "<name> is read-only." unless a
    reason is given by name."""
    return {name: reasons.get(name, f'"{name}" is read-only.') for name in fields} | reasons
