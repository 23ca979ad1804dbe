"""Configuration files described by schema, behind one line-tracking loader.

Every YAML file casekit reads as configuration (``manifest.yaml``, ``codebook.yaml``,
``competency.yaml``, ``code_frame.yaml``, standalone codebooks, course outlines) declares its
keys once, as a pydantic model deriving from :class:`Schema` (``extra="forbid"``), next to the
code that reads it. :func:`load_config` parses the YAML with casekit's strict loader, keeps the
line of every key and list item, validates the schema and turns every pydantic error into a
:class:`~casekit.exceptions.Problem` -- all of them at once: the file, the line of the offending
key or item, the key path as column (``regions[0].nmae``), what was expected in words and what
was found. An unknown key gets the closest known key as a suggestion::

    manifest.yaml, row 7, column 'regions[0].nmae': expected one of the keys id, name, cities,
    found "unknown key 'nmae' (did you mean 'name'?)"

A schema declares the shape of a file: its keys, which values are mappings or lists of further
mappings. A value of the wrong shape (a list where a mapping belongs) is left as found for the
reader, which reports it in its own words; so are values whose meaning depends on other files
(region names, populations, scale names). What the readers find goes into a
:class:`ProblemLog`, the one collector of problems located by YAML path.
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError, WrapValidator, model_validator

from casekit.exceptions import Problem
from casekit.intake._files import MISSING, YamlLines, line_of, load_yaml, read_text
from casekit.language import language, tr

__all__ = [
    "ConfigFile",
    "Each",
    "Keyed",
    "ProblemLog",
    "Schema",
    "key_path",
    "load_config",
    "read_config",
    "schema_problems",
    "show_found",
    "suggest_key",
    "unknown_key",
]


class Schema(BaseModel):
    """Base of every configuration schema: unknown keys are problems.

    A value that is not a mapping where the schema expects one passes through unchanged (the
    reader says what it expected there in its own words); a mapping is checked key by key.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    @model_validator(mode="wrap")
    @classmethod
    def _mappings_only(cls, value: Any, handler: Callable[[Any], Any]) -> Any:
        return handler(value) if isinstance(value, Mapping) else value


def _list_only(value: Any, handler: Callable[[Any], Any]) -> Any:
    return handler(value) if isinstance(value, list) else value


def _mapping_only(value: Any, handler: Callable[[Any], Any]) -> Any:
    return handler(value) if isinstance(value, Mapping) else value


T = typing.TypeVar("T")
#: A list of ``T`` (each item checked); any other value is left for the reader.
Each = Annotated[list[T], WrapValidator(_list_only)]
#: A mapping of free keys (ids, populations, region names) to ``T``; any other value is left.
Keyed = Annotated[dict[Any, T], WrapValidator(_mapping_only)]


def show_found(found: Any) -> str:
    """Return ``found`` as :attr:`Problem.found` shows it (``<missing>`` for None or "")."""
    return MISSING if found is None or found == "" else str(found)


@dataclass
class ProblemLog:
    """The problems of one YAML file, each located by its path in the YAML tree.

    Parameters
    ----------
    file : str
        File name used in problems.
    lines : dict
        Key path → line, as returned by :func:`load_config`.
    problems : list of Problem
        Where problems are appended (a new list by default).
    show : callable
        How a found value is written (:func:`show_found` by default).

    Calling the log is :meth:`add`, so it can be passed where a ``p(path, column, expected,
    found)`` reporter is expected.
    """

    file: str
    lines: YamlLines
    problems: list[Problem] = field(default_factory=list)
    show: Callable[[Any], str] = show_found

    def add(self, path: tuple[Any, ...], column: str | None, expected: str, found: Any) -> None:
        """Record a problem at YAML ``path`` (the line of the nearest known key or item)."""
        self.problems.append(Problem(self.file, self.line(*path), column, expected, self.show(found)))

    __call__ = add

    def line(self, *path: Any) -> int | None:
        """Return the line of ``path`` (or of its nearest known parent)."""
        return line_of(self.lines, *path)

    def __len__(self) -> int:
        return len(self.problems)


@dataclass(frozen=True)
class ConfigFile:
    """What :func:`load_config` read.

    Attributes
    ----------
    data : object or None
        The parsed document, as plain YAML values; None when the file is missing, unreadable
        or does not parse (then ``problems`` say why).
    lines : dict
        Key path → 1-based line.
    problems : list of Problem
        Parse problems, or else every schema problem (unknown keys …).
    file : str
        File name used in problems.
    """

    data: Any
    lines: YamlLines
    problems: list[Problem]
    file: str = ""

    def log(self, show: Callable[[Any], str] = show_found) -> ProblemLog:
        """Return a :class:`ProblemLog` for this file that continues :attr:`problems`."""
        return ProblemLog(self.file, self.lines, list(self.problems), show)


def key_path(loc: tuple[Any, ...]) -> str:
    """Return a YAML path as text: ``("regions", 0, "nmae")`` → ``regions[0].nmae``."""
    out = ""
    for step in loc:
        if isinstance(step, int):
            out += f"[{step}]"
        else:
            out += ("." if out else "") + str(step)
    return out


def suggest_key(key: str, known: typing.Iterable[str]) -> str | None:
    """Return the known key closest to a misspelt ``key`` (difflib), or None."""
    close = difflib.get_close_matches(str(key), list(known), n=1, cutoff=0.6)
    return close[0] if close else None


def unknown_key(key: Any, known: typing.Sequence[str]) -> tuple[str, str]:
    """Return ``(expected, found)`` of the problem "unknown key", with a suggestion."""
    guess = suggest_key(str(key), known)
    found = tr(f"不认识的键「{key}」" + (f"（是不是 {guess}？）" if guess else ""),
               f"unknown key {str(key)!r}" + (f" (did you mean {guess!r}?)" if guess else ""))
    return tr(f"以下键之一：{'、'.join(known)}", f"one of the keys {', '.join(known)}"), found


def _models_in(annotation: Any) -> list[type[Schema]]:
    """The schema classes inside a field's annotation (``Each[Region]`` → ``[Region]``)."""
    if isinstance(annotation, type) and issubclass(annotation, Schema):
        return [annotation]
    out: list[type[Schema]] = []
    for arg in typing.get_args(annotation):
        out.extend(m for m in _models_in(arg) if m not in out)
    return out


def _schema_at(root: Any, loc: tuple[Any, ...]) -> list[type[Schema]]:
    """The schema classes that may describe the mapping at ``loc`` under ``root``."""
    current = _models_in(root)
    for step in loc:
        inner = [m for model in current if isinstance(step, str) and step in model.model_fields
                 for m in _models_in(model.model_fields[step].annotation)]
        if inner:
            current = inner
        # else: a list index or a free key (Each / Keyed): the items have the same schema
    return current


#: pydantic's error types → what was expected, in Chinese (``ctx`` fills the braces).
_EXPECTED_ZH = {
    "int_type": "整数", "int_parsing": "整数", "int_from_float": "整数", "float_type": "数字",
    "float_parsing": "数字", "string_type": "文本", "bool_type": "true 或 false", "bool_parsing": "true 或 false",
    "list_type": "列表", "dict_type": "映射（键: 值）", "model_type": "映射（键: 值）", "mapping_type": "映射（键: 值）",
    "greater_than": "大于 {gt} 的数", "greater_than_equal": "不小于 {ge} 的数", "less_than": "小于 {lt} 的数",
    "less_than_equal": "不大于 {le} 的数", "literal_error": "以下之一：{expected}", "string_too_short": "非空的文本",
    "too_short": "至少 {min_length} 项", "too_long": "最多 {max_length} 项", "none_required": "空值",
}


def _expected_in_words(error: Mapping[str, Any]) -> str:
    if error["type"] == "missing":
        return tr("这个键（必填）", "this key (required)")
    if language() == "zh" and error["type"] in _EXPECTED_ZH:
        try:
            return _EXPECTED_ZH[error["type"]].format(**error.get("ctx", {}))
        except (KeyError, IndexError):
            pass
    message = str(error.get("msg", ""))
    for prefix in ("Input should be ", "Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            message = message[len(prefix):]
    return message[:1].lower() + message[1:]


def _errors(schema: Any, data: Any) -> Iterator[Mapping[str, Any]]:
    try:
        TypeAdapter(schema).validate_python(data)
    except ValidationError as exc:
        yield from exc.errors(include_url=False)


def schema_problems(data: Any, lines: YamlLines, rel: str, schema: Any,
                    place: Callable[[tuple[Any, ...]], str] = key_path) -> list[Problem]:
    """Validate parsed YAML against ``schema`` and return every problem, in file order.

    Parameters
    ----------
    data : object
        The parsed YAML document.
    lines : dict
        Key path → line (:func:`load_config`).
    rel : str
        File name used in problems.
    schema : type
        A :class:`Schema` subclass, or a type built from them (``Keyed[Keyed[Level]]``).
    place : callable
        YAML path → ``Problem.column``; :func:`key_path` by default. A file whose other
        problems name places their own way passes its namer (the code frame names a code by its
        id, ``codes[price].rulez``), so one file's problems name places alike.

    Returns
    -------
    list of Problem
        ``column`` is the key path (``regions[0].nmae``); an unknown key's ``found`` says
        ``unknown key 'nmae' (did you mean 'name'?)``.
    """
    problems: list[Problem] = []
    for error in _errors(schema, data):
        loc = tuple(error["loc"])
        if error["type"] in ("extra_forbidden", "invalid_key"):
            parent = loc[:-1]
            known = [k for model in _schema_at(schema, parent) for k in model.model_fields]
            expected, found = unknown_key(loc[-1], list(dict.fromkeys(known)))
            problems.append(Problem(rel, line_of(lines, *loc), place(loc), expected, found))
            continue
        found = MISSING if error["type"] == "missing" else show_found(error.get("input"))
        problems.append(Problem(rel, line_of(lines, *loc), place(loc), _expected_in_words(error), found))
    problems.sort(key=lambda p: (p.row is None, p.row or 0))
    return problems


def load_config(text: str, rel: str, schema: Any, *, line_offset: int = 0,
                place: Callable[[Any], Callable[[tuple[Any, ...]], str]] | None = None) -> ConfigFile:
    """Parse YAML ``text`` with line tracking and check it against ``schema``.

    The one loader of every configuration file: casekit's strict YAML (no aliases, duplicate
    keys, depth cap; :mod:`casekit.bounded`), the line of every key and list item, and
    the schema's problems, all at once.

    Parameters
    ----------
    text, rel : str
        The YAML document, and the name of its file in problems.
    schema : type
        The file's schema (see :func:`schema_problems`).
    line_offset : int
        Lines before ``text`` in the file (front matter).
    place : callable, optional
        ``place(data)`` returns the file's own namer of places (see :func:`schema_problems`);
        :func:`key_path` by default.

    Returns
    -------
    ConfigFile
        ``data`` None (and the parse problem) when the text does not parse; otherwise the data
        and every schema problem.
    """
    data, lines, problems = load_yaml(text, rel, line_offset)
    if problems:
        return ConfigFile(None, lines, problems, rel)
    namer = place(data) if place is not None else key_path
    return ConfigFile(data, lines, schema_problems(data, lines, rel, schema, namer), rel)


def read_config(path: Path, rel: str, schema: Any, *, mapping_of: str | None = None) -> ConfigFile:
    """Read a configuration file with the bounded reader, then :func:`load_config`.

    Parameters
    ----------
    path : Path
        The file.
    rel : str
        Its name in problems (relative to the bundle).
    schema : type
        The file's schema.
    mapping_of : str, optional
        The file must hold a mapping with these keys (words for the problem when it does not,
        e.g. ``"bundle, client, regions, audiences"``).

    Returns
    -------
    ConfigFile
        ``data`` None with the problem when the file is missing, too large, undecodable, or
        (with ``mapping_of``) not a mapping.
    """
    text, problems = read_text(path, rel)
    if text is None:
        return ConfigFile(None, {}, problems, rel)
    loaded = load_config(text, rel, schema)
    if mapping_of is not None and not loaded.problems and not isinstance(loaded.data, dict):
        return ConfigFile(None, loaded.lines, [Problem(rel, 1, None, tr(f"含 {mapping_of} 等键的 YAML 映射",
                                                                        f"a YAML mapping with keys {mapping_of}"),
                                                       type(loaded.data).__name__)], rel)
    return loaded
