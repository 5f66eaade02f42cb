"""The tool's own texts, in English and Japanese: one home for all of them.

Input errors, the report's own prose (trace, estimates, placeholder words), the
sentences of the authoring tools (catalogue, lint) and, in ``cli/texts.py`` under the
same rules, the command line's labels. Rule packs bring their own texts.

A clerk who reads reports in Japanese reads the errors about a fact file in Japanese
too. Every message is built with :func:`say` from a key of :data:`TEXTS`; the
result is a :class:`Msg`: a ``str`` holding the English text (so ``problem.message``
reads as it always did, and programs that compare or log it see no change) that also
carries the Japanese. :func:`in_lang` picks the language (:func:`say_in` builds and
picks at once); a plain ``str`` (a rule-pack error, written for rule authors) stays as
it is.

Programs should branch on an error's ``code``, never on its text: the texts may be
reworded.
"""

from __future__ import annotations

import errno
import os
import re
from typing import Any


class Msg(str):
    """English text that also knows its Japanese (``.ja``)."""

    ja: str

    def __new__(cls, en: str, ja: str) -> Msg:
        text = super().__new__(cls, en)
        text.ja = ja
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        # str's own pickling would call Msg(en) and lose the Japanese: an error handed
        # to another process keeps both languages.
        return (Msg, (str(self), self.ja))


def in_lang(text: str, lang: str) -> str:
    """*text* in *lang* when it knows that language, else as it is."""
    if lang == "ja" and isinstance(text, Msg):
        return text.ja
    return str(text)


TEXTS: dict[str, tuple[str, str]] = {
    # Reading the input.
    "file_not_found": ("file not found", "ファイルが見つかりません"),
    "is_directory": ("is a directory, not a fact file", "フォルダです。ファクトファイルを指定してください"),
    "cannot_read": ("cannot read: {reason}", "読み込めません: {reason}"),
    "cannot_write": ("cannot write: {reason}", "書き込めません: {reason}"),
    "too_large": ("larger than {limit} bytes (the limit for one fact file)",
                  "{limit} バイトを超えています (ファクトファイル 1 件の上限)"),
    "not_utf8": ("not UTF-8 text (bad byte at offset {offset})",
                 "UTF-8 のテキストではありません (オフセット {offset} のバイトが不正)"),
    "too_deep": ("nested deeper than {depth} levels", "入れ子が {depth} 段より深くなっています"),
    "bad_json": ("not valid JSON: {detail} at line {line}, column {column}",
                 "JSON として読めません: {line} 行 {column} 文字目で{detail}"),
    "duplicate_key": ("not valid JSON: key {key} appears twice in one object",
                      "JSON として読めません: 1 つのオブジェクトにキー {key} が 2 回あります"),
    "bad_constant": ("not valid JSON: {name} is not a number JSON allows",
                     "JSON として読めません: {name} は JSON で使える数値ではありません"),
    "too_many_digits": ("not valid JSON: a number has more digits than the {limit:,} accepted",
                        "JSON として読めません: 数値の桁数が上限の {limit:,} 桁を超えています"),
    "not_object": ("a fact file must be a JSON object", "ファクトファイルは JSON のオブジェクト {{...}} にしてください"),
    "problems": ("{count:,} problem{plural} in the fact file", "ファクトファイルに問題が {count:,} 件あります"),
    "blank_line": ("blank line: expected one fact file as a JSON object",
                   "空行です: 1 行に 1 件のファクトファイル (JSON のオブジェクト) を書いてください"),
    # One problem in a field.
    "unknown_field": ("unknown field", "この項目はありません"),
    "not_accepted": ("{value} is not an accepted value", "{value} は受け付けない値です"),
    "required": ("is required", "必須です"),
    "out_of_range": ("{value} is out of range", "{value} は範囲外です"),
    "too_long": ("is too long", "長すぎます"),
    "too_short": ("is too short", "短すぎます"),
    "wrong_type_value": ("{value} has the wrong type", "{value} は型が違います"),
    "wrong_type": ("has the wrong type", "型が違います"),
    "version_as_number": ("is a number, which loses the version's trailing zeros (16.10 would read as 16.1)",
                          "数値になっているため末尾の 0 が失われます (16.10 が 16.1 と読まれます)"),
    "not_unicode": ("is not valid Unicode text (it holds a lone surrogate such as \\ud800)",
                    "正しい Unicode のテキストではありません (\\ud800 のような単独のサロゲートを含みます)"),
    "not_unicode_name": ("a field name is not valid Unicode text (it holds a lone surrogate such as \\ud800)",
                         "項目名が正しい Unicode のテキストではありません (\\ud800 のような単独のサロゲートを含みます)"),
    "not_a_date": ("{value} is not a date", "{value} は日付ではありません"),
    "not_a_version": ("{value} is not a version", "{value} はバージョンではありません"),
    "used_over_plan": ("used_gb ({used}) is larger than plan_gb ({plan}); at most plan_gb + {margin} is accepted",
                       "used_gb ({used}) が plan_gb ({plan}) より大きくなっています。plan_gb + {margin} までです"),
    "restored_phone_differs": ("{pairs} differ: on a restore ticket both sections describe the iPhone being restored",
                               "{pairs} が食い違っています。復元（restore）のチケットでは、どちらも復元する iPhone のことです"),
    "same_or_one": ("the same value in both, or only one of them", "両方に同じ値を書くか、片方だけを書く"),
    "after_today": ("{date} is after today ({today}): a backup cannot have succeeded in the future",
                    "{date} は今日 ({today}) より後の日付です。未来に成功したバックアップはありえません"),
    "after_system_today": ("{date} is after today ({today}, the system's date; give \"today\" in the fact file "
                           "to diagnose as of another day)",
                           "{date} は今日 ({today}、システムの日付) より後の日付です。別の日付で診断するには"
                           "ファクトファイルに today を書いてください"),
    "bad_region_setting": ("the default region is not one this tool has prices for",  # Engine(region=) or env
                           "既定の地域 (region) が、料金を用意していない地域になっています"),
    "not_a_region": ("{value!r} is not a region", "{value!r} は地域として使えません"),
    # declined= of a consultation (SPEC §4).
    "declined_problems": ("{count:,} field{plural} in declined that the fact file does not have",
                          "declined に、ファクトファイルにない項目が {count:,} 件あります"),
    "not_declinable": ("is not a fact-file field, so it cannot be declined", "ファクトファイルの項目ではないため、declined に指定できません"),
    # A kind of problem this tool has no words for yet (see unknown_detail).
    "invalid": ("{detail}", "正しくない値です ({detail})"),
    # What is accepted there.
    "one_of": ("one of {names}", "次のいずれか: {names}"),
    "bool": ("true or false", "true か false"),
    "whole_number": ("a whole number", "整数"),
    "number": ("a number", "数値"),
    "text": ("text in double quotes", "ダブルクォートで囲んだ文字列"),
    "list": ("a JSON list [...]", "JSON の配列 [...]"),
    "object": ("a JSON object {{...}}", "JSON のオブジェクト {{...}}"),
    "iso_date": ("an ISO date such as \"2026-11-25\"", "\"2026-11-25\" のような ISO 形式の日付"),
    "dotted_version": ("a dotted version such as \"16.7.2\"", "\"16.7.2\" のようなドット区切りのバージョン"),
    "at_least": ("a value >= {bound}", "{bound} 以上の値"),
    "above": ("a value > {bound}", "{bound} より大きい値"),
    "at_most": ("a value <= {bound}", "{bound} 以下の値"),
    "below": ("a value < {bound}", "{bound} 未満の値"),
    "on_or_before": ("a date on or before {limit}", "{limit} 以前の日付"),
    "at_most_characters": ("at most {n} characters", "{n} 文字以内"),
    "at_most_items": ("at most {n} items", "{n} 件以内"),
    "at_least_characters": ("at least {n} character{plural}", "{n} 文字以上"),
    "at_least_items": ("at least {n} item{plural}", "{n} 件以上"),
    # A rule pack folder given with --rules (the pack's own errors are for its authors,
    # in English).
    "pack_folder_not_found": ("rule pack folder not found", "ルールパックのフォルダが見つかりません"),
    "pack_folder_empty": ("rule pack folder holds no .yaml files", "ルールパックのフォルダに .yaml ファイルがありません"),
    "pack.too_many_files": ("holds {count} .yaml files; a rule pack may have at most {limit}",
                            ".yaml ファイルが {count} 個あります。1 つのルールパックには {limit} 個までです"),
    "pack.too_many_rules": ("too many rules", "ルールが多すぎます"),
    "pack.too_many_loaded": ("the loaded packs hold {count:,} rules; at most {limit:,} may be loaded together",
                             "読み込んだパックのルールが {count:,} 個あります。同時に読み込めるのは {limit:,} 個までです"),
    # A file of a rule pack refused before it is read (its content is never quoted).
    "pack_file.link_loop": ("cannot read file: a loop of symbolic links",
                            "ファイルを読み込めません: シンボリックリンクが循環しています"),
    "pack_file.link_outside": ("a symbolic link to a file outside the rule pack folder: not read",
                               "ルールパックのフォルダの外を指すシンボリックリンクです。読み込みません"),
    "pack_file.not_regular": ("not a regular file (a FIFO, a device or a folder): not read",
                              "通常のファイルではありません（FIFO・デバイス・フォルダ）。読み込みません"),
    "pack_file.cannot_read": ("cannot read file: {cause}", "ファイルを読み込めません: {cause}"),
    "pack_file.too_large": ("larger than {limit:,} bytes (the limit for one rule file)",
                            "{limit:,} バイトを超えています（ルールファイル 1 つの上限）"),
    "pack_file.not_utf8": ("not UTF-8 text", "UTF-8 のテキストではありません"),
    "pack_file.binary": ("binary data, not a text file", "テキストではなくバイナリのデータです"),
    "pack_file.unreadable_value": ("holds a value that cannot be read (a number of thousands of digits, an impossible "
                                   "date, or lists nested too deeply)",
                                   "読み込めない値があります（数千桁の数、存在しない日付、深すぎる入れ子）"),
    # Ids given on the command line (why-not, rules show).
    "rule_not_conclusion": ("{id} is a rule, not a finding, recommendation or caveat (it concludes: {done})",
                            "{id} はルールの id です。所見・対処・注意の id を指定してください (このルールの結論: {done})"),
    "unknown_conclusion": ("no finding, recommendation or caveat has the id {id}{hint} "
                           "(`backup-doctor rules list` shows them)",
                           "id が {id} の所見・対処・注意はありません{hint} (一覧は `backup-doctor rules list`)"),
    "conclusion_not_rule": ("{id} is a {kind}, not a rule; rules that conclude it: {makers}",
                            "{id} は{kind}の id で、ルールではありません。これを出すルール: {makers}"),
    "unknown_rule": ("no rule has the id {id}{hint} (`backup-doctor rules list` shows them)",
                     "id が {id} のルールはありません{hint} (一覧は `backup-doctor rules list`)"),
    "finding": ("finding", "所見"), "recommendation": ("recommendation", "対処"),
    "caveat": ("caveat", "注意"),
    "none": ("none", "なし"),
    # Around the messages.
    "accepted": (" (accepted: {accepted})", " (受け付ける値: {accepted})"),
    "did_you_mean": ("; did you mean {name!r}?", "。もしかして {name!r} ですか?"),
    "more_problems": ("… and {count:,} more", "… ほかに {count:,} 件"),
    "error": ("Error: ", "エラー: "),
    "bug_hint": ("hint: this is a bug in backup-doctor; run again with --debug and report the output",
                 "ヒント: backup-doctor の不具合です。--debug を付けて実行し、その出力を添えて報告してください"),
    "files_invalid": ("{bad} of {total} file(s) invalid", "{total} 件中 {bad} 件が不正です"),
    # Named for the library's parameter, not a command-line flag (the engine knows no CLI).
    "worker_died": ("a batch worker process died; diagnose with one worker (jobs=1) to find the line",
                    "バッチのワーカープロセスが終了しました。どの行が原因かは、ワーカー 1 つ (jobs=1) で診断すると分かります"),
    "lines_failed": ("{count} line(s) failed inside the engine; see their error records",
                     "{count} 行がエンジン内で失敗しました。その行のエラーレコードを見てください"),
    # Output, interrupts and batch input that is not JSON Lines (see docs/guarantees.md).
    "standard_output": ("standard output", "標準出力"),
    "output_is_input": ("is the input file too; write the records to another file",
                        "入力ファイルと同じファイルです。別のファイルに出力してください"),
    "output_not_writable_kind": ("is neither a regular file, a character device nor a FIFO",
                                 "通常のファイル・キャラクタデバイス・FIFO のいずれでもありません"),
    "interrupted": ("interrupted", "中断しました"),
    "batch_interrupted": ("interrupted after {done:,} line(s); {output} was left as it was",
                          "中断しました: {done:,} 行を処理したところで止めました。{output} は変更していません"),
    "batch_interrupted_stdout": ("interrupted after {done:,} line(s) written to standard output",
                                 "中断しました: 標準出力に {done:,} 行を書いたところで止めました"),
    "not_json_lines": ("line 1 {what}: batch reads JSON Lines, one whole fact file on each line "
                       "(e.g. jq -c . FILE.json >> INPUT.jsonl)",
                       "1 行目が{what}: batch は JSON Lines (1 行に 1 件のファクトファイル全体) を読みます "
                       "(例: jq -c . FILE.json >> INPUT.jsonl)"),
    "starts_json_array": ("starts a JSON array", "JSON の配列の始まりです"),
    "starts_pretty_json": ("starts a JSON object that goes on over several lines (pretty-printed)",
                           "複数行にわたる (整形された) JSON オブジェクトの始まりです"),
    "no_json_files": ("folder holds no .json files", "フォルダに .json ファイルがありません"),
    # The report's own prose: the trace, the estimate, the words placeholders use.
    "trace.asserted": ("asserted the case: {count} known facts", "事実を投入: 既知の項目 {count} 件"),
    "trace.emitted": ("{kind}: {id}", "{kind}: {id}"),
    "estimate.how": ("Estimated: {base_gb:g} GB for system and apps + {photo_count} photos × {mb_per_photo:g} MB + "
                     "{video_gb:g} GB of video{no_photos}. The phone shows the exact figure as \"Next Backup Size\".",
                     "推定値です: システムとアプリ {base_gb:g} GB + 写真 {photo_count} 枚 × {mb_per_photo:g} MB + "
                     "ビデオ {video_gb:g} GB{no_photos}。正確な値は「次回作成時のサイズ」で確認できます。"),
    "estimate.no_photos": (" (photos are not in the backup, counted as 0)", " (写真はバックアップに含まれないため 0 として計算)"),
    "placeholder.unknown": ("unknown", "不明"),
    "placeholder.about": ("about {size} GB{estimated}", "約 {size} GB{estimated}"),
    "placeholder.estimated": (" (estimated)", "（推定）"),
    "placeholder.newest_ios": ("the newest version Software Update offers", "「ソフトウェア・アップデート」に表示される最新のバージョン"),
    "placeholder.region.JP": ("Japan", "日本"),
    "placeholder.region.US": ("the US", "米国"),
    "placeholder.back_up.now": ("open Settings › [your name] › iCloud › iCloud Backup and tap Back Up Now",
                                "「設定」→ 名前 →「iCloud」→「iCloudバックアップ」で「今すぐバックアップを作成」をタップし"),
    "placeholder.back_up.after_room": ("make room in iCloud first with the storage fix of this report (this backup "
                                       "does not fit yet); only then tap Back Up Now in Settings › [your name] › "
                                       "iCloud › iCloud Backup",
                                       "先にこの診断の容量の対処で iCloud に空きを作ってから（いまはこのバックアップが"
                                       "入りません）、「設定」→ 名前 →「iCloud」→「iCloudバックアップ」で"
                                       "「今すぐバックアップを作成」をタップし"),
    "placeholder.backup_ios_inferred": ("{ios} (the old iPhone's)", "古い iPhone の {ios}"),
    "placeholder.phone.old": ("the old iPhone", "古い iPhone"),
    "placeholder.phone.this": ("this iPhone", "この iPhone"),
    "placeholder.phone.new": ("the new iPhone", "新しい iPhone"),
    "placeholder.phone.restored": ("the iPhone being restored", "復元する iPhone"),
    "placeholder.phone.receiving": ("the restored iPhone", "復元した iPhone"),  # after the restore
    # {device_update_step}: the old iPhone's iOS before Prepare for New iPhone (placeholders.py).
    "placeholder.update_step.fix_first": (
        "First update {phone} with the fix “Update iOS” above: Prepare for New iPhone needs the newest "
        "iOS the iPhone can run.",
        "{phone} を先にアップデートします（この診断の「iOS をアップデートする」の対処）。「新しいiPhoneの準備」には、"
        "その iPhone で使える最新の iOS が必要です。"),
    "placeholder.update_step.target_first": (
        "Do not start with {phone}: the backup's iOS is already newer than the new iPhone's, so update the new "
        "iPhone first (“Update the receiving iPhone before restoring”). Prepare for New iPhone also needs "
        "the newest iOS on {phone}: install an update it offers only after that, and before restoring check that "
        "the new iPhone runs the same iOS or a newer one.",
        "{phone} から始めないでください。バックアップの iOS がすでに新しい iPhone より新しいため、先に新しい iPhone を"
        "アップデートします（「復元の前に、受け取る iPhone をアップデートする」）。「新しいiPhoneの準備」には {phone} "
        "の最新の iOS も必要です。{phone} に表示されるアップデートはそのあとでインストールし、復元の前に、新しい "
        "iPhone の iOS が同じか新しいことを確認します。"),
    "placeholder.update_step.target_first_only": (
        "Do not start with {phone}: the backup's iOS is already newer than the new iPhone's, so update the new "
        "iPhone first (“Update the receiving iPhone before restoring”). No update of {phone} is needed.",
        "{phone} から始めないでください。バックアップの iOS がすでに新しい iPhone より新しいため、先に新しい iPhone を"
        "アップデートします（「復元の前に、受け取る iPhone をアップデートする」）。{phone} のアップデートは不要です。"),
    "placeholder.update_step.check": (
        "On {phone}, open Settings › General › Software Update and install any update it offers: "
        "Prepare for New iPhone needs the newest iOS the iPhone can run (iOS 15 or later).",
        "{phone} で「設定」→「一般」→「ソフトウェア・アップデート」を開き、アップデートが表示されたらインストールします。"
        "「新しいiPhoneの準備」には、その iPhone で使える最新の iOS（iOS 15 以降）が必要です。"),
    # {try_again}: the Japanese is followed by します in the texts (polite form stays in the pack).
    "placeholder.try_again.backup": ("try the backup again", "もう一度バックアップ"),
    "placeholder.try_again.restore": ("try the restore again", "もう一度復元"),
    "placeholder.transfer.backup": ("an iCloud backup", "iCloud バックアップ"),
    "placeholder.transfer.restore": ("a restore from iCloud", "iCloud からの復元"),
    "placeholder.plan_sharing.free": ("The free tier (5 GB)", "無料プラン（5 GB）"),
    "placeholder.plan_sharing.unknown": ("The iCloud storage", "iCloud のストレージ"),
    "placeholder.plan_sharing.paid": ("The {plan} plan", "{plan} のプラン"),
    # Conditions as sentences (catalogue, why-not, lint): one per operator (rulebase/operators.py).
    "op.is": ("{p} is {v}", "{p} が {v}"),
    "op.is_not": ("{p} is not {v}", "{p} が {v} ではない"),
    "op.in": ("{p} is one of {v}", "{p} が {v} のいずれか"),
    "op.not_in": ("{p} is none of {v}", "{p} が {v} のいずれでもない"),
    "op.lt": ("{p} < {v}", "{p} < {v}"), "op.le": ("{p} ≤ {v}", "{p} ≤ {v}"),
    "op.gt": ("{p} > {v}", "{p} > {v}"), "op.ge": ("{p} ≥ {v}", "{p} ≥ {v}"),
    "op.known": ("{p} is known", "{p} が分かっている"),
    "op.unknown": ("{p} is unknown", "{p} が不明"),
    "condition.finding": ("finding {v} was reached", "所見 {v} が出ている"),
    "condition.not_finding": ("finding {v} was not reached", "所見 {v} が出ていない"),
    "condition.principle": (" (principle: {v})", "（原則: {v}）"),
    "condition.any": ("any of: {v}", "次のいずれか: {v}"),
    "condition.or": ("; or ", "／"),
    "condition.sep": (", ", "、"),
    # Lint (backup-doctor rules lint): one per problem code.
    "lint.load-error": ("{detail}", "{detail}"),
    "lint.contradiction": ("rule {subject} can never fire: {detail}", "ルール {subject} は発火しません: {detail}"),
    "lint.missing-finding": ("rule {subject} can never fire: it needs finding {finding}, which {why}",
                             "ルール {subject} は発火しません: 所見 {finding} が必要ですが、{why}"),
    "lint.always-true": ("rule {subject}: 'not_finding: {finding}' always holds, because no rule concludes {finding}",
                         "ルール {subject}: 所見 {finding} を出すルールがないため、'not_finding: {finding}' は常に成り立ちます"),
    "lint.spec-id-undefined": ("SPEC {kind} {subject} is not defined in any loaded pack",
                               "SPEC の{kind} {subject} がどのパックにも定義されていません"),
    "lint.spec-id-unreached": ("SPEC {kind} {subject} is concluded by no rule that can fire",
                               "SPEC の{kind} {subject} を出す（発火しうる）ルールがありません"),
    "lint.never-concluded": ("{kind} {subject} is defined but no rule that can fire concludes it",
                             "{kind} {subject} は定義されていますが、発火しうるルールがどれもこれを出しません"),
    "lint.unused-question": ("question for {subject}: no rule tests this field, so it is never asked",
                             "{subject} の質問: この項目を調べるルールがないため、質問されることはありません"),
    "lint.unused-field": ("fact-file field {subject} is tested by no rule",
                          "ファクトファイルの項目 {subject} を調べるルールがありません"),
    "lint.unused-message": ("on-screen message {subject} is recognised but no rule tests messages.{subject}",
                            "画面メッセージ {subject} は認識されますが、messages.{subject} を調べるルールがありません"),
    "lint.why.none": ("no rule concludes", "それを出すルールがありません"),
    "lint.why.dead": ("only rules that can never fire conclude", "それを出すのは発火しないルールだけです"),
}


def say(key: str, /, **params: Any) -> Msg:
    """The message *key* with its *params* filled in, in both languages.

    A parameter that is itself a :class:`Msg` is filled in in each language, and a
    ``reason`` that is the system's text for an OS error (``exc.strerror``) is given
    in Japanese too.
    """
    en, ja = TEXTS[key]
    ja_params = {k: v.ja if isinstance(v, Msg) else v for k, v in params.items()}
    reason = params.get("reason")
    if isinstance(reason, str) and reason in _OS_REASONS:
        ja_params["reason"] = _OS_REASONS[reason]
    return Msg(en.format(**params), ja.format(**ja_params))


def say_in(lang: str, key: str, /, **params: Any) -> str:
    """The message *key* in *lang* only: ``in_lang(say(key, ...), lang)``."""
    return in_lang(say(key, **params), lang)


# What Python's JSON decoder says (json/decoder.py and its C scanner), in Japanese.
_JSON_DETAILS = {
    "Expecting value": "値が必要です",
    "Expecting property name enclosed in double quotes": "ダブルクォートで囲んだ項目名が必要です",
    "Expecting ':' delimiter": "':' が必要です",
    "Expecting ',' delimiter": "',' が必要です",
    "Unterminated string starting at": "文字列が閉じていません",
    "Invalid control character at": "文字列に使えない制御文字があります",
    "Invalid \\escape": "不正なエスケープ (\\) があります",
    "Invalid \\uXXXX escape": "不正な \\uXXXX エスケープがあります",
    "Extra data": "JSON の後に余計なデータがあります",
    "Unexpected UTF-8 BOM (decode using utf-8-sig)": "先頭に BOM があります",
    # Python 3.13 and later.
    "Illegal trailing comma before end of object": "オブジェクトの最後に余計な ',' があります",
    "Illegal trailing comma before end of array": "配列の最後に余計な ',' があります",
}

# What the system says of the OS errors a file can meet (os.strerror: English here,
# as Python does not translate it), in Japanese.
_OS_REASONS = {os.strerror(code): ja for code, ja in (
    (errno.EACCES, "アクセスが許可されていません"),
    (errno.EPERM, "操作が許可されていません"),
    (errno.ENOENT, "ファイルまたはフォルダがありません"),
    (errno.ENOTDIR, "パスの途中がフォルダではありません"),
    (errno.EISDIR, "フォルダです"),
    (errno.ELOOP, "シンボリックリンクの段数が多すぎます (ループしています)"),
    (errno.ENAMETOOLONG, "ファイル名が長すぎます"),
    (errno.ENOSPC, "デバイスに空き領域がありません"),
    (errno.EROFS, "読み取り専用のファイルシステムです"),
    (errno.EDQUOT, "ディスクの割り当て量を超えました"),
    (errno.EIO, "入出力エラーです"),
    (errno.EFBIG, "ファイルが大きすぎます"),
    (errno.EMFILE, "開いているファイルが多すぎます"),
    (errno.ENFILE, "システムで開いているファイルが多すぎます"),
    (errno.EBUSY, "使用中です"),
    (errno.ETXTBSY, "実行中のファイルです"),
    (errno.ENXIO, "デバイスがありません"),
    (errno.ENODEV, "デバイスがありません"),
    (errno.EEXIST, "すでにあります"),
    # Listening (serve --host/--port).
    (errno.EADDRINUSE, "ほかのプログラムが使用中です"),
    (errno.EADDRNOTAVAIL, "このマシンのアドレスではありません"),
    (errno.EXDEV, "別のファイルシステムをまたいでいます"),
    (errno.EPIPE, "パイプが閉じられました"),
    (errno.EAGAIN, "一時的に使えません"),
    (errno.EINVAL, "引数が正しくありません"),
)}


def json_detail(msg: str) -> Msg:
    """A message of Python's JSON decoder, in both languages.

    The pure-Python decoder adds the offending character to some ("Invalid \\escape:
    'q'"), and newer Pythons add messages; a message known by its start is translated,
    an unknown one is said in general words in Japanese, never in English.
    """
    ja = _JSON_DETAILS.get(msg) or next((j for en, j in _JSON_DETAILS.items() if msg.startswith(en)), None)
    return Msg(msg, ja or "構文が正しくありません")


def unknown_detail(msg: str) -> Msg:
    """pydantic's English words for a kind of problem that has no message here yet.

    The Japanese never quotes them (a clerk reading Japanese would get an English
    sentence in the middle): it points to the English error instead. Each kind the fact
    model can raise has its own message; tests/test_messages.py tries them all.
    """
    return Msg(msg, "詳しくは --lang en のエラーを見てください")


def choices(expected: str) -> Msg:
    """pydantic's "'a', 'b' or 'c'" as a list a clerk reads in either language."""
    names = re.findall(r"'[^']*'|[^\s,']+", expected.replace(" or ", ", "))
    if len(names) <= 1:
        return Msg(expected, expected)
    return Msg(expected, "、".join(names) + " のいずれか")


def os_reason(exc: OSError) -> Msg:
    """Why a read or write failed, in both languages (the system's own English text,
    kept in Japanese too when it is not a common one)."""
    text = exc.strerror or type(exc).__name__
    return Msg(text, _OS_REASONS.get(text, text))
