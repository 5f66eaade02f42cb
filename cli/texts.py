"""The command line's own texts, in English and Japanese: labels of the rendered report,
the rule authors' commands, batch's summary, the HTTP service and the MCP server.

The same format as ``engine/texts.py`` (the engine's texts; the engine never imports
the CLI): dotted keys, ``(English, Japanese)``. :func:`labels` gives one group in one
language as a dict (``labels("render", "ja")["title"]``); :func:`msgs` the group as
:class:`Msg` values in both. tests/test_messages.py checks every entry.
"""

from __future__ import annotations

from functools import cache

from ..engine.texts import Msg

CLI_TEXTS: dict[str, tuple[str, str]] = {
    # The report as text and Markdown (cli/render.py; the service's note too).
    "render.title": ("backup-doctor report", "backup-doctor 診断結果"),
    "render.ticket": ("Ticket", "チケット"),
    "render.findings": ("What is wrong", "原因"),
    "render.none_found": ("No cause found from the facts given.", "入力された情報からは原因が見つかりませんでした。"),
    "render.fixes": ("What to do, in this order", "対処（この順に試してください）"),
    "render.caveats": ("Before you start", "始める前に"),
    "render.questions": ("Worth asking the customer", "お客様に確認したいこと"),
    "render.unrecognised": ("Messages not recognised (check the wording)", "認識できなかったメッセージ（文言を確認してください）"),
    "render.uses": ("Services not recognised", "認識できなかったサービス"),
    "render.estimate": ("Backup size", "バックアップのサイズ"),
    "render.why": ("why", "理由"),
    "render.explain": ("How the rules reached this", "ルールの推論過程"),
    "render.as_of": ("Knowledge as of", "知識の基準日"),
    "render.reported": ("as reported", "申告値"),
    "render.more_questions": ("(and {n} more, less likely to change the advice: see --format json)",
                             "（ほかに {n} 件。助言が変わる可能性は低めです。--format json で確認できます）"),
    "render.matched": ("matched", "照合"),
    # The short form, --brief (cli/brief.py; the service's note and the MCP brief too).
    "brief.title": ("backup-doctor brief", "backup-doctor 要約"),
    "brief.heading": ("{label}:", "【{label}】"),
    "brief.bullet": ("- ", "・"),
    "brief.causes": ("Causes", "原因"),
    "brief.fixes": ("What to do, in this order", "対処（この順に）"),
    "brief.caveats": ("Caveats", "注意"),
    "brief.questions": ("Ask the customer", "確認すること"),
    "brief.more_in_full": ("(and {n} more in the full report)", "（ほか {n} 件は全文に）"),
    "brief.unrecognised": ("{n} message(s) not recognised: see the full report.",
                           "認識できなかったメッセージが {n} 件あります（全文を参照）。"),
    "brief.uses": ("{n} service(s) not recognised: see the full report.",
                   "認識できなかったサービスが {n} 件あります（全文を参照）。"),
    "brief.not_json": ("--brief is a short form for people: use it with --format text or markdown "
                       "(the JSON report is always whole)",
                       "--brief は人が読むための要約です。--format text か markdown と一緒に使ってください"
                       "（JSON の診断結果は常に全体です）"),
    # Rule authors' commands: rules list/show/lint/test, why-not (cli/rules_render.py).
    "rules.finding": ("finding", "所見"),
    "rules.recommendation": ("recommendation", "対処"),
    "rules.caveat": ("caveat", "注意"),
    "rules.rules": ("rules", "ルール"),
    "rules.findings": ("findings", "所見"),
    "rules.recommendations": ("recommendations", "対処"),
    "rules.caveats": ("caveats", "注意"),
    "rules.pack": ("Pack", "パック"),
    "rules.at": ("Defined at", "定義場所"),
    "rules.when": ("When (all of these hold)", "条件（すべて成り立つとき）"),
    "rules.then": ("Then", "結論"),
    "rules.ask": ("Ask if unknown", "不明なら質問する項目"),
    "rules.refs": ("References", "参考"),
    "rules.replaces": ("Replaces the built-in rule of this id", "同じ ID の組み込みルールを置き換えます"),
    "rules.texts": ("Texts", "文言"),
    "rules.tier": ("tier", "段階"),
    "rules.reached_by": ("Reached, by: {rules}", "出ています。出したルール: {rules}"),
    "rules.not_reached": ("Not reached.", "出ていません。"),
    "rules.no_rule": ("No loaded rule concludes it: add a rule, or check `backup-doctor rules lint`.",
                     "これを出すルールが読み込まれていません。ルールを追加するか `backup-doctor rules lint` で確認してください。"),
    "rules.fired": ("fired", "発火"),
    "rules.not_fired": ("did not fire", "発火せず"),
    "rules.holds": ("✓ holds  ", "✓ 成立  "),
    "rules.fails": ("✗ fails  ", "✗ 不成立"),
    "rules.unknown": ("? unknown", "? 不明  "),
    "rules.unknown_facts": ("unknown: {f}", "不明な項目: {f}"),
    "rules.blocked": ("blocked: finding {f} was reached", "阻止: 所見 {f} が出ています"),
    "rules.principle": ("ranking principle {id}: {text}", "順位付けの原則 {id}: {text}"),
    "rules.questions": ("Ask the customer", "お客様に確認すること"),
    "rules.no_question": ("(no question text in the packs for this field)", "（この項目の質問文はパックにありません）"),
    "rules.lint_ok": ("No problems found.", "問題はありません。"),
    "rules.lint_n": ("{n} problem(s) found.", "問題が {n} 件あります。"),
    "rules.pass": ("PASS", "成功"),
    "rules.fail": ("FAIL", "失敗"),
    "rules.error": ("ERROR", "エラー"),
    "rules.present": ("missing (expected present)", "出ていません（出るはず）"),
    "rules.absent": ("present (expected absent)", "出ています（出ないはず）"),
    "rules.first": ("rank-1 recommendation", "1 位の対処"),
    "rules.q": ("not asked", "質問されていません"),
    "rules.expected": ("expected", "期待"),
    "rules.got": ("got", "結果"),
    "rules.nothing": ("(none)", "（なし）"),
    "rules.summary": ("{p} passed, {f} failed", "成功 {p} 件、失敗 {f} 件"),
    "rules.coverage": ("Coverage (reached/counted; below each, what no case reached)",
                      "網羅状況（到達数/対象数。その下は、どのケースも到達しなかったもの）"),
    # batch's summary and progress line (cli/batch_cmd.py).
    "batch.head": ("{lines} lines: {diagnosed} diagnosed, {invalid} invalid, {failed} failed",
                  "{lines} 行: 診断 {diagnosed} 件、入力エラー {invalid} 件、失敗 {failed} 件"),
    "batch.top": ("most frequent findings:", "多かった原因:"),
    "batch.none": ("no findings", "原因の検出はありません"),
    "batch.lines": ("lines", "行"),
    # backup-doctor mcp without its extra (cli/mcp_cmd.py).
    "mcp_cmd.no_extra": ("Error: the MCP server needs the mcp extra: pip install 'backup-doctor[mcp]'",
                        "エラー: MCP サーバーには mcp エクストラが必要です: pip install 'backup-doctor[mcp]'"),
    # backup-doctor serve without its extra (cli/serve_cmd.py).
    "serve.missing": ("Error: the HTTP service needs the server extra: pip install 'backup-doctor[server]'",
                     "エラー: HTTP サービスには server エクストラが必要です: pip install 'backup-doctor[server]'"),
    # `serve --api-keys` errors, shown before the service starts (cli/service/auth.py).
    "keys_file.unreadable": ("cannot read the API keys file {path}: {reason}",
                             "API キーのファイル {path} を読めません: {reason}"),
    "keys_file.empty": ("the API keys file {path} holds no key (one key per line; # starts a comment)",
                        "API キーのファイル {path} にキーがありません (1 行に 1 キー、# で始まる行はコメント)"),
    "keys_file.short": ("line {line} of {path}: a key must have at least {n} characters",
                        "{path} の {line} 行目: キーは {n} 文字以上にしてください"),
    "keys_file.spaces": ("line {line} of {path}: a key cannot contain spaces", "{path} の {line} 行目: キーに空白は使えません"),
    # The HTTP service: each problem's title (cli/service/problems.py) ...
    "problem.bad_json": ("The body is not valid JSON", "本文が正しい JSON ではありません"),
    "problem.bad_parameter": ("A query parameter is not valid", "クエリパラメータが正しくありません"),
    "problem.unknown_lang": ("Unknown language", "対応していない言語です"),
    "problem.unauthorized": ("An API key is required", "API キーが必要です"),
    "problem.unknown_id": ("Unknown id", "id が見つかりません"),
    "problem.not_found": ("No such endpoint", "そのエンドポイントはありません"),
    "problem.method_not_allowed": ("Method not allowed", "このメソッドは使えません"),
    "problem.too_large": ("The body is too large", "本文が大きすぎます"),
    "problem.invalid_facts": ("The fact file is not valid", "ファクトファイルが正しくありません"),
    "problem.invalid_batch": ("The batch request is not valid", "バッチのリクエストが正しくありません"),
    "problem.too_many_items": ("Too many items in the batch", "バッチの件数が多すぎます"),
    "problem.engine_error": ("The diagnosis failed inside the engine", "エンジン内部で診断に失敗しました"),
    "problem.not_ready": ("The service is starting", "サービスを起動中です"),
    # ... and the details the service writes itself, formatted with the error's params.
    "service.bad_parameter": ("{count} query parameter(s) are not valid", "クエリパラメータに問題が {count} 件あります"),
    "service.unknown_lang": ("lang must be en or ja, not {value}", "lang には en か ja を指定してください ({value} は使えません)"),
    "service.unauthorized": ("send the header Authorization: Bearer <key> with a key the service was given",
                            "Authorization: Bearer <キー> ヘッダーで、サービスに登録された API キーを送ってください"),
    "service.not_found": ("no endpoint at {path} (GET /openapi.json lists them)",
                         "{path} にエンドポイントはありません (一覧は GET /openapi.json)"),
    "service.method_not_allowed": ("{method} is not accepted at {path}", "{path} では {method} は使えません"),
    "service.too_large": ("the body is larger than {limit:,} bytes (the limit for one request)",
                         "本文が {limit:,} バイトを超えています (1 リクエストの上限)"),
    "service.invalid_batch": ("{count} problem(s) in the batch request", "バッチのリクエストに問題が {count} 件あります"),
    "service.too_many_items": ("{count:,} items in the batch; at most {limit} are accepted in one request",
                              "バッチが {count:,} 件あります。1 リクエストで {limit} 件までです"),
    "service.engine_error": ("the rules failed to run (a bug in backup-doctor; the decision id identifies it in the logs)",
                            "ルールの実行に失敗しました (backup-doctor の不具合です。ログは決定 ID で探せます)"),
    "service.not_ready": ("the rules are still being loaded; try again in a second",
                         "ルールを読み込み中です。少し待ってからもう一度送ってください"),
    "service.bad_json_other": ("not valid JSON: not UTF-8 text, nested too deep, or a number too long",
                              "JSON として読めません: UTF-8 でない、入れ子が深すぎる、または数値が長すぎます"),
    "service.bad_value": ("{value} is not accepted: {detail}", "{value} は受け付けない値です ({detail})"),
    "service.true_false": ("true or false", "true か false"),
    "service.required": ("is required", "必須です"),
    "service.must_be_object": ("must be a JSON object {{...}}", "JSON のオブジェクト {{...}} にしてください"),
    "service.must_be_list": ("must be a JSON list [...]", "JSON の配列 [...] にしてください"),
    "service.must_be_id": ("must be text of 1 to 200 characters", "1〜200 文字の文字列にしてください"),
    "service.unknown_key": ("unknown field (accepted: {accepted})", "この項目はありません (受け付ける項目: {accepted})"),
    # The consultation page at / (cli/service/page.py and its templates).
    "page.title": ("backup-doctor consultation", "backup-doctor 相談窓口"),
    "page.field_ticket": ("Ticket number", "受付番号"),
    "page.field_symptoms.messages": ("What the phone shows", "iPhone に表示された文言"),
    "page.field_uses": ("Services and features the customer uses", "お客様が使っているサービス・機能"),
    "page.language": ("Language", "表示言語"),
    "page.footer": ("the facts stay in this page; the server keeps nothing",
                    "入力した内容はこのページの中だけにあり、サーバーには残りません"),
    "page.errors": ("Please check", "確認してください"),
    "page.goal_heading": ("1. What does the customer want to do?", "1. お客様がしたいことは？"),
    "page.goal_backup": ("Back up", "バックアップ"),
    "page.goal_backup_hint": ("back up this iPhone to iCloud", "この iPhone を iCloud にバックアップする"),
    "page.goal_migrate": ("Move to a new iPhone", "機種変更（データ移行）"),
    "page.goal_migrate_hint": ("move the data to a new iPhone through iCloud", "iCloud 経由で新しい iPhone にデータを移す"),
    "page.goal_restore": ("Restore", "復元"),
    "page.goal_restore_hint": ("restore an iPhone from an iCloud backup", "iCloud バックアップから iPhone を復元する"),
    "page.words_heading": ("2. What does the phone show?", "2. iPhone に表示されている文言"),
    "page.words_hint": ("Paste or type the messages on the screen, one per line (optional).",
                        "画面のメッセージを 1 行に 1 つ、貼り付けるか入力してください（なくても進めます）。"),
    "page.ticket": ("Ticket number (optional)", "受付番号（任意）"),
    "page.start": ("Start", "相談を始める"),
    "page.remaining": ("{n} question(s) that could still change the advice",
                       "助言が変わりうる質問が残り {n} 件"),
    "page.could_blocking": ("may reveal what blocks the backup", "バックアップを妨げる原因がわかるかもしれません"),
    "page.could_cause": ("may change the cause", "原因が変わるかもしれません"),
    "page.could_fix": ("may change the fix", "対処が変わるかもしれません"),
    "page.could_caveat": ("may add a warning", "注意事項が増えるかもしれません"),
    "page.why": ("Why we ask", "確認する理由"),
    "page.yes": ("Yes", "はい"),
    "page.no": ("No", "いいえ"),
    "page.next": ("Next", "次へ"),
    "page.dont_know": ("Doesn't know", "わからない"),
    "page.finish": ("Finish and show the report", "ここで終えて結果を見る"),
    "page.history": ("Answers so far", "これまでの回答"),
    "page.change": ("Change", "変更"),
    "page.findings": ("Causes so far", "今わかっている原因"),
    "page.no_findings": ("No cause found yet.", "まだ原因は見つかっていません。"),
    "page.first_fix": ("What to do first", "まず試すこと"),
    "page.report_heading": ("Result", "診断結果"),
    "page.settled": ("No open question could change the causes or the first fix.",
                     "残りの質問で原因や最初の対処が変わることはありません。"),
    "page.finished_early": ("Finished early: some questions could still change the advice.",
                            "途中で終了しました。残りの質問で助言が変わる可能性があります。"),
    "page.download": ("Download the fact file", "ファクトファイルをダウンロード"),
    "page.continue": ("Back to the questions", "質問に戻る"),
    "page.more": ("Ask more questions", "さらに質問する"),
    "page.new": ("New consultation", "新しい相談"),
    "page.note_heading": ("Note for the ticket (Markdown)", "チケット用メモ（Markdown）"),
    "page.note_hint": ("Select the text and copy it into the ticket.", "テキストを選択して、チケットにコピーしてください。"),
    "page.copy": ("Copy the note", "メモをコピー"),
    "page.copied": ("Copied.", "コピーしました。"),
    "page.key_heading": ("This service needs an API key", "このサービスには API キーが必要です"),
    "page.key_label": ("API key", "API キー"),
    "page.key_button": ("Continue", "続ける"),
    "page.key_hint": ("The key is kept in this browser only, until it is closed.",
                      "キーはこのブラウザーにだけ保存され、ブラウザーを閉じると消えます。"),
    "page.bad_key": ("This key is not accepted.", "この API キーは使えません。"),
    "page.bad_state": ("The form's data was damaged; start again.", "フォームのデータが壊れています。最初からやり直してください。"),
    "page.no_goal": ("Choose what the customer wants to do.", "お客様がしたいことを選んでください。"),
    "page.empty": ("Enter an answer, or press \"Doesn't know\".", "回答を入力するか「わからない」を押してください。"),
    "page.not_a_choice": ("Choose one of the answers shown.", "表示された選択肢から選んでください。"),
    "page.not_a_number": ("{value} is not a number.", "{value} は数値ではありません。"),
    "page.not_a_version": ("{value} is not a version (like 18.6 or 17.5.1).",
                           "{value} はバージョンの形ではありません（18.6 や 17.5.1 のように入力してください）。"),
    # The MCP server's own texts (cli/chatbot/).
    "mcp.bad_arguments": ("{count} problem(s) in the tool's arguments", "ツールの引数に問題が {count} 件あります"),
    "mcp.fix_facts": ("Correct these fields of `facts` and call the tool again. Leave out what the customer does not "
                      "know (unknown is not false). The fact file's JSON Schema is this tool's `facts` input schema "
                      "and the resource {schema_uri}.",
                      "`facts` のこれらの項目を直して、もう一度ツールを呼んでください。お客様が分からない項目は省いてください"
                      "（不明は false ではありません）。ファクトファイルの JSON Schema は、このツールの入力スキーマ `facts` と"
                      "リソース {schema_uri} にあります。"),
    "mcp.fix_arguments": ("Call the tool again with these arguments corrected.", "引数を直して、もう一度ツールを呼んでください。"),
    "mcp.fix_id": ("The tool list_rules lists every rule and the ids it concludes.",
                  "ツール list_rules で、すべてのルールとその結論の id を確認できます。"),
    "mcp.internal": ("internal error: the rules failed to run ({detail}). This is a bug in backup-doctor, not a problem with the facts: do not retry with the same facts; tell the helpdesk.",
                    "内部エラー: ルールを実行できませんでした ({detail})。backup-doctor の不具合で、入力の問題ではありません。同じ内容で再試行せず、ヘルプデスクに伝えてください。"),
    "mcp.timeout": ("the diagnosis did not end within {seconds:g} s", "診断が {seconds:g} 秒以内に終わりませんでした"),
}


@cache
def labels(group: str, lang: str) -> dict[str, str]:
    """The texts of *group* (``render``, ``rules``, ...) in *lang*, by their short key."""
    index = 1 if lang == "ja" else 0
    prefix = group + "."
    return {key.removeprefix(prefix): texts[index] for key, texts in CLI_TEXTS.items() if key.startswith(prefix)}


def table(group: str) -> dict[str, tuple[str, str]]:
    """The texts of *group* as (English, Japanese), by their short key."""
    prefix = group + "."
    return {key.removeprefix(prefix): texts for key, texts in CLI_TEXTS.items() if key.startswith(prefix)}


def msgs(group: str) -> dict[str, Msg]:
    """The texts of *group* in both languages, by their short key."""
    prefix = group + "."
    return {key.removeprefix(prefix): Msg(en, ja) for key, (en, ja) in CLI_TEXTS.items() if key.startswith(prefix)}
