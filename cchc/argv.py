"""The command line's words before any of it is imported: where the global options stand,
and which command a line names (read by ``cchc.cli`` and by the launcher, ``cchc.launch``,
which must decide without importing typer)."""

from __future__ import annotations

GLOBAL_VALUE_FLAGS = ("--lang", "--as")
GLOBAL_BOOL_FLAGS = ("--verbose", "-v")


def hoist_global_options(argv: list[str]) -> list[str]:
    """Let --lang, --as and --verbose stand anywhere on the line (moved to the front)."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest.extend(argv[i:])
            break
        name = arg.split("=", 1)[0]
        if name in GLOBAL_VALUE_FLAGS:
            if "=" in arg or i + 1 >= len(argv):
                front.append(arg)
                i += 1
            else:
                front.extend(argv[i : i + 2])
                i += 2
            continue
        if arg in GLOBAL_BOOL_FLAGS:
            front.append(arg)
        else:
            rest.append(arg)
        i += 1
    return front + rest


def command_name(args: list[str]) -> str | None:
    """The command ``args`` (global options in front, see ``hoist_global_options``) name;
    None when a help option or the end of options comes first."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("--help", "-h", "--"):
            return None
        if arg in GLOBAL_VALUE_FLAGS:
            i += 2
            continue
        if not arg.startswith("-"):
            return arg
        i += 1
    return None


def value_of(args: list[str], flag: str) -> str | None:
    """The value ``args`` give ``flag`` (``--lang en`` or ``--lang=en``); None without one."""
    for i, arg in enumerate(args):
        if arg.startswith(flag + "="):
            return arg.split("=", 1)[1]
        if arg == flag and i + 1 < len(args):
            return args[i + 1]
    return None
