"""Every text of the built-in pack exists in English and Japanese, non-empty, and really translated."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from backup_doctor.engine.rulebase.packfile import StepVariants, Text
from backup_doctor.engine.rulebase.load import RuleBase, load_rulebase

_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
_KANA = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def rb() -> RuleBase:
    return load_rulebase()


def texts(rb: RuleBase) -> Iterator[tuple[str, str, str]]:
    """(where, en, ja) for every text in the built-in pack.

    A step that is one placeholder alone (``"{device_update_step}"``) is not listed: its
    sentences, in both languages, are the tool's own texts (engine/texts.py), checked
    with those (tests/test_messages.py)."""
    for kind in ("findings", "recommendations", "caveats", "questions"):
        for key, d in getattr(rb, kind).items():
            for name in ("title", "detail", "text", "ask", "why"):
                t = getattr(d, name, None)
                if isinstance(t, Text):
                    yield f"{kind}.{key}.{name}", t.en, t.ja
            steps = getattr(d, "steps", None)
            if steps is not None:
                groups = [*steps.cases.values(), steps.otherwise] if isinstance(steps, StepVariants) else [steps]
                for g, group in enumerate(groups):
                    for i, (en, ja) in enumerate(zip(group.en, group.ja, strict=True)):
                        if not (en == ja and _PLACEHOLDER.fullmatch(en)):
                            yield f"{kind}.{key}.steps[{g}][{i}]", en, ja
    for key, t in rb.principles.items():
        yield f"principles.{key}", t.en, t.ja
    for rule in rb.rules:
        yield f"rules.{rule.id}.description", rule.rule.description.en, rule.rule.description.ja


def test_every_text_is_in_both_languages_and_translated(rb: RuleBase) -> None:
    problems = []
    for where, en, ja in texts(rb):
        if not en.strip() or not ja.strip():
            problems.append(f"{where}: empty")
        elif en == ja:
            problems.append(f"{where}: the same in both languages")
        elif not _KANA.search(ja):
            problems.append(f"{where}: the Japanese text holds no Japanese")
        elif _KANA.search(en):
            problems.append(f"{where}: the English text holds Japanese")
        elif sorted(_PLACEHOLDER.findall(en)) != sorted(_PLACEHOLDER.findall(ja)):
            problems.append(f"{where}: placeholders differ between en and ja")
    assert problems == []


def test_japanese_texts_are_polite_form(rb: RuleBase) -> None:
    # Steps, details, caveats and questions address the customer: です・ます, not plain form.
    plain = []
    for where, _, ja in texts(rb):
        if ".steps[" in where or where.endswith((".detail", ".text", ".why")):
            # A closing parenthetical remark may follow the sentence's polite ending.
            sentence = re.sub(r"（[^（）]*）。?$", "", ja.strip())
            if not re.search(r"(ます|です|ません|ください|でした|ました)[。）)]*$", sentence):
                plain.append(f"{where}: {ja[-20:]}")
    assert plain == []


def test_every_spec_identifier_is_produced_by_a_rule(rb: RuleBase) -> None:
    spec = {
        "findings": ["ios-outdated", "icloud-storage-insufficient", "network-unstable", "system-error",
                     "previous-backup-corrupt", "restore-version-mismatch", "icloud-backup-off", "not-signed-in",
                     "backup-restricted", "apple-service-outage", "auto-backup-conditions-unmet", "backup-stale",
                     "apps-stuck-after-restore", "target-storage-too-small", "icloud-unsupported-ios"],
        "recommendations": ["update-ios", "update-target-ios", "use-temporary-icloud-storage", "reduce-backup-size",
                            "buy-icloud-storage", "use-stable-wifi", "delete-previous-backup", "sign-out-and-in",
                            "force-restart", "use-computer-backup", "use-quick-start", "turn-on-icloud-backup",
                            "sign-in-apple-account", "contact-it-admin", "wait-for-apple-service",
                            "meet-auto-backup-conditions", "check-mobile-data-and-app-store", "back-up-now"],
        "caveats": ["face-id-touch-id-not-included", "other-cloud-data-not-included", "wallet-cards-need-reentry",
                    "messaging-apps-need-own-transfer", "backup-deleted-after-180-days", "backup-takes-time",
                    "apple-apps-redownload", "icloud-deletions-sync", "server-side-app-data",
                    "photos-synced-not-in-backup", "no-downgrade-restore", "visual-voicemail-needs-sim"],
    }
    produced = {c.target for r in rb.rules for c in r.rule.then}
    for kind, wanted in spec.items():
        defined = set(getattr(rb, kind))
        assert set(wanted) <= defined, f"{kind} not defined: {set(wanted) - defined}"
    assert {i for ids in spec.values() for i in ids} - produced == set()
    # and everything defined is reachable
    defined_all = set(rb.findings) | set(rb.recommendations) | set(rb.caveats)
    assert defined_all - produced == set()


def test_every_input_field_a_rule_tests_can_be_asked(rb: RuleBase) -> None:
    tested = {src for r in rb.rules for p in r.fact_paths() for src in rb.registry.input_sources(p)}
    not_asked = {"today", "symptoms.messages", "uses"}  # pasted texts and service lists are not questions
    assert tested - not_asked - set(rb.questions) == set()


def test_not_finding_conditions_name_a_principle(rb: RuleBase) -> None:
    for r in rb.rules:
        for cond in r.rule.when:
            if cond.not_finding is not None:
                assert cond.principle in rb.principles, r.id
