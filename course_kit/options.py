"""Command-line options generated from a config dataclass, and the inverse.

A config dataclass is the one place an option's name, type and default live
(DESIGN: "Options come from the config dataclasses"). :class:`Options` turns
its fields into argparse flags (``video_batch`` -> ``--video-batch``, the type
from the annotation, the default from the field) and turns a config back into
the flags that rebuild it, which is how a model card writes its reproduce line.
A small table per command adds what a dataclass cannot say: help text,
choices, and a flag spelled otherwise than the field (``n_frames`` ->
``--frames``).

Booleans: ``--name`` / ``--no-name`` (argparse.BooleanOptionalAction), unless
the table names a ``flag``; that one switch sets the opposite of the default
(``conditional`` -> ``--unconditional``). Lists (``list[str]``) are written
comma-separated. A field whose value is None has no spelling: it is its default.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import types
import typing
from typing import Any

__all__ = ["Options", "flag_name"]

_TABLE_KEYS = {"flag", "help", "choices", "type"}


def flag_name(field_name: str) -> str:
    """``video_batch`` -> ``--video-batch``."""
    return "--" + field_name.replace("_", "-")


def _comma_list(text: str) -> list[str] | None:
    return text.split(",") if text else None


@dataclasses.dataclass(frozen=True)
class _Option:
    name: str        # the dataclass field
    dest: str        # its attribute on argparse's namespace
    flag: str
    default: Any
    kind: str        # "bool" (--x/--no-x), "switch" (one flag: not the default), "list", "value"
    type: Any = None
    help: str | None = None
    choices: tuple | None = None


def _value_type(hint) -> tuple[str, Any]:
    """The kind and argparse type of a field annotated ``hint`` (``X | None`` counts as X)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            hint = args[0]
    if hint is bool:
        return "bool", None
    if typing.get_origin(hint) is list and typing.get_args(hint) == (str,):
        return "list", _comma_list
    if hint in (int, float, str):
        return "value", hint
    raise TypeError(f"Options: no command-line form for a field of type {hint!r}; skip it or give a `type`")


class Options:
    """The command-line options of some fields of the dataclass ``cls``.

    ``table`` maps a field name to any of ``flag``, ``help``, ``choices``, ``type``.
    ``only`` lists the fields to expose, in that order (default: every field, in
    the dataclass's order, less ``skip``). ``prefix`` keeps their argparse
    destinations apart from another Options' on the same parser.
    """

    def __init__(self, cls, table: dict[str, dict] | None = None, *, only: tuple[str, ...] | None = None,
                 skip: tuple[str, ...] = (), prefix: str = ""):
        table = dict(table or {})
        by_name = {f.name: f for f in dataclasses.fields(cls)}
        names = list(only) if only is not None else [n for n in by_name if n not in skip]
        unknown = sorted((set(table) | set(names) | set(skip)) - set(by_name))
        if unknown:
            raise ValueError(f"Options: {cls.__name__} has no field(s) {unknown}")
        unused = sorted(set(table) - set(names))
        if unused:
            raise ValueError(f"Options: the table describes {unused}, which are not exposed")
        hints = typing.get_type_hints(cls)
        defaults = cls()
        self.cls = cls
        self.options: list[_Option] = []
        for name in names:
            spec = table.get(name, {})
            bad = sorted(set(spec) - _TABLE_KEYS)
            if bad:
                raise ValueError(f"Options: {name!r} has unknown key(s) {bad}; use {sorted(_TABLE_KEYS)}")
            kind, kind_type = _value_type(hints[name]) if "type" not in spec else ("value", spec["type"])
            default = getattr(defaults, name)
            if kind == "bool" and "flag" in spec:
                kind = "switch"
            choices = tuple(spec["choices"]) if "choices" in spec else None
            self.options.append(_Option(name=name, dest=prefix + name, flag=spec.get("flag", flag_name(name)),
                                        default=default, kind=kind, type=kind_type, help=spec.get("help"),
                                        choices=choices))

    def subset(self, names: tuple[str, ...]) -> "Options":
        """The same options, only ``names`` (in that order): another command exposing some of these flags."""
        by_name = {o.name: o for o in self.options}
        unknown = sorted(set(names) - set(by_name))
        if unknown:
            raise ValueError(f"Options.subset: {self.cls.__name__}'s options have no {unknown}")
        part = copy.copy(self)
        part.options = [by_name[n] for n in names]
        return part

    @property
    def names(self) -> list[str]:
        return [o.name for o in self.options]

    def add_to(self, parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
        """Add one flag per option to ``parser`` (its default shown in the help)."""
        for o in self.options:
            text = o.help or ""
            if o.kind != "switch" and o.default is not None and "default" not in text:
                text = f"{text} (default: {','.join(o.default) if o.kind == 'list' else o.default})".strip()
            if o.kind == "bool":
                parser.add_argument(o.flag, dest=o.dest, action=argparse.BooleanOptionalAction,
                                    default=o.default, help=text)
            elif o.kind == "switch":
                parser.add_argument(o.flag, dest=o.dest, action="store_false" if o.default else "store_true",
                                    help=text)
            else:
                metavar = None if o.choices else o.flag[2:].upper().replace("-", "_")
                parser.add_argument(o.flag, dest=o.dest, type=o.type, default=o.default, choices=o.choices,
                                    metavar=metavar, help=text)
        return parser

    def values(self, args: argparse.Namespace) -> dict[str, Any]:
        """Field name -> value, from what ``parser.parse_args`` returned."""
        return {o.name: getattr(args, o.dest) for o in self.options}

    def argv(self, config, *, always: tuple[str, ...] = (), never: tuple[str, ...] = ()) -> list[str]:
        """The flags that rebuild ``config`` (a dataclass instance or a dict of its fields).

        A value equal to its default is left out unless its field is in ``always``;
        fields in ``never`` (and values of None) are left out. Missing keys count as defaults.
        """
        if dataclasses.is_dataclass(config):
            config = dataclasses.asdict(config)
        out: list[str] = []
        for o in self.options:
            value = config.get(o.name, o.default)
            if o.name in never or value is None or (value == o.default and o.name not in always):
                continue
            if o.kind == "bool":
                out.append(o.flag if value else "--no-" + o.flag[2:])
            elif o.kind == "switch":
                if value != o.default:
                    out.append(o.flag)
            elif o.kind == "list":
                out += [o.flag, ",".join(value)]
            else:
                out += [o.flag, str(value)]
        return out
