"""The CLI's own help texts in Chinese, keyed by their English words: `cxcoach --lang zh ... --help`.

Looked up by the Chinese help layout (click_words.ChineseHelpFormatter) as it
writes a page, so the command objects stay as declared and an English page
after a Chinese one (in one test process) is untouched. A text with no entry
is shown in English. `SHORT` holds the one-line summaries that command lists
show (a command docstring's first sentence, which Click may cut short with
"..."); `HELP` whole docstrings and option helps. tests/test_cli_chinese.py
checks that every text of every help page has an entry, so an edited or added
English help cannot go untranslated unseen.
"""

from __future__ import annotations

SHORT: dict[str, str] = {
    "Working days, holidays (named) and make-up workdays of the playbook's calendar.":
        "手册营业日历中的工作日、节假日（附名称）和调休上班日。",
    "Score real answers labelled good/bad (or 0-3) and report how well the rubric agrees.":
        "给标注了好/差（或 0-3 分）的真实回答打分，报告评分标准与标注的一致程度。",
    "Record complaint cases and walk them through the playbook's procedure.": "登记投诉案例，按手册流程逐步处理。",
    "Write closed cases past retention to an archive, verify it, and (with --purge) delete them.":
        "把过了保存期的已结案例写入归档并校验，加 --purge 时再从库中删除。",
    "Record the customer's view after resolution.": "登记解决后客户的回访意见。",
    "Restore an archive, or import a ticket system's export with --mapping; bad rows are reported and skipped.":
        "恢复归档，或用 --mapping 导入工单系统的导出文件；有问题的行会报告并跳过。",
    "The queue: open cases, next deadline first.": "案例队列：未结案例，最近的截止时间排在前面。",
    "Record a new case (the same case format as `recommend`) and print it with its id.":
        "登记新案例（格式与 recommend 相同），并显示它的编号。",
    "The timeline, deadlines and current recommendations (or a filled form).":
        "案例的时间线、时限和当前建议（或填好的表单）。",
    "Append an event: a stage move, facts, or a note.": "追加一条事件：推进阶段、补充事实或记一条备注。",
    "Record a realistic month of complaint cases through the desk (every event validated by the playbook).":
        "通过投诉台录入一个月的逼真演示案例（每个事件都经手册校验）。",
    "Role-play drills: list them, or run one headlessly from a file of replies.":
        "角色扮演演练：列出演练，或用回复文件在命令行里跑一场。",
    "List drills: id, title, difficulty, customer type and locales.": "列出演练：编号、标题、难度、客户类型和语言。",
    "Run drill ID with one reply per customer turn; print the transcript, ending and report.":
        "运行演练 ID，每轮顾客发言配一条回复；输出对话记录、结局和报告。",
    "Play a drill automatically: fork at every response using replies built from its matchers, plus random "
    "conversations; report how often each node, edge and ending is hit.":
        "自动演练：在每个回应处用匹配规则生成的回复分支，再加随机对话；报告各节点、各边和各结局被走到的次数。",
    "Export playbook content for people (currently: the trainer handbook).": "把手册内容导出给人看（目前为培训手册）。",
    "A printable handbook: procedures with deadlines, scripts, do's and don'ts, strategies, drills.":
        "可打印的手册：带时限的流程、话术、该做与不该做、应对策略和演练。",
    "Find likely mistakes in playbooks (default: the shipped one).": "查找手册中可能的错误（默认检查自带手册）。",
    "Create a new playbook folder, or add a drill, rule or test file to a playbook.":
        "新建手册文件夹，或给手册添加演练、规则或测试文件。",
    "Recommend next steps, deadlines and escalation for a case.": "为案例推荐下一步、时限和升级对象。",
    "Reports over the complaint desk's cases.": "投诉台案例的报表。",
    "The month's complaint analysis: counts by channel, category and severity; time to respond and to resolve in "
    "business hours; on-time rates and overdue cases; resolution and reopen rates; follow-up satisfaction and "
    "c = b / a per dimension; recurring root causes; per-handler figures; change against the month before.":
        "月度投诉分析：按渠道、类别和严重程度计数；以营业时间计的响应与解决用时；按时率与超时案例；解决率与重开率；"
        "回访满意度及各维度的 c = b / a；反复出现的根本原因；各处理人的数据；与上月相比的变化。",
    "Print the JSON Schema of `report monthly --format json` (for BI tools and validators).":
        "输出 report monthly --format json 的 JSON Schema（供 BI 工具和校验器使用）。",
    "Score one reply: 0-100, the behaviours found with their spans, and feedback.":
        "给一条回复打分：0-100 分，找到的做法及其位置，以及反馈。",
    "Run playbook tests (default: the shipped playbook's tests).": "运行手册测试（默认运行自带手册的测试）。",
    "Open the app: practice drills, the supervisor console, history and playbooks.":
        "打开应用：演练、主管控制台、历史记录和手册。",
    "Check playbooks (files or folders; default: the shipped ones).": "检查手册（文件或文件夹；默认检查自带手册）。",
}

HELP: dict[str, str] = {
    # cxcoach
    "cxcoach: complaint-handling playbooks, recommendations and role-play drills.\n\n"
    "Run without a command to open the app. Playbooks are YAML files validated\n"
    "by JSON Schemas; see `cxcoach validate --help`.":
        "cxcoach：投诉处理手册、处理建议和角色扮演演练。\n\n"
        "不带命令运行即打开应用。手册是经 JSON Schema 校验的 YAML 文件，参见 cxcoach validate --help。",
    "Show the version and exit.": "显示版本号并退出。",
    "Show this message and exit.": "显示本帮助并退出。",
    "Playbook file or folder for the app (default: the shipped playbook).":
        "应用使用的手册文件或文件夹（默认：自带手册）。",
    "The store of drill history and desk cases: a SQLite file or postgresql://user@host/db (default: $CXCOACH_DB, "
    "else the user data folder).":
        "演练历史和投诉台案例的存放处：SQLite 文件或 postgresql://user@host/db（默认：$CXCOACH_DB，否则为用户数据文件夹）。",
    "Interface language (default: the last one used, else the playbook's first).":
        "界面语言（默认：上次使用的语言，否则为手册的第一种语言）。",
    "Playbook file or folder (default: the shipped playbook).": "手册文件或文件夹（默认：自带手册）。",
    # cxcoach recommend
    "Recommend next steps, deadlines and escalation for a case.\n\n"
    "A case is YAML or JSON: `received_at` (ISO-8601 with offset), optional\n"
    "`now`, `id`, `facts: {fact: value}` and `pauses: [{from, to}]` (see\n"
    "schemas/case.schema.json). Facts can also be given with --set.\n\n"
    "JSON output (--format json, --stream) follows schemas/result.schema.json,\n"
    "versioned by its `schema_version` (docs/integration.md): ranked\n"
    "`recommendations` with owners, due times and the ids of their scripts,\n"
    "avoid entries and rules; `deadlines`, `overdue`, `escalation`,\n"
    "`escalate_to`, `fired` (why), `strategies`, `roles`; the words (script\n"
    "lines, what to avoid and why, advice) in `texts` with --fields +texts or\n"
    "all. A case that cannot be evaluated gets an error object\n"
    "(schemas/error.schema.json): `errors` with a code, the JSON path and a\n"
    "message in --lang.\n\n"
    "--stream: every non-blank line is answered in order, by a result or an\n"
    "error object, each with its `line`; a bad line never stops the stream.\n"
    "Lines are answered by --workers processes (one per CPU by default).\n\n"
    "Exit status: 0 done (with --stream: every line a result), 1 a case could\n"
    "not be evaluated (with --stream: any line), 2 usage error, 3 bad playbook,\n"
    "4 unreadable case file (see the README for all codes).":
        "为案例推荐下一步、时限和升级对象。\n\n"
        "案例是 YAML 或 JSON：received_at（带时差的 ISO-8601 时间），可选的 now、id、"
        "facts: {事实: 取值} 和 pauses: [{from, to}]（见 schemas/case.schema.json）。事实也可以用 --set 给出。\n\n"
        "JSON 输出（--format json、--stream）遵循 schemas/result.schema.json，以其中的 schema_version "
        "标明版本（见 docs/integration.md）：按优先顺序排列的 recommendations，含负责人、截止时间及所用话术、"
        "禁忌和规则的编号；deadlines、overdue、escalation、escalate_to、fired（触发原因）、strategies、roles；"
        "加 --fields +texts 或 all 时，文字内容（话术、禁忌及原因、建议）放在 texts 里。无法评估的案例得到一个"
        "错误对象（schemas/error.schema.json）：errors 里每条有代码、JSON 路径和按 --lang 语言写的说明。\n\n"
        "--stream：逐行作答，每个非空行按顺序得到一个结果或错误对象，各带行号 line；坏行不会中断整个输入。"
        "由 --workers 个进程作答（默认每个 CPU 一个）。\n\n"
        "退出码：0 完成（--stream 时每行都有结果），1 有案例无法评估（--stream 时任一行），2 用法错误，"
        "3 手册有误，4 案例文件无法读取（全部退出码见 README）。",
    "State a fact (repeatable); wins over the case file. Also received_at=, now= and id=.":
        "给出一个事实（可重复），优先于案例文件；也可给 received_at=、now= 和 id=。",
    "Language of titles, scripts and error messages, e.g. zh or en (default: the playbook's first).":
        "标题、话术和错误信息的语言，如 zh 或 en（默认：手册的第一种语言）。",
    "Output format (default: text; json with --stream, which writes JSON only).":
        "输出格式（默认 text；--stream 时为 json，且只输出 JSON）。",
    "JSON fields to write: names (only those), +names (added to the default) or all. The default leaves out texts "
    "(script lines, what to avoid and why, advice).":
        "要输出的 JSON 字段：写字段名（只输出这些）、+字段名（在默认字段之外添加）或 all。"
        "默认不含 texts（话术、禁忌及原因、建议）。",
    "Also list rules that nearly fired and the condition that failed.": "同时列出差一点触发的规则及其未满足的条件。",
    "Evaluate as of this time (ISO-8601 with offset); default: the case's `now` or the clock.":
        "按这个时间评估（带时差的 ISO-8601）；默认：案例的 now，否则为当前时间。",
    "Read one JSON case per line on stdin, write one JSON answer per line.":
        "从标准输入每行读一个 JSON 案例，每行写出一个 JSON 答复。",
    "With --stream: processes that answer lines, in order (default: one per CPU).":
        "配合 --stream：作答的进程数，答复仍按顺序输出（默认每个 CPU 一个）。",
    # cxcoach score, drill list, drill run
    "The reply to score (default: read from stdin).": "要打分的回复（默认从标准输入读取）。",
    "Rubric id (default: the playbook's default reply rubric).": "评分标准编号（默认：手册的默认回复评分标准）。",
    "Language of the feedback, zh or en (default: guessed from the reply).":
        "反馈的语言，zh 或 en（默认：按回复内容判断）。",
    "Language of the titles (default: the playbook's first).": "标题的语言（默认：手册的第一种语言）。",
    "Trainee replies, one per turn: a YAML list or one reply per line.":
        "学员的回复，每轮一条：YAML 列表，或每行一条。",
    "Play the drill's own model answers instead of --replies.": "不用 --replies，改用演练自带的参考回答。",
    "zh or en (default: guessed from the replies).": "zh 或 en（默认：按回复内容判断）。",
    "Seed for the customer's line variants.": "顾客台词变体的随机种子。",
    "Exam mode: no feedback in the transcript, report at the end.": "考试模式：对话记录里不给反馈，最后出报告。",
    "The trainee's name, for the customer to call them by.": "学员的名字，顾客会用它称呼学员。",
    # cxcoach case open, update, follow-up, show, list
    "Set a fact (repeatable).": "设置一个事实（可重复）。",
    "The ticket system's id; usable wherever an ID is taken.": "工单系统里的编号；凡是要 ID 的地方都可以用它。",
    "When it was received (default: the file's received_at, else now).":
        "受理时间（默认：文件里的 received_at，否则为现在）。",
    "Who took the complaint (a playbook role).": "受理人（手册里的角色）。",
    "A note for the timeline.": "记入时间线的备注。",
    "SQLite file or postgresql://user@host/db (default: $CXCOACH_DB, else the user data folder).":
        "SQLite 文件或 postgresql://user@host/db（默认：$CXCOACH_DB，否则为用户数据文件夹）。",
    "Language of labels and advice.": "标签和建议的语言。",
    "Move the case to this stage.": "把案例推进到这个阶段。",
    "When it happened (default: now).": "发生时间（默认：现在）。",
    "Who did it (a playbook role; needed to close).": "由谁处理（手册里的角色；结案时必填）。",
    "One of the playbook's satisfaction states.": "手册里的满意度状态之一。",
    "Expected (a) and perceived (b) score for a service-quality dimension; c = b/a (repeatable).":
        "某个服务质量维度的期望分 a 和感知分 b；c = b/a（可重复）。",
    "What the customer said.": "客户的原话。",
    "Evaluate deadlines at this time (default: now).": "按这个时间计算时限（默认：现在）。",
    "Print this playbook form filled from the case.": "输出用案例内容填好的这张手册表单。",
    "Only open cases (the default unless --all).": "只列未结案例（不加 --all 时的默认）。",
    "Closed cases too.": "已结案例也列出。",
    "Only cases with a deadline passed.": "只列有时限已过的案例。",
    "Only cases due within e.g. 30m, 2h, 1d.": "只列在这段时间内到期的案例，例如 30m、2h、1d。",
    "At most this many cases.": "最多列出这么多个案例。",
    "Only this person's cases (the responsible_owner fact, as report monthly's handlers).":
        "只列此人的案例（按 responsible_owner 事实，与 report monthly 的处理人一致）。",
    "Only cases whose fact has this value now, e.g. severity=major (repeatable).":
        "只列某个事实当前为此取值的案例，例如 severity=major（可重复）。",
    # cxcoach report monthly, demo, calendar, tui, case archive/import, export handbook
    "The month's complaint analysis: counts by channel, category and severity; time to respond and to\n"
    "resolve in business hours; on-time rates and overdue cases; resolution and reopen rates; follow-up\n"
    "satisfaction and c = b / a per dimension; recurring root causes; per-handler figures; change against\n"
    "the month before. See docs/report.md for what each figure counts.":
        "月度投诉分析：按渠道、类别和严重程度计数；以营业时间计的响应与解决用时；按时率与超时案例；解决率与重开率；"
        "回访满意度及各维度的 c = b / a；反复出现的根本原因；各处理人的数据；与上月相比的变化。"
        "各项数字的算法见 docs/report.md。",
    "The month to report (default: last month).": "要统计的月份（默认：上个月）。",
    "Output format, whatever -o's suffix (default: from the suffix, else md).":
        "输出格式，无论 -o 文件的后缀如何（默认：按后缀，否则为 md）。",
    "Write to FILE instead of stdout.": "写入 FILE，而不是标准输出。",
    "Language of labels.": "标签的语言。",
    "Count only events before TIME (default: the month's end, or now if the month is not over).":
        "只统计 TIME 之前的事件（默认：月末；本月未过完则为现在）。",
    "The fact that names a case's handler (default: responsible_owner).":
        "记录案例处理人的事实（默认：responsible_owner）。",
    "Record a realistic month of complaint cases through the desk (every event validated by the playbook).\n\n"
    "Events later than now are left out, so this month's late cases are still open, ticking in the\n"
    "console; then try `cxcoach report monthly --month YYYY-MM -o report.html`.":
        "通过投诉台录入一个月的逼真演示案例（每个事件都经手册校验）。\n\n"
        "晚于现在的事件不录入，所以本月较晚的案例仍未结案，在控制台里继续计时；"
        "之后可以试试 cxcoach report monthly --month YYYY-MM -o report.html。",
    "Cases to record in the month (and as many in the month before, for month-over-month).":
        "这个月要录入的案例数（加 --previous 时上个月也录入同样多，便于环比）。",
    "The month to fill (default: this month).": "要填充的月份（默认：本月）。",
    "The same seed gives the same cases.": "种子相同，生成的案例也相同。",
    "Also fill the month before, so the report has a month to compare with.": "同时填充上个月，让报表有可比的月份。",
    "Working days, holidays (named) and make-up workdays of the playbook's calendar.\n\n\b\n"
    "Marks: H holiday, W make-up workday (调休上班), . weekend,\n"
    "~ estimated by the holiday source (a year whose official schedule it does\n"
    "not have yet), ? no holiday data for that year.":
        "手册营业日历中的工作日、节假日（附名称）和调休上班日。\n\n"
        "标记：H 节假日，W 调休上班，. 休息日，\n"
        "~ 由假日数据源推定（该年的官方安排尚未公布），? 该年没有假日数据。",
    "Every month of this year.": "这一年的每个月。",
    "One month (default: the current month).": "某一个月（默认：本月）。",
    "Locale of names and notes (default: every locale for names, the playbook's first for notes).":
        "名称和说明的语言（默认：名称列出所有语言，说明用手册的第一种语言）。",
    "Open the app: practice drills, the supervisor console, history and playbooks.\n\n"
    "Problems loading the playbook or opening the history database are shown\n"
    "inside the app as messages, so the app always starts.":
        "打开应用：演练、主管控制台、历史记录和手册。\n\n加载手册或打开历史数据库时出的问题会在应用里以消息显示，所以应用总能启动。",
    "Archive cases closed before this date (default: the playbook's retention, 730 days, ago).":
        "归档在此日期之前结案的案例（默认：按手册的保存期，即 730 天前）。",
    "The archive file to write (JSON Lines; never overwritten).":
        "要写入的归档文件（JSONL 格式，每行一个 JSON；不会覆盖已有文件）。",
    "Delete the archived cases once the archive reads back identical.": "归档读回核对一致后，删除已归档的案例。",
    "Column mapping for a ticket system's CSV/JSONL export (without it: restore a cxcoach archive).":
        "工单系统 CSV/JSONL 导出文件的列映射（不给则视为恢复 cxcoach 归档）。",
    "Language of the handbook (default: the playbook's first locale).": "手册的语言（默认：手册的第一种语言）。",
    "md or html (default: from the -o suffix, else md).": "md 或 html（默认：按 -o 文件的后缀，否则为 md）。",
    "Write to this file instead of stdout.": "写入这个文件，而不是标准输出。",
    # trainers: calibrate, explore, lint, new, test, validate
    "Score real answers labelled good/bad (or 0-3) and report how well the rubric agrees.\n\n"
    "RUBRIC defaults to the playbook's default reply rubric; ANSWERS to the\n"
    "shipped labelled replies (playbooks/calibration/replies.yaml). ANSWERS is\n"
    "YAML (schemas/calibration.schema.json):\n\n\b\n"
    "answers:\n"
    "  - {reply: \"非常抱歉让您久等了，我马上为您处理。\", label: good}\n"
    "  - {reply: \"这不归我管。\", label: bad, acts: [deflecting], kind: misconduct, split: held_out}\n\n"
    "Answers marked `split: held_out` are never used to tune: their detector\n"
    "precision/recall, misconduct caught, salads failed and ordering per\n"
    "language are the figures that count. A miss is fixed by adding an example\n"
    "(or counter-example) to the detector and running calibrate again.\n\n"
    "`--folds 5` also holds out each fifth of the detectors' own examples in\n"
    "turn, trains on the rest and reports each detector's recall and precision\n"
    "on the part it never saw (takes a training per fold).":
        "给标注了好/差（或 0-3 分）的真实回答打分，报告评分标准与标注的一致程度。\n\n"
        "RUBRIC 默认为手册的默认回复评分标准；ANSWERS 默认为自带的已标注回复（playbooks/calibration/replies.yaml）。"
        "ANSWERS 是 YAML 文件（schemas/calibration.schema.json）：\n\n"
        "answers:\n"
        "  - {reply: \"非常抱歉让您久等了，我马上为您处理。\", label: good}\n"
        "  - {reply: \"这不归我管。\", label: bad, acts: [deflecting], kind: misconduct, split: held_out}\n\n"
        "标为 split: held_out 的回答从不用于调参：以它们算出的识别器查准率/查全率、抓到的不当言行、"
        "未通过的堆砌回答和各语言的排序，才是算数的数字。"
        "漏判的修法是给识别器加一个例子（或反例），再运行一次 calibrate。\n\n"
        "--folds 5 还会轮流留出识别器自带例子的五分之一，用其余部分训练，"
        "报告每个识别器在没见过的那部分上的查全率和查准率（每折训练一次）。",
    "Also cross-validate the detectors on the playbook's own examples, in this many folds.":
        "同时用手册自带的例子对识别器做交叉验证，分成这么多折。",
    "Play a drill automatically: fork at every response using replies built from its matchers,\n"
    "plus random conversations; report how often each node, edge and ending is hit.":
        "自动演练：在每个回应处用匹配规则生成的回复分支，再加随机对话；报告各节点、各边和各结局被走到的次数。",
    "Locale of the replies (default: the drill's first).": "回复的语言（默认：演练的第一种语言）。",
    "Seeded random conversations on top of the systematic walk.": "在系统遍历之外，再加这么多条按种子生成的随机对话。",
    "Print the drill as a Mermaid flowchart (with hit counts) instead.":
        "改为把演练输出成 Mermaid 流程图（附走到次数）。",
    "Write the output to a file.": "把输出写入文件。",
    "Find likely mistakes in playbooks (default: the shipped one).\n\n\b\n"
    "Codes: L1xx drill graphs, L2xx rules over the fact space, L3xx matchers,\n"
    "L4xx scoring, L5xx translations and avoided phrases, L6xx unused content,\n"
    "L7xx the business calendar (holiday data about to run out).\n"
    "Silence one line with `# cxcoach: noqa L201`; project-wide with\n"
    "[tool.cxcoach.lint] ignore = [\"L601\"] in pyproject.toml or .cxcoach.toml.\n"
    "Exit status: 0 clean, 1 findings (errors, or warnings with --fail-on-warnings).":
        "查找手册中可能的错误（默认检查自带手册）。\n\n"
        "代码：L1xx 演练图，L2xx 事实空间上的规则，L3xx 匹配规则，\n"
        "L4xx 评分，L5xx 翻译与禁用说法，L6xx 未使用的内容，\n"
        "L7xx 营业日历（假日数据即将用完）。\n"
        "单行忽略：写 # cxcoach: noqa L201；整个项目忽略：在 pyproject.toml 或 .cxcoach.toml 里写\n"
        "[tool.cxcoach.lint] ignore = [\"L601\"]。\n"
        "退出码：0 没有问题，1 有发现（错误；加 --fail-on-warnings 时警告也算）。",
    "Exit 1 when any finding is left (default: only on errors).": "只要还有发现就以 1 退出（默认：只在有错误时）。",
    "Only report codes starting with this (repeatable), e.g. L2.": "只报告以此开头的代码（可重复），例如 L2。",
    "Also ignore codes starting with this (repeatable).": "另外忽略以此开头的代码（可重复）。",
    "List every lint code and exit.": "列出所有检查代码后退出。",
    "Create a new playbook folder, or add a drill, rule or test file to a playbook.\n\n\b\n"
    "cxcoach new playbook acme            # ./acme/ with playbook, content, scoring, a drill and tests\n"
    "cxcoach new drill late_parcel -p acme   # acme/drills/late_parcel.yaml\n"
    "cxcoach new rule vip_first -p acme      # acme/rules/vip_first.yaml\n"
    "cxcoach new tests generated -p acme     # acme/generated.test.yaml: a case per rule, model answers per drill\n\n"
    "The files are validated before the command returns; a scaffold that would\n"
    "not validate is removed again and the problems are shown.":
        "新建手册文件夹，或给手册添加演练、规则或测试文件。\n\n"
        "cxcoach new playbook acme               # ./acme/：手册、内容、评分、一个演练和测试\n"
        "cxcoach new drill late_parcel -p acme   # acme/drills/late_parcel.yaml\n"
        "cxcoach new rule vip_first -p acme      # acme/rules/vip_first.yaml\n"
        "cxcoach new tests generated -p acme     # acme/generated.test.yaml：每条规则一个案例，每个演练一套参考回答\n\n"
        "命令返回前会校验生成的文件；校验不通过的脚手架会被删掉，并显示问题所在。",
    "playbook: where to create the NAME folder.": "playbook：在哪里创建 NAME 文件夹。",
    "drill, rule: the playbook folder to add the file to.": "drill、rule：把文件加到哪个手册文件夹。",
    "playbook: comma-separated locales, first is default.": "playbook：用逗号分隔的语言列表，第一个为默认语言。",
    "tests: regenerate over an existing NAME.test.yaml.": "tests：覆盖已有的 NAME.test.yaml 重新生成。",
    "Run playbook tests (default: the shipped playbook's tests).\n\n"
    "PATHS are playbook folders (every *.test.yaml inside runs against that\n"
    "playbook) or single test files (run against their own folder, or the\n"
    "`playbook:` they name). Exit status: 0 all passed, 1 failures or errors,\n"
    "5 no tests found.":
        "运行手册测试（默认运行自带手册的测试）。\n\n"
        "PATHS 可以是手册文件夹（其中每个 *.test.yaml 都针对该手册运行），"
        "也可以是单个测试文件（针对所在文件夹，或文件里 playbook: 指定的手册运行）。"
        "退出码：0 全部通过，1 有失败或出错，5 没有找到测试。",
    "Report rules, drill nodes/edges, responses, detectors and criteria no test exercises.":
        "报告没有任何测试覆盖到的规则、演练节点/边、回应、识别器和评分项。",
    "Only run tests whose name contains this text.": "只运行名字里含有这段文字的测试。",
    "One line per test instead of dots.": "每个测试输出一行，而不是一个点。",
    "Check playbooks (files or folders; default: the shipped ones).\n\n"
    "Every problem is printed as FILE:LINE:COL with a fix hint. Exit status:\n"
    "0 valid, 1 problems found, 2 usage error.":
        "检查手册（文件或文件夹；默认检查自带手册）。\n\n"
        "每个问题都以 FILE:LINE:COL 的形式输出，并附修改提示。退出码：0 有效，1 发现问题，2 用法错误。",
    "json: one object with every problem, for editors and CI.": "json：把所有问题放进一个对象，供编辑器和 CI 使用。",
    "Treat warnings as errors (exit 1).": "把警告当作错误（以 1 退出）。",
}
