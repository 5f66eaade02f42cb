"""Dated domain data (iPhone families, iCloud plans, on-screen messages) and its lookups.

The data lives in ``rules/knowledge/*.yaml`` with an ``as_of`` date each; this module
only reads it. Nothing here decides a diagnosis: it normalises what the clerk typed
(model names, pasted messages) and answers look-ups the rules' texts need.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from . import builtin_copy


@dataclass(frozen=True)
class Family:
    id: str
    label: str
    max_ios_major: int
    restart: str
    cellular_5g: bool


@dataclass(frozen=True)
class Plan:
    gb: int
    price: float


@dataclass(frozen=True)
class Region:
    code: str
    as_of: str
    format: str
    plans: tuple[Plan, ...]

    def price_text(self, amount: float) -> str:
        return self.format.format(amount=amount)


@dataclass(frozen=True)
class ScreenMessage:
    id: str
    shown: dict[str, str]
    phrases: tuple[str, ...]
    exact: tuple[str, ...] = ()
    """Folded texts that identify the message only as the whole pasted text (a bare
    「待機中」 / "Waiting…", which inside a longer text could mean anything)."""


@dataclass(frozen=True)
class Knowledge:
    as_of: str
    latest_ios_major: int
    families: tuple[Family, ...]
    model_names: dict[str, Family]
    regions: dict[str, Region]
    screen_messages: dict[str, ScreenMessage]
    uses: dict[str, dict[str, str]]
    """Known ``uses`` values with their labels by language (``rules/knowledge/uses.yaml``)."""
    use_keys: dict[str, str]
    """Folded spelling (value or alias) -> value: "Apple Pay" -> apple_pay, 「スイカ」 -> suica."""
    use_groups: dict[str, tuple[str, ...]]
    """Value -> the groups it belongs to (``groups:`` in uses.yaml): gmail -> (other_cloud,).
    A group is one more flag a rule can test instead of listing every member."""
    base_gb: float
    mb_per_photo: float
    _recognised: Callable[[str], tuple[str, ...]] = field(init=False, repr=False, compare=False)
    _use_cached: Callable[[str], str | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Recognising a message tests every phrase of every known message, and clerks
        # paste the same few messages again and again: remember recent answers. Bounded,
        # so memory stays flat however many different texts arrive.
        object.__setattr__(self, "_recognised", lru_cache(maxsize=1024)(self._match_messages))
        # The same few spellings come in every day, and folding one costs more than the
        # look-up: remember them, bounded.
        object.__setattr__(self, "_use_cached", lru_cache(maxsize=1024)(self._use_key))

    def family(self, model: str) -> Family | None:
        """The family of a model name as typed ("iphone12 pro", "SE2", "iPhone SE (第2世代)")."""
        return self.model_names.get(model_key(model))

    def use(self, name: str) -> str | None:
        """The known ``uses`` value a customer's spelling stands for, or None."""
        return self._use_cached(name)

    def _use_key(self, name: str) -> str | None:
        return self.use_keys.get(normalise_text(name))

    def recognise(self, text: str) -> list[str]:
        """Canonical ids of the messages *text* shows (empty when none is recognised)."""
        return list(self._recognised(text))

    def _match_messages(self, text: str) -> tuple[str, ...]:
        stripped = text.strip()
        if stripped in self.screen_messages:
            return (stripped,)
        norm = normalise_text(stripped)
        if not norm:
            return ()
        return tuple(m.id for m in self.screen_messages.values()
                     if norm in m.exact or any(p in norm for p in m.phrases))

    def smallest_plan(self, region: str, need_gb: float) -> Plan | None:
        """The cheapest plan in *region* that holds *need_gb*, or None when none does."""
        return next((p for p in self.regions[region].plans if p.gb >= need_gb), None)


_PUNCT = re.compile(r"[\W_]+", re.UNICODE)


def normalise_text(text: str) -> str:
    """Fold width, case, spaces and punctuation, so retyped messages still match."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text).casefold())


_GENERATION = [
    (re.compile(r"第?\s*(\d)\s*世代"), r"\1"),
    (re.compile(r"(\d)\s*(?:st|nd|rd|th)\s*gen(?:eration)?"), r"\1"),
    (re.compile(r"gen(?:eration)?\s*(\d)"), r"\1"),
    # Storage sizes and colours are not part of the model ("iPhone 15 Pro 256GB").
    (re.compile(r"\d+\s*(?:gb|tb)\b"), ""),
]

_KATAKANA = {"アイフォーン": "iphone", "アイフォン": "iphone", "プロ": "pro", "マックス": "max", "ミニ": "mini",
             "プラス": "plus", "エアー": "air", "エア": "air", "デュオ": "duo", "フォールド": "fold", "第一": "第1", "第二": "第2", "第三": "第3"}
"""Words a Japanese customer may type in katakana or kanji numerals, with the key's spelling."""


# Cached: clerks type the same few dozen names, and the folding costs more than the
# rest of building a case. Bounded, so odd names cannot grow memory.
@lru_cache(maxsize=1024)
def model_key(model: str) -> str:
    """Reduce a typed model name to the key used in ``models.yaml``."""
    text = unicodedata.normalize("NFKC", model).casefold()
    for word, repl in _KATAKANA.items():
        text = text.replace(word, repl)
    for pattern, repl in _GENERATION:
        text = pattern.sub(repl, text)
    text = text.replace("apple", "").replace("iphone", "")
    return _PUNCT.sub("", text)


def _read(name: str) -> Any:
    path = builtin_copy.rules_root() / "knowledge" / name
    copy = builtin_copy.copy_of(path)
    if copy is not None:
        return copy["data"]
    from .yamlfile import load_plain

    return load_plain(path.read_text("utf-8"))


@cache
def load_knowledge() -> Knowledge:
    """Read the knowledge files once per process."""
    ios, models, plans, messages, estimate, uses = (
        _read(n) for n in ("ios.yaml", "models.yaml", "plans.yaml", "messages.yaml", "estimate.yaml", "uses.yaml")
    )
    families = tuple(
        Family(f["id"], f["label"], f["max_ios_major"], f["restart"], f["cellular_5g"]) for f in models["families"]
    )
    names = {model_key(n): fam for fam, raw in zip(families, models["families"], strict=True) for n in raw["names"]}
    regions = {
        code: Region(code, str(r["as_of"]), r["format"],
                     tuple(Plan(p["gb"], p["price"]) for p in r["plans"]))
        for code, r in plans["regions"].items()
    }
    msgs = {
        mid: ScreenMessage(mid, m["shown"], tuple(normalise_text(p) for p in m["phrases"]),
                           tuple(normalise_text(p) for p in m.get("exact", ())))
        for mid, m in messages["messages"].items()
    }
    use_keys = {normalise_text(spelling): value for value, u in uses["uses"].items()
                for spelling in (value, *u["aliases"])}
    groups: dict[str, list[str]] = uses.get("groups", {})
    use_groups = {value: tuple(g for g, members in groups.items() if value in members) for value in uses["uses"]}
    as_of = max(str(d["as_of"]) for d in (ios, models, plans, messages, estimate, uses))
    return Knowledge(
        as_of=as_of,
        latest_ios_major=ios["latest_major"],
        families=families,
        model_names=names,
        regions=regions,
        screen_messages=msgs,
        uses={value: dict(u["label"]) for value, u in uses["uses"].items()},
        use_keys=use_keys,
        use_groups={value: gs for value, gs in use_groups.items() if gs},
        base_gb=estimate["base_gb"],
        mb_per_photo=estimate["mb_per_photo"],
    )
