"""Ranking: when several rules recommend one fix, the highest tier any of them gives wins.

docs/ranking.md, rule 4: a give-up route "moves up with `tier:`" when iCloud cannot
work at all. A ticket may give two such reasons at once; the fix then takes the
highest of the tiers (unblock > quick > free > paid > alternative), never the last or
the first one that fired. Before issue 13, no test failed when that merge picked the
lowest tier instead.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from backup_doctor.engine import Engine, diagnose

# A profile forbids iCloud Backup (R-giveup-restricted-computer: `quick`) and there is
# no connection at all (R-giveup-no-connection-computer: `free`).
RESTRICTED_OFFLINE = {"schema_version": 1, "today": "2026-11-25", "goal": "backup",
                      "device": {"backup_restricted": True}, "network": {"connection": "none"}}


def test_a_fix_two_rules_move_up_takes_the_higher_tier() -> None:
    report = diagnose(RESTRICTED_OFFLINE)
    fix = next(r for r in report.recommendations if r.id == "use-computer-backup")
    assert {"R-giveup-restricted-computer", "R-giveup-no-connection-computer"} <= set(fix.because)
    assert fix.tier == "quick"  # not `free` (the other rule's) nor `alternative` (the fix's own)
    # ...and it is ranked by that tier: right after asking the administrator.
    assert [r.id for r in report.recommendations][:2] == ["contact-it-admin", "use-computer-backup"]


PACK = """
recommendations:
  t-fix:
    tier: alternative
    order: 1
    title: {{en: "A fix", ja: "対処"}}
    steps: {{en: ["Do it."], ja: ["実行します。"]}}
  t-other:
    tier: free
    order: 1
    title: {{en: "Another fix", ja: "別の対処"}}
    steps: {{en: ["Do that."], ja: ["そちらを実行します。"]}}
rules:
  - id: R-t-other
    description: {{en: "The yardstick", ja: "比較用"}}
    when:
      - {{fact: goal, is: backup}}
    then: {{recommend: t-other}}
{rules}
"""

RULE = """
  - id: R-t-{tier}
    description: {{en: "Moves the fix to {tier}", ja: "{tier} に上げる"}}
    when:
      - {{fact: goal, is: backup}}
    then: {{recommend: t-fix, tier: {tier}}}
"""


@pytest.mark.parametrize("tiers", [("paid", "quick"), ("quick", "paid")], ids=["lower-first", "higher-first"])
def test_the_higher_tier_wins_whichever_rule_comes_first(tmp_path: Path, tiers: tuple[str, str]) -> None:
    folder = tmp_path / "custom"
    folder.mkdir()
    rules = "".join(RULE.format(tier=t) for t in tiers)
    (folder / "rules.yaml").write_text(PACK.format(rules=rules), encoding="utf-8")
    report = Engine([folder], builtin=False).diagnose({"schema_version": 1, "goal": "backup"})
    assert [(r.id, r.tier) for r in report.recommendations] == [("t-fix", "quick"), ("t-other", "free")]
