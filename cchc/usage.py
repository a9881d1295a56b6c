"""Usage errors — a mistyped option, a missing value — in the user's language.

Click words them in English ("Invalid value for '--survey': …", "Try 'cchc par set --help'
for help."). The root command (:class:`Cli`) catches them as they are raised and hands Click
the same error worded from the CLI catalogue; Click still prints it and exits with 2. English
output is Click's own.
"""

from __future__ import annotations

import re
from typing import IO, Any

import typer.core

# typer carries its own copy of Click: its errors are these classes, not the click package's
from typer._click import core as click_core
from typer._click import exceptions as click
from typer._click.utils import echo

from domain.i18n import Lang, normalize_lang

# typer's wording of an unknown command, with its suggestions
_NO_SUCH_COMMAND = re.compile(
    r"No such command (?P<name>'.*?')\.?(?: Did you mean (?P<names>.+)\?)?"
)
# the value checks Typer words as pydantic does, in English only: worded in the user's language
_VALUE_PROBLEMS = (
    (re.compile(r"Input should be a valid integer\b.*"), "cli.usage_not_integer"),
    (re.compile(r"Input should be a valid number\b.*"), "cli.usage_not_number"),
    (re.compile(r"Input should be greater than or equal to (?P<bound>\S+)"), "cli.usage_at_least"),
    (re.compile(r"Input should be less than or equal to (?P<bound>\S+)"), "cli.usage_at_most"),
    (re.compile(r"Input should be greater than (?P<bound>\S+)"), "cli.usage_above"),
    (re.compile(r"Input should be less than (?P<bound>\S+)"), "cli.usage_below"),
)
_EXTRA_ARGUMENTS = re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)")
_lang: Lang | None = None  # set by cchc.cli.main from --lang and the settings


def set_lang(lang: Lang | None) -> None:
    global _lang
    _lang = lang


def _current_lang() -> Lang:
    if _lang is not None:
        return _lang
    import os

    return normalize_lang(os.environ.get("CCHC_LANG"))


def _hint(error: click.BadParameter) -> str | None:
    """The parameter as Click names it in errors: ``'--survey'``, ``'item'``."""
    if error.param_hint is not None:
        hint = error.param_hint
        return " / ".join(repr(h) for h in hint) if not isinstance(hint, str) else hint
    if error.param is not None:
        return str(error.param.get_error_hint())
    return None


def _value_problem(text: str, lang: Lang) -> str:
    """``text`` (what was wrong with a value) in ``lang`` when it is one of the checks Typer
    words in English only; otherwise as it is."""
    from cchc.messages import t

    for pattern, key in _VALUE_PROBLEMS:
        found = pattern.fullmatch(text.strip())
        if found is not None:
            return t(key, lang, **found.groupdict())
    return text


def message(error: click.UsageError, lang: Lang) -> str:
    """What went wrong, worded in ``lang`` (Click's own text for what has no wording here)."""
    from cchc.messages import t

    if isinstance(error, click.MissingParameter):
        kind = error.param_type or (error.param.param_type_name if error.param else "")
        key = "cli.usage_missing_argument" if kind == "argument" else "cli.usage_missing_option"
        return t(key, lang, param=_hint(error) or "")
    if isinstance(error, click.BadParameter):
        hint, problem = _hint(error), _value_problem(error.message, lang)
        if hint is None:
            return t("cli.usage_invalid", lang, message=problem)
        return t("cli.usage_invalid_value", lang, param=hint, message=problem)
    if isinstance(error, click.NoSuchOption):
        text = t("cli.usage_no_such_option", lang, name=error.option_name)
        if error.possibilities:
            names = ", ".join(error.possibilities)
            text += " " + t("cli.usage_did_you_mean", lang, names=names)
        return text
    if isinstance(error, click.BadOptionUsage) and error.message.endswith("requires an argument."):
        return t("cli.usage_needs_value", lang, name=repr(error.option_name))
    extra = _EXTRA_ARGUMENTS.fullmatch(error.message)
    if extra is not None:
        return t("cli.usage_extra_arguments", lang, args=extra["args"])
    command = _NO_SUCH_COMMAND.fullmatch(error.message)
    if command is not None:
        text = t("cli.usage_no_such_command", lang, name=command["name"])
        if command["names"]:
            text += " " + t("cli.usage_did_you_mean", lang, names=command["names"])
        return text
    return error.format_message()


class LocalUsageError(click.UsageError):
    """A usage error shown in the user's language."""

    def __init__(self, original: click.UsageError, lang: Lang) -> None:
        super().__init__(original.message, original.ctx)
        self.original = original
        self.lang: Lang = lang
        self.exit_code = original.exit_code

    def format_message(self) -> str:
        return message(self.original, self.lang)

    def show(self, file: IO[Any] | None = None) -> None:
        from cchc.messages import t

        lines = []
        ctx = self.ctx
        if ctx is not None:
            usage = ctx.get_usage()
            if usage.startswith("Usage:"):
                usage = t("cli.usage_prefix", self.lang) + usage[len("Usage:") :]
            lines.append(usage)
            help_names = ctx.command.get_help_option_names(ctx)
            if ctx.command.get_help_option(ctx) is not None and help_names:
                option = max(help_names, key=len)
                lines.append(t("cli.usage_try", self.lang, command=ctx.command_path, option=option))
            lines.append("")
        lines.append("Error: " + self.format_message())
        echo("\n".join(lines), file=file, err=file is None)


def _local(error: click.UsageError) -> click.UsageError:
    lang = _current_lang()
    no_args = getattr(click, "NoArgsIsHelpError", None)
    if (
        lang == "en"
        or isinstance(error, LocalUsageError)
        or (no_args and isinstance(error, no_args))
    ):
        return error
    return LocalUsageError(error, lang)


class Cli(typer.core.TyperGroup):
    """cchc's root command: usage errors anywhere under it are worded in the user's language."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click_core.Context | None = None,
        **extra: Any,
    ) -> click_core.Context:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as error:
            local = _local(error)
            if local is error:
                raise
            raise local from error

    def invoke(self, ctx: click_core.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as error:
            local = _local(error)
            if local is error:
                raise
            raise local from error
