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
    "brief.more_questions": ("(and {n} more in the full report)", "（ほか {n} 件は全文に）"),
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
    "batch.bad_shard": ("{value!r} is not a shard: give I/N, two whole numbers with 1 <= I <= N (e.g. 1/4)",
                        "{value!r} はシャードの指定になっていません。I/N の形で、1 <= I <= N の整数を指定してください (例: 1/4)"),
    # backup-doctor interview (cli/interview_cmd.py); prompts go to stderr.
    "interview.intro": ("Interview: ? = the customer doesn't know, b = back one answer, q = stop.",
                        "聞き取り: ? = お客様が分からない、b = 1 つ前に戻る、q = 終了"),
    "interview.keys": ("(? doesn't know · b back · q stop)", "(? 分からない · b 戻る · q 終了)"),
    "interview.goal_ask": ("What does the customer want to do?", "お客様は何をしたいですか？"),
    "interview.goal_backup": ("back up this iPhone to iCloud", "この iPhone を iCloud にバックアップする"),
    "interview.goal_migrate": ("move to a new iPhone through iCloud", "iCloud を使って新しい iPhone に移行する"),
    "interview.goal_restore": ("restore an iPhone from an iCloud backup", "iCloud バックアップから iPhone を復元する"),
    "interview.causes": ("causes so far", "現時点の原因"),
    "interview.cause": ("cause", "原因"),
    "interview.first_fix": ("first fix", "最初の対処"),
    "interview.none": ("none yet", "まだありません"),
    "interview.settled": ("No open question could change the advice: the interview is done.",
                          "助言を変えうる質問は残っていません。聞き取りを終わります。"),
    "interview.no_more": ("No more questions.", "質問はもうありません。"),
    "interview.stopped": ("Interview stopped; the report so far:", "聞き取りを中断しました。ここまでの診断結果です:"),
    "interview.nothing_back": ("Nothing to go back to.", "戻れる回答はありません。"),
    "interview.written": ("Fact file written: {path}", "ファクトファイルを書き出しました: {path}"),
    "interview.hint_yes_no": ("y = yes, n = no", "はい (y) / いいえ (n)"),
    "interview.hint_number": ("a number", "数値で"),
    "interview.hint_gb": ("a size in GB", "GB 単位のサイズで"),
    "interview.hint_version": ("a version such as 17.5.1", "17.5.1 のようなバージョンで"),
    "interview.hint_date": ("a date such as 2026-03-01", "2026-03-01 のような日付で"),
    "interview.hint_text": ("as the customer says it", "お客様の言葉のまま"),
    "interview.hint_choices": ("the numbers of all that apply, e.g. 1,3", "当てはまるものの番号をすべて (例: 1,3)"),
    "interview.between": ("from {low} to {high}{unit}", "({low}〜{high}{unit})"),
    "interview.at_least": ("of at least {low}{unit}", "({low}{unit} 以上)"),
    "interview.bad_choice": ("type a number from 1 to {n}", "1〜{n} の番号を入力してください"),
    "interview.bad_choices": ("type the numbers from 1 to {n} that apply, separated by commas",
                              "当てはまる 1〜{n} の番号をカンマ区切りで入力してください"),
    "interview.bad_yes_no": ("type y (yes) or n (no)", "はい (y) か いいえ (n) で答えてください"),
    "interview.bad_number": ("type a number", "数値を入力してください"),
    "interview.bad_version": ("type a version such as 17.5.1", "17.5.1 のようなバージョンを入力してください"),
    "interview.bad_date": ("type a date as YYYY-MM-DD, e.g. 2026-03-01", "日付を YYYY-MM-DD の形で入力してください (例: 2026-03-01)"),
    "interview.bad_text": ("type an answer, or ? if the customer doesn't know", "回答を入力してください (分からない場合は ?)"),
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
    "service.invalid_consult": ("{count} problem(s) in the consultation request", "相談のリクエストに問題が {count} 件あります"),
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
