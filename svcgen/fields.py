"""marshmallow fields with svcgen's strictness and error sentences.

Numbers are numbers and strings are strings (DESIGN section 2): ``port: "80"`` is
rejected, not converted, and a YAML ``yes`` where a string belongs is rejected
with a hint to quote it. Each field's errors are sentences a person can act on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping

from marshmallow import ValidationError, fields, validate

from .errors import json_type, shown

_QUOTE_HINT = (
    "must be a string; in YAML quote values that look like numbers, booleans or null "
    '(write "yes", "0123", "6.10")'
)


def _not_a_string(value: object) -> str:
    """Why ``value`` is not a string, as the end of a message: a number, boolean or
    null is told to be quoted (YAML reads ``yes`` and ``6.10`` as such); a list or
    mapping is named."""
    if isinstance(value, list | Mapping):
        return f"must be a string, not {json_type(value)}"
    return _QUOTE_HINT


Check = Callable[[str], list[str]]

_TOO_LONG = "must be no more than {max} characters"


class Str(fields.String):
    """A string that must arrive as a string; ``check`` returns the problems of a value."""

    default_error_messages = {
        "invalid": "{why}",
        "required": "is required",
        "null": "may not be null",
    }

    def __init__(self, *args, check: Check | None = None, max_length: int | None = None, **kwargs):
        if max_length is not None:  # a validator too, so that the JSON Schema says maxLength
            given = kwargs.get("validate")
            given = [] if given is None else [given] if callable(given) else list(given)
            too_long = _TOO_LONG.format(max=max_length)
            kwargs["validate"] = [*given, validate.Length(max=max_length, error=too_long)]
        super().__init__(*args, **kwargs)
        self.check = check
        self.max_length = max_length

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            choices = next((v for v in self.validators if isinstance(v, validate.OneOf)), None)
            if choices is not None:  # quoting would not help: name the words it takes
                words = choices.error.format(
                    choices=choices.choices_text, labels=choices.labels_text, input=value
                )
                raise ValidationError(f"{words}, not {_given(value)}")
            raise self.make_error("invalid", why=_not_a_string(value))
        if self.max_length is not None and len(value) > self.max_length:
            # before ``check``, whose messages quote the value
            raise ValidationError(_TOO_LONG.format(max=self.max_length))
        if self.check:
            problems = self.check(value)
            if problems:
                raise ValidationError([f"{shown(value)} {p}" for p in problems])
        return value


#: A whole number written as text, e.g. ``"8080"``, ``" -1 "`` or ``"08080"`` (which YAML
#: 1.1 readers, PyYAML's and Helm's, leave a string: a leading zero is octal there).
_WHOLE_NUMBER_TEXT = re.compile(r"\s*(?P<sign>[-+]?)(?P<zeros>0*)(?P<digits>[0-9]+)\s*")


def _given(value: object) -> str:
    """What a wrong-typed value was, for the end of a message: a boolean or a
    fractional number written as in JSON (``true``, ``2.5``), else its type
    (:func:`~svcgen.errors.json_type`)."""
    if isinstance(value, bool | float):
        return json.dumps(value)
    return json_type(value)


def _quoted(value: str) -> str:
    """A short text as JSON writes it, for a message: ``"8080"``."""
    return json.dumps(value) if len(value) <= 20 else shown(value)


class Int(fields.Integer):
    """A whole number that must arrive as a JSON/YAML number (never a string or boolean).

    The message says what came instead: a number in quotes is told to drop them and
    shown written right (``80, not "80"``; with leading zeros, which YAML 1.1 reads as
    octal, to drop those too), anything else is named (``2.5``, ``true``, ``a list``).
    """

    default_error_messages = {
        "invalid": "must be a whole number, not {given}",
        "quoted": "must be a whole number, written without quotes ({number}, not {given})",
        "quoted_long": "must be a whole number, written without quotes",
        "zeros": (
            "must be a whole number, written without quotes or leading zeros "
            "({number}, not {given})"
        ),
        "required": "is required",
        "null": "may not be null",
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("strict", True)
        super().__init__(*args, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = _WHOLE_NUMBER_TEXT.fullmatch(value) if isinstance(value, str) else None
        if text is not None:
            digits = text["digits"]
            if len(digits) > 20:  # too long to show back whole
                raise self.make_error("quoted_long")
            number = text["sign"].replace("+", "") + digits
            key = "zeros" if text["zeros"] else "quoted"
            raise self.make_error(key, number=number, given=_quoted(value))
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid", given=_given(value))
        return super()._deserialize(value, attr, data, **kwargs)


class Bool(fields.Boolean):
    """``true`` or ``false``, never a string such as ``"yes"`` or a number such as ``1``."""

    default_error_messages = {
        "invalid": "must be true or false, not {given}",
        "quoted": "must be true or false, written without quotes ({word}, not {given})",
        "null": "may not be null",
    }

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            raise self.make_error("quoted", word=value.strip().lower(), given=_quoted(value))
        if not isinstance(value, bool):
            raise self.make_error("invalid", given=_given(value))
        return value


class StrList(fields.List):
    """A list of strings, each checked by ``check`` and at most ``max_item_length``
    characters long; errors keyed by index."""

    default_error_messages = {"invalid": "must be a list of strings", "null": "may not be null"}

    def __init__(self, check: Check | None = None, *, max_item_length: int | None = None, **kwargs):
        super().__init__(Str(check=check, max_length=max_item_length), **kwargs)


class Nested(fields.Nested):
    """A nested mapping whose type error says what was expected."""

    default_error_messages = {
        "type": "must be a mapping of fields (a JSON object / YAML map)",
        "required": "is required",
        "null": "may not be null",
    }


class NestedList(fields.List):
    """A list of nested mappings."""

    default_error_messages = {
        "invalid": "must be a list",
        "null": "may not be null",
        "required": "is required",
    }

    def __init__(self, schema, **kwargs):
        super().__init__(Nested(schema), **kwargs)


class StrMap(fields.Field):
    """A mapping of string to string; keys checked by ``key_check`` and values by
    ``value_check``, at most ``max_entries`` entries and ``max_value_length``
    characters per value. Errors are keyed by the offending map key, so their path
    ends at it (``components.0.env.LOG LEVEL``); too many entries is an error of the
    map itself."""

    default_error_messages = {
        "invalid": "must be a mapping of names to string values",
        "null": "may not be null",
    }

    def __init__(
        self,
        key_check: Check | None = None,
        value_check: Check | None = None,
        *,
        allow_numbers: bool = False,
        max_entries: int | None = None,
        max_value_length: int | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.key_check = key_check
        self.value_check = value_check
        self.allow_numbers = allow_numbers
        self.max_entries = max_entries
        self.max_value_length = max_value_length

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, Mapping):
            raise self.make_error("invalid")
        if self.max_entries is not None and len(value) > self.max_entries:
            raise ValidationError(
                f"has {len(value)} entries; at most {self.max_entries} are allowed"
            )
        errors: dict = {}
        for key, item in value.items():
            problems = []
            if not isinstance(key, str):
                spelled = (
                    json.dumps(key)
                    if isinstance(key, bool | int | float | type(None))
                    else repr(key)
                )
                problems.append(f"the name {spelled} must be a string; quote it in YAML")
            elif self.key_check:
                problems += [f"the name {shown(key)} {p}" for p in self.key_check(key)]
            is_number = isinstance(item, int | float) and not isinstance(item, bool)
            if self.allow_numbers and is_number:
                item = str(item)
            elif not isinstance(item, str):
                problems.append(f"the value {_not_a_string(item)}")
            if (
                isinstance(item, str)
                and self.max_value_length is not None
                and len(item) > self.max_value_length
            ):
                problems.append(
                    f"the value is {len(item)} characters long; "
                    + _TOO_LONG.format(max=self.max_value_length)
                )
            elif isinstance(item, str) and self.value_check:
                problems += [f"the value {shown(item)} {p}" for p in self.value_check(item)]
            if problems:
                errors[key] = problems
        if errors:
            raise ValidationError(errors)
        return dict(value)
