"""argparse in the language of :mod:`casekit.language`: its own words ("usage:", "options", "the
following arguments are required" …) in Chinese, and help laid out by display width.

argparse counts characters, but a Chinese character takes two columns of a terminal: its help
would run past the terminal's edge and columns would not line up. :class:`HelpFormatter` wraps
and pads by display width (:func:`casekit.cli.terminal_table.cell_width`) and breaks Chinese text
between characters, never before a closing mark such as ``，`` or ``）``. :class:`ArgumentParser`
titles its sections 位置参数 and 选项, says 用法： and 显示帮助并退出, and turns argparse's
error messages into Chinese (``CASEKIT_LANG=en``: argparse's English, unchanged).

Nothing here changes argparse for anyone else: no global gettext domain, no patched module.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NoReturn

from casekit.cli.terminal_table import cell_width
from casekit.language import language, tr

__all__ = ["ArgumentParser", "HelpFormatter", "translate_error", "wrap"]

#: Marks a line does not start with (closing punctuation, Chinese and ASCII).
_NO_LINE_START = frozenset("，。、；：？！）」』》〉】〕”’,.;:?!)]}…%")
#: Marks a line does not end with (opening punctuation).
_NO_LINE_END = frozenset("（「『《〈【〔“‘([{")

#: Wide characters (CJK, full-width forms) and the quotation marks Chinese text uses.
_WIDE = r"\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6“”‘’…"
#: One piece of text for wrapping: a run of spaces; a run of other characters, where a placeholder
#: such as ``<文件名>`` counts as one (``_<文件名>.bak-<时间>`` is not broken); or one wide character.
_PIECE = re.compile(rf"\s+|(?:<[^<>\s]+>|[^\s{_WIDE}])+|[{_WIDE}]")


def _has_wide(text: str) -> bool:
    return cell_width(text) != len(text)


def wrap(text: str, width: int, *, between_characters: bool = True) -> list[str]:
    """Wrap ``text`` into lines of at most ``width`` terminal columns.

    Spaces are collapsed as argparse does. Latin words stay whole (a word longer than a line is
    cut); Chinese text breaks between any two characters, but a line never starts with a closing
    mark (``，``, ``）``, ``、`` …) nor ends with an opening one (``（``, ``「`` …): the character
    before the mark goes down with it, or, after a word too long for that, the mark hangs past the
    width by its own two columns (argparse leaves two columns free at the terminal's edge).

    Parameters
    ----------
    text : str
        The text.
    width : int
        The columns of a line (at least 2).
    between_characters : bool, default True
        Break Chinese text between characters; False breaks only at spaces, as argparse does for
        English help (a run longer than a line is still cut).

    Returns
    -------
    list of str
        The lines (``[]`` for blank text).

    Examples
    --------
    >>> wrap("资料包文件夹（内有 manifest.yaml）", 20)
    ['资料包文件夹（内有', 'manifest.yaml）']
    """
    width = max(width, 2)
    lines: list[list[str]] = []
    line: list[str] = []
    used = 0

    def strip(parts: list[str]) -> list[str]:
        while parts and parts[-1] == " ":
            parts.pop()
        while parts and parts[0] == " ":
            parts.pop(0)
        return parts

    text = " ".join(text.split())
    for piece in _PIECE.findall(text) if between_characters else re.findall(r"\S+| ", text):
        if piece == " ":
            if line:
                line.append(piece)
                used += 1
            continue
        size = cell_width(piece)
        if used + size > width:  # start a new line
            line = strip(line)
            carried: list[str] = []
            if piece[0] in _NO_LINE_START and line:
                # never start a line with a closing mark: the word before goes down with it, or,
                # when the two do not fit on a line, the mark hangs past the end of this one
                k = len(line) - 1
                while k > 0 and (line[k][0] in _NO_LINE_START or line[k] == " "):
                    k -= 1
                if k == 0 or cell_width("".join(line[k:])) + size > width:
                    line.append(piece)
                    used += size
                    continue
                carried, line = line[k:], line[:k]
            while len(strip(line)) > 1 and line[-1][-1] in _NO_LINE_END:  # nor end one with an opening mark
                carried.insert(0, line.pop())
            if strip(line):
                lines.append(line)
            line = strip(carried)
            used = sum(cell_width(p) for p in line)
            while used + size > width:  # what was carried and this piece do not fit together
                if line and line[-1][-1] in _NO_LINE_END:  # keep the opening mark: cut the piece after it
                    head = _cut(piece, width - used)
                    lines.append(line + [head])
                    line, used, piece = [], 0, piece[len(head):]
                elif line:
                    lines.append(line)
                    line, used = [], 0
                else:  # a word longer than a line: cut it
                    head = _cut(piece, width)
                    lines.append([head])
                    piece = piece[len(head):]
                size = cell_width(piece)
        line.append(piece)
        used += size
    if strip(line):
        lines.append(line)
    # no last line of one lone character (with its closing mark): one more comes down with it
    if len(lines) > 1 and cell_width("".join(lines[-1])) <= 4 and lines[-1][0][0] not in _NO_LINE_START \
            and len([p for p in lines[-1] if p[0] not in _NO_LINE_START]) <= 1 \
            and len(lines[-2]) > 2 and cell_width(lines[-2][-1]) == 2 and lines[-2][-1][0] not in _NO_LINE_START \
            and cell_width("".join(lines[-1])) + 2 <= width:
        lines[-1].insert(0, lines[-2].pop())
    return ["".join(parts) for parts in lines]


def _cut(text: str, width: int) -> str:
    """The longest start of ``text`` at most ``width`` columns wide (at least one character)."""
    used = 0
    for i, char in enumerate(text):
        used += cell_width(char)
        if used > width:
            return text[: max(i, 1)]
    return text


#: An option's placeholder in Chinese help when it has no ``metavar`` of its own (``--industry 行业``),
#: by the option's ``dest``; argparse's ``INDUSTRY`` in English.
_METAVARS_ZH = {
    "audience": "培训对象", "bundle": "资料包", "code": "编码", "codebook": "编码簿", "dimensions": "个数",
    "id": "编号", "industry": "行业", "k": "类数", "k_max": "类数", "kind": "种类", "limit": "条数",
    "min_n": "人数", "min_raters": "人数", "minutes": "分钟", "module": "模块", "out": "文件夹",
    "outcome": "结果", "population": "岗位", "product": "产品", "region": "地区", "rules": "规则文件",
    "seed": "种子", "stage": "阶段", "status": "状态", "text": "词语", "title": "标题", "top": "条数",
}


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help layout, measured in terminal columns instead of characters.

    Help text with Chinese is wrapped with :func:`wrap`; the option column is padded by display
    width, so help after a Chinese placeholder (``--client 名称``) lines up with the rest; the
    usage line is wrapped by display width too and starts with 用法： (``usage:`` in English).
    Help without any wide character is laid out exactly as argparse does.
    """

    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                  groups: Iterable[Any], prefix: str | None = None) -> None:
        """As argparse's, with the prefix in the current language."""
        if prefix is None:
            prefix = tr("用法：", "usage: ")
        super().add_usage(usage, actions, groups, prefix)

    def add_argument(self, action: argparse.Action) -> None:
        """As argparse's, with the width of the option column measured in terminal columns."""
        if action.help is not argparse.SUPPRESS:
            invocations = [self._format_action_invocation(action)]
            invocations += [self._format_action_invocation(s) for s in self._iter_indented_subactions(action)]
            length = max(cell_width(i) for i in invocations) + self._current_indent
            self._action_max_length = max(self._action_max_length, length)
            self._add_item(self._format_action, [action])

    def _format_action(self, action: argparse.Action) -> str:
        help_position = min(self._action_max_length + 2, self._max_help_position)
        help_width = max(self._width - help_position, 11)
        action_width = help_position - self._current_indent - 2
        header = self._format_action_invocation(action)
        indent_first = 0
        if not action.help:
            header = " " * self._current_indent + header + "\n"
        elif cell_width(header) <= action_width:
            header = " " * self._current_indent + header + " " * (action_width - cell_width(header)) + "  "
        else:
            header = " " * self._current_indent + header + "\n"
            indent_first = help_position
        parts = [header]
        if action.help and action.help.strip():
            help_text = self._expand_help(action)
            if help_text:
                lines = self._split_lines(help_text, help_width)
                parts.append(" " * indent_first + lines[0] + "\n")
                parts += [" " * help_position + line + "\n" for line in lines[1:]]
        elif not header.endswith("\n"):
            parts.append("\n")
        parts += [self._format_action(s) for s in self._iter_indented_subactions(action)]
        return self._join_parts(parts)

    def _get_default_metavar_for_optional(self, action: argparse.Action) -> str:
        return tr(_METAVARS_ZH.get(action.dest, action.dest.upper()), action.dest.upper())

    def _split_lines(self, text: str, width: int) -> list[str]:
        if not _has_wide(text):
            return super()._split_lines(text, width)
        return wrap(text, width, between_characters=language() == "zh") or [""]

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if not _has_wide(text):
            return super()._fill_text(text, width, indent)
        return "\n".join(indent + line for line in wrap(text, width, between_characters=language() == "zh"))

    def _format_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                      groups: Iterable[Any], prefix: str | None) -> str:
        actions = list(actions)
        prefix = tr("用法：", "usage: ") if prefix is None else prefix
        if usage is not None or not actions or not (_has_wide(prefix) or _has_wide(self._prog)
                                                      or any(_has_wide(str(a.metavar or "")) for a in actions)):
            return super()._format_usage(usage, actions, groups, prefix)
        optionals = [a for a in actions if a.option_strings]
        positionals = [a for a in actions if not a.option_strings]
        # the parts argparse would wrap (bracketed groups stay whole), wrapped by display width
        part = r"\(.*?\)+(?=\s|$)|\[.*?\]+(?=\s|$)|\S+"
        parts = (re.findall(part, self._format_actions_usage(optionals, groups))
                 + re.findall(part, self._format_actions_usage(positionals, groups)))
        text_width = self._width - self._current_indent
        indent = cell_width(prefix) + cell_width(self._prog) + 1
        if indent > 0.75 * text_width or indent + max(map(cell_width, parts), default=0) > text_width:
            indent = cell_width(prefix)
        lines, line, used = [], [self._prog], cell_width(prefix) + cell_width(self._prog)
        for p in parts:
            if used + 1 + cell_width(p) > text_width and line:
                lines.append(" ".join(line))
                line, used = [], indent - 1
            line.append(p)
            used += 1 + cell_width(p)
        lines.append(" ".join(line))
        return prefix + ("\n" + " " * indent).join(lines) + "\n\n"


#: argparse's messages (3.11 to 3.13) → Chinese; each a pattern on the whole message and its replacement.
_ERRORS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = tuple(
    (re.compile(pattern, re.DOTALL), replace) for pattern, replace in (
        (r"the following arguments are required: (.*)", lambda m: f"缺少必需的参数：{_names(m[1])}"),
        (r"unrecognized arguments: (.*)", lambda m: f"不认识的参数：{m[1]}"),
        (r"invalid choice: (.*?) \(choose from (.*)\)", lambda m: f"无效的选择 {m[1]}（可选：{_names(m[2])}）"),
        (r"invalid (.+?) value: (.*)", lambda m: f"{m[2]} 不是有效的{_TYPES.get(m[1], m[1])}"),
        (r"expected one argument", lambda m: "需要给出一个值"),
        (r"expected at most one argument", lambda m: "最多只能给出一个值"),
        (r"expected at least one argument", lambda m: "至少需要给出一个值"),
        (r"expected (\d+) arguments?", lambda m: f"需要给出 {m[1]} 个值"),
        (r"not allowed with argument (.*)", lambda m: f"不能与参数 {m[1]} 同时使用"),
        (r"one of the arguments (.*) is required", lambda m: f"参数 {_names(m[1])} 中必须给出一个"),
        (r"ambiguous option: (\S+) could match (.*)", lambda m: f"选项 {m[1]} 有歧义，可能是：{_names(m[2])}"),
        (r"ignored explicit argument (.*)", lambda m: f"多余的值 {m[1]}"),
        (r"argument (.+?): (.*)", lambda m: f"参数 {m[1]}：{translate_error(m[2])}"),
    )
)

#: argparse's names of value types (``invalid int value``) → Chinese.
_TYPES = {"int": "整数", "float": "数字", "output file": "输出文件名", "grouping": "分组"}


def _names(text: str) -> str:
    """``a, b, c`` (argparse's list) → ``a、b、c``."""
    return "、".join(text.split(", "))


def translate_error(message: str) -> str:
    """argparse's error ``message`` in Chinese (unchanged when it is not one of argparse's own).

    Parameters
    ----------
    message : str
        As argparse passes it to :meth:`ArgumentParser.error`.

    Returns
    -------
    str

    Examples
    --------
    >>> translate_error("the following arguments are required: bundle")
    '缺少必需的参数：bundle'
    >>> translate_error("argument --by: invalid choice: 'foo' (choose from 'city', 'all')")
    "参数 --by：无效的选择 'foo'（可选：'city'、'all'）"
    """
    for pattern, replace in _ERRORS:
        match = pattern.fullmatch(message)
        if match:
            return replace(match)
    return message


class ArgumentParser(argparse.ArgumentParser):
    """An :class:`argparse.ArgumentParser` that speaks the language of :mod:`casekit.language`.

    Sections 位置参数 and 选项, ``-h`` 显示帮助并退出, usage 用法：, help laid out by
    :class:`HelpFormatter`, and errors as ``casekit validate: 错误：缺少必需的参数：资料包`` (exit 2).
    Subcommands' parsers are of this class too (argparse makes them of the parent's class), and
    the options of a parent parser land in these sections even when it is a plain argparse one.
    """

    def __init__(self, *args: Any, add_help: bool = True, parents: Sequence[argparse.ArgumentParser] = (),
                 **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = tr("位置参数", "positional arguments")
        self._optionals.title = tr("选项", "options")
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help=tr("显示帮助并退出", "show this help message and exit"))
        for parent in parents:  # as argparse does, once the sections have their titles
            self._add_container_actions(parent)
            self._defaults.update(getattr(parent, "_defaults", {}))

    def format_help(self) -> str:
        """As argparse's, with a Chinese colon after a Chinese section title (``选项：``)."""
        text = super().format_help()
        for group in self._action_groups:
            if group.title and _has_wide(group.title):
                text = text.replace(f"\n{group.title}:\n", f"\n{group.title}：\n")
        return text

    def _add_container_actions(self, container: Any) -> None:
        # a parent's sections are matched by title: give a stock parent's sections these titles
        if isinstance(container, argparse.ArgumentParser) and not isinstance(container, ArgumentParser):
            container._positionals.title = self._positionals.title
            container._optionals.title = self._optionals.title
        super()._add_container_actions(container)

    def error(self, message: str) -> NoReturn:
        """Print the usage and ``<prog>: 错误：<message in Chinese>`` on stderr, exit 2."""
        self.print_usage(sys.stderr)
        if language() == "en":
            self.exit(2, f"{self.prog}: error: {message}\n")
        self.exit(2, f"{self.prog}: 错误：{translate_error(message)}\n")

