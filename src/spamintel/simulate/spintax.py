"""Spintax templates: ``{a|b|c}`` choices (nested) and ``[[macro:arg]]`` expansions,
compiled once into nested tuples and rendered with a seeded ``random.Random``."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

Node = Any  # str | tuple[int, tuple[tuple[Node, ...], ...]] | tuple[int, str, str]
CHOICE, MACRO, FLAT = 0, 1, 2


def compile_spintax(text: str) -> tuple[Node, ...]:
    """Compile a template into a tuple of nodes (raises ValueError on unbalanced braces)."""
    nodes, pos = _parse(text, 0, top=True)
    if pos != len(text):
        raise ValueError(f"unbalanced '}}' at {pos} in {text[:60]!r}")
    return nodes


def _parse(text: str, pos: int, top: bool) -> tuple[tuple[Node, ...], int]:
    out: list[Node] = []
    buf: list[str] = []
    n = len(text)
    while pos < n:
        ch = text[pos]
        if ch == "{":
            _flush(buf, out)
            alts, pos = _parse_choice(text, pos + 1)
            if all(len(a) == 0 or (len(a) == 1 and a[0].__class__ is str) for a in alts):
                out.append((FLAT, tuple(a[0] if a else "" for a in alts)))
            else:
                out.append((CHOICE, alts))
            continue
        if ch == "[" and text.startswith("[[", pos):
            end = text.find("]]", pos)
            if end < 0:
                raise ValueError(f"unclosed [[ in {text[:60]!r}")
            _flush(buf, out)
            name, _, arg = text[pos + 2 : end].partition(":")
            out.append((MACRO, name, arg))
            pos = end + 2
            continue
        if not top and ch in "|}":
            break
        if top and ch == "}":
            raise ValueError(f"unbalanced '}}' at {pos} in {text[:60]!r}")
        buf.append(ch)
        pos += 1
    _flush(buf, out)
    return tuple(out), pos


def _parse_choice(text: str, pos: int) -> tuple[tuple[tuple[Node, ...], ...], int]:
    alts = []
    while True:
        nodes, pos = _parse(text, pos, top=False)
        alts.append(nodes)
        if pos >= len(text):
            raise ValueError(f"unclosed {{ in {text[:60]!r}")
        if text[pos] == "}":
            return tuple(alts), pos + 1
        pos += 1  # '|'


def _flush(buf: list[str], out: list[Node]) -> None:
    if buf:
        out.append("".join(buf))
        buf.clear()


def render(nodes: tuple[Node, ...], rng: random.Random, macro: Callable[[str, str], str]) -> str:
    """Render compiled nodes: pick one alternative per choice, expand macros."""
    out: list[str] = []
    _render_into(nodes, rng, macro, out)
    return "".join(out)


def _render_into(
    nodes: tuple[Node, ...], rng: random.Random, macro: Callable[[str, str], str], out: list[str]
) -> None:
    for node in nodes:
        if node.__class__ is str:
            out.append(node)
        elif node[0] == FLAT:
            alts = node[1]
            out.append(alts[int(rng.random() * len(alts))])
        elif node[0] == CHOICE:
            alts = node[1]
            _render_into(alts[int(rng.random() * len(alts))], rng, macro, out)
        else:
            out.append(macro(node[1], node[2]))


Renderer = Callable[[Callable[[], float], Callable[[str, str], str]], str]


def compile_renderer(nodes: tuple[Node, ...]) -> Renderer:
    """Turn compiled nodes into one function ``f(random, macro) -> str`` (``random`` is a
    bound ``Random.random``). Same choices in the same order as ``render``, without the
    per-node dispatch. Template text only ever enters as values, never as code."""
    env: dict[str, object] = {}
    parts = []
    for node in nodes:
        key = f"_{len(env)}"
        if node.__class__ is str:
            env[key] = node
            parts.append(key)
        elif node[0] == FLAT:
            env[key] = node[1]
            parts.append(f"{key}[int(r() * {len(node[1])})]")
        elif node[0] == CHOICE:
            env[key] = tuple(compile_renderer(alt) for alt in node[1])
            parts.append(f"{key}[int(r() * {len(node[1])})](r, m)")
        else:
            env[key] = (node[1], node[2])
            parts.append(f"m(*{key})")
    body = f"''.join(({', '.join(parts)},))" if parts else "''"
    return eval(f"lambda r, m: {body}", env)  # noqa: S307 - code built from fixed fragments
