"""The app's own words in zh and en; playbook text comes localised from the playbook.

A flat table keeps every label in one place so a translation is reviewed at a
glance, and `tr()` falls back to English rather than showing a raw key.
"""

from __future__ import annotations

LANGS = ("zh", "en")

_STRINGS: dict[str, tuple[str, str]] = {
    # key: (zh, en)
    "app.title": ("cxcoach 客服教练", "cxcoach"),
    "lang.name": ("中文", "English"),
    "mode.home": ("首页", "Home"),
    "mode.practice": ("演练", "Practice"),
    "mode.console": ("主管控制台", "Console"),
    "mode.history": ("历史", "History"),
    "mode.playbooks": ("手册", "Playbooks"),
    "key.help": ("帮助", "Help"),
    "key.quit": ("退出", "Quit"),
    "key.lang": ("语言", "Language"),
    "key.reload": ("刷新", "Reload"),
    "key.close": ("关闭", "Close"),
    "key.cancel": ("取消", "Cancel"),
    "difficulty.easy": ("简单", "easy"),
    "difficulty.medium": ("中等", "medium"),
    "difficulty.hard": ("困难", "hard"),
    "mode.exam": ("考试", "exam"),
    "home.welcome": ("欢迎使用 cxcoach：练习处理投诉，并在处理真实案件时随时查看建议。",
                     "Welcome to cxcoach: practise handling complaints, and keep a live case in view."),
    "home.playbook": ("当前手册", "Active playbook"),
    "home.language": ("语言", "Language"),
    "home.trainee": ("学员", "Trainee"),
    "home.nobody": ("（未设置，首次演练时询问）", "(not set yet: asked at your first drill)"),
    "home.practice": ("与模拟顾客对话，逐项评分", "Role-play with a simulated customer, scored"),
    "home.console": ("填写案件，实时查看下一步与时限", "Describe a case; live next steps and deadlines"),
    "home.history": ("成绩走势、筛选与导出", "Scores over time, filters, CSV export"),
    "home.playbooks": ("查看与切换手册", "Inspect and switch playbooks"),
    "home.resume": ("有未完成的演练，可在演练页按 r 选择继续。",
                    "You have unfinished drills: press r on the practice screen to pick one to resume."),
    "home.no_playbook": ("没有可用的手册", "No playbook loaded"),
    "home.no_db": ("历史记录不可用", "History is unavailable"),
    "practice.filter.difficulty": ("难度", "Difficulty"),
    "practice.filter.customer": ("顾客类型", "Customer type"),
    "practice.filter.category": ("类别", "Category"),
    "practice.exam": ("考试模式", "Exam mode"),
    "practice.timer": ("答题计时", "Reply timer"),
    "practice.col.drill": ("演练", "Drill"),
    "practice.col.difficulty": ("难度", "Level"),
    "practice.col.customer": ("顾客", "Customer"),
    "practice.col.last": ("上次", "Last"),
    "practice.start": ("开始", "Start"),
    "practice.resume": ("继续", "Resume"),
    "practice.no_drills": ("这个手册没有演练。", "This playbook has no drills."),
    "practice.open_playbook": ("按 b 打开手册页：查看问题，或换一本手册。",
                               "Press b for the playbooks screen: see what is wrong, or load another one."),
    "practice.resumed": ("已恢复未完成的演练。", "Unfinished drill resumed."),
    "practice.nothing_to_resume": ("没有未完成的演练。", "No unfinished drill to resume."),
    "resume.title": ("选择要继续的演练", "Choose a drill to carry on with"),
    "resume.col.replies": ("已答", "Replies"),
    "drill.reply": ("你的回复（回车发送）", "Your reply (Enter to send)"),
    "drill.hint": ("提示", "Hint"),
    "drill.no_hint": ("这一步没有提示。", "No hint for this step."),
    "drill.hint_exam": ("考试模式下没有提示。", "Hints are off in exam mode."),
    "drill.you": ("你", "You"),
    "drill.customer": ("顾客", "Customer"),
    "drill.feedback": ("反馈", "Feedback"),
    "drill.end": ("结束", "End"),
    "drill.mood": ("顾客情绪", "Customer mood"),
    "drill.hostility": ("敌意", "Hostility"),
    "drill.perceived": ("感知服务", "Perceived"),
    "drill.timer": ("剩余", "Left"),
    "drill.timeout": ("时间到：顾客等得不耐烦了。", "Time is up: the customer is getting impatient."),
    "drill.untimed": ("这个演练不计时。", "This drill has no reply timer."),
    "drill.quit": ("离开", "Leave"),
    "drill.report": ("报告", "Report"),
    "drill.saved_error": ("保存失败", "Could not save"),
    "drill.scoring": ("正在评分……可以先写下一句。", "Scoring your reply… you can start the next one."),
    "drill.still_scoring": ("上一句还在评分，稍后再按回车。",
                            "Still scoring your last reply: press Enter again in a moment."),
    "report.title": ("演练报告", "Drill report"),
    "report.score": ("得分", "Score"),
    "report.passed": ("通过", "Passed"),
    "report.failed": ("未通过", "Not passed"),
    "report.ending": ("结局", "Ending"),
    "report.satisfaction": ("满意度", "Satisfaction"),
    "report.criteria": ("评分项", "Criteria"),
    "report.evidence": ("证据", "Evidence"),
    "report.model": ("示范", "Model"),
    "report.turn": ("第{n}轮", "turn {n}"),
    "report.hints": ("提示扣分", "Hint cost"),
    "report.bonus": ("回应加分", "Response points"),
    "report.penalties": ("扣分", "Penalties"),
    "report.arithmetic": ("计算", "Arithmetic"),
    "report.total": ("合计", "Total"),
    "report.scale": ("满意度 c = 感知 b / 期望 a", "satisfaction c = perceived b / expected a"),
    "report.halved": ("减半：被后面的“但是”收回", "halved: taken back by a later \"but\""),
    "report.form.keywords": ("这一轮读起来像一串关键词，不计分",
                             "this turn reads as a list of keywords and earns nothing"),
    "report.form.repeated": ("这一轮同一个说法反复出现，不计分", "this turn repeats the same phrase and earns nothing"),
    "report.retry": ("再练一次", "Retry"),
    "report.back": ("返回", "Back"),
    "status.met": ("达成", "met"),
    "status.missed": ("未达成", "missed"),
    "status.triggered": ("触犯", "triggered"),
    "status.clear": ("未触犯", "clear"),
    "status.na": ("不适用", "n/a"),
    "console.case": ("案件", "Case"),
    "console.received": ("受理时间", "Received at"),
    "console.recommendations": ("下一步", "Next steps"),
    "console.none": ("没有规则触发：补充案件信息。", "No rule fires yet: fill in the case."),
    "console.respond": ("响应时限", "Respond by"),
    "console.resolve": ("解决时限", "Resolve by"),
    "console.why": ("原因", "Why"),
    "console.copy": ("复制话术", "Copy script"),
    "console.copied": ("已复制话术：", "Copied: "),
    "console.no_script": ("这一步没有话术。", "This step has no script line."),
    "console.overdue": ("已超时", "overdue"),
    "console.escalate": ("升级给：{roles}", "Escalate to: {roles}"),
    "desk.toggle": ("{name}：{state}", "{name}: {state}"),
    "console.overdue_list": ("已超时：{items}", "Overdue: {items}"),
    "list.join": ("、", ", "),
    "console.unknown": ("（未知）", "(unknown)"),
    "console.invalid": ("无效", "invalid"),
    "console.reset": ("清空", "Clear"),
    "history.trainee": ("学员", "Trainee"),
    "history.drill": ("演练", "Drill"),
    "history.all": ("全部", "All"),
    "history.empty": ("还没有演练记录。", "No drill sessions yet."),
    "history.col.when": ("时间", "When"),
    "history.col.drill": ("演练", "Drill"),
    "history.col.mode": ("模式", "Mode"),
    "history.col.score": ("得分", "Score"),
    "history.col.result": ("结果", "Result"),
    "history.overall": ("总分走势", "Score over time"),
    "history.per_criterion": ("各评分项", "Per criterion"),
    "history.export": ("导出 CSV", "Export CSV"),
    "history.exported": ("已导出到", "Exported to"),
    "history.bad_rows": ("跳过了损坏的记录", "Damaged history rows skipped"),
    "save.title": ("保存到哪里？", "Save where?"),
    "save.ok": ("保存", "Save"),
    "history.unfinished": ("未完成", "unfinished"),
    "history.mode.practice": ("练习", "practice"),
    "history.mode.exam": ("考试", "exam"),
    "history.abandoned": ("已放弃", "abandoned"),
    "playbooks.active": ("当前手册", "Active playbook"),
    "playbooks.path": ("路径", "Path"),
    "playbooks.version": ("版本", "Version"),
    "playbooks.locales": ("语言", "Locales"),
    "playbooks.contents": ("内容", "Contents"),
    "playbooks.shipped": ("内置手册", "Shipped playbooks"),
    "playbooks.open": ("打开其他手册（路径，回车加载）", "Open another playbook (path, Enter to load)"),
    "playbooks.loaded": ("已加载手册", "Playbook loaded"),
    "playbooks.invalid": ("手册无效", "Invalid playbook"),
    "playbooks.problems": ("问题", "Problems"),
    "playbooks.counts": ("{facts} 个事实 · {rules} 条规则 · {steps} 个步骤 · {scripts} 套话术 · {drills} 个演练",
                         "{facts} facts · {rules} rules · {steps} steps · {scripts} scripts · {drills} drills"),
    "name.title": ("你叫什么名字？", "What is your name?"),
    "name.help": ("用于保存你的演练记录，只问一次。", "Used to keep your drill history; asked only once."),
    "name.ok": ("确定", "OK"),
    "help.title": ("帮助", "Help"),
    "error.playbook": ("无法加载手册", "Cannot load the playbook"),
    "error.db": ("历史记录数据库不可用", "The history database is unavailable"),
    "palette.drill": ("开始演练", "Start drill"),
    "palette.left_drill": ("刚才的演练已保留，可在演练页按 r 继续。",
                           "The drill you left is kept: press r on the practice screen to resume it."),
    "palette.search": ("搜索演练、步骤、话术与命令……", "Search drills, steps, script lines and commands…"),
    "palette.themes": ("搜索主题……", "Search for themes…"),
    "key.palette": ("命令面板", "palette"),
    # Textual's own palette commands, by their English title
    "system.theme": ("主题", "Theme"),
    "system.theme.help": ("更换配色主题", "Change the current theme"),
    "system.quit": ("退出", "Quit"),
    "system.quit.help": ("立即退出程序", "Quit the application as soon as possible"),
    "system.keys": ("按键", "Keys"),
    "system.keys.help": ("显示或隐藏当前控件的按键说明", "Show or hide the keys of the focused widget"),
    "system.maximize": ("最大化", "Maximize"),
    "system.maximize.help": ("放大当前控件", "Maximize the focused widget"),
    "system.minimize": ("还原", "Minimize"),
    "system.minimize.help": ("把控件还原为原来的大小", "Restore the widget to its normal size"),
    "system.screenshot": ("截图", "Screenshot"),
    "system.screenshot.help": ("把当前界面保存为 SVG 图片", "Save an SVG picture of the current screen"),
    "palette.step": ("步骤", "Step"),
    "palette.script": ("复制话术", "Copy script line"),
    # --- the desk: the supervisor's queue of recorded cases (console screens and their widgets) ---
    "whatif.title": ("假设案件（不保存）", "What if (nothing is saved)"),
    "desk.case": ("案件", "Case"),
    "desk.received": ("受理于", "received"),
    "desk.yes": ("是", "Yes"),
    "desk.no": ("否", "No"),
    "desk.on": ("开", "on"),
    "desk.off": ("关", "off"),
    "desk.out_of_range": ("{value!r} 不是 {low}..{high} 之间的数", "{value!r} is not a number in {low}..{high}"),
    "desk.not_a_number": ("{value!r} 不是数字", "{value!r} is not a number"),
    "desk.left": ("剩余 {}", "{} left"),
    "desk.overdue_for": ("已超时 {}", "overdue {}"),
    "desk.paused": ("已暂停", "paused"),
    "desk.met": ("已达成", "met"),
    "desk.used": ("已用 {}", "{} used"),
    "desk.warning": ("已过 {} 预警线", "past the {} warning"),
    "desk.why_shown": ("原因：显示（w）", "why: shown (w)"),
    "desk.why_hidden": ("原因：隐藏（w）", "why: hidden (w)"),
    "desk.clock_paused": ("时钟已暂停", "Clock paused"),
    "desk.since": ("自", "since"),
    "desk.no_store": ("案件库不可用", "The case store is unavailable"),
    "desk.what_if_still": ("按 i 仍可打开“假设”视图（不保存）。", "Press i for the what-if view (nothing is saved)."),
    "desk.no_steps": ("没有需要做的下一步。", "No next step for this case."),
    "desk.open_count": ("未结案件 {n} 件", "{n} open"),
    "desk.overdue_count": ("超时 {n} 件", "{n} overdue"),
    "desk.paused_count": ("暂停 {n} 件", "{n} paused"),
    "desk.overdue_only": ("只看超时（o）", "Overdue only (o)"),
    "desk.checked": ("已刷新", "checked"),
    "desk.zone": ("时区", "times in"),
    "desk.closed_case": ("此案件已结案，时钟停止。", "This case is closed: no clock runs."),
    "desk.pick_case": ("请先在队列中选中一个案件。", "Highlight a case in the queue first."),
    "desk.recorded": ("已记录：案件 {case}，当前阶段 {stage}", "Recorded: case {case}, now {stage}"),
    "desk.opened": ("已受理新案件 {case}", "New case {case} recorded"),
    "desk.new_case": ("受理新案件", "Record a new case"),
    "desk.external_id": ("外部编号（工单号，可不填）", "External id (ticket number, optional)"),
    "desk.col.case": ("案件", "Case"),
    "desk.col.stage": ("阶段", "Stage"),
    "desk.col.about": ("概况", "About"),
    "desk.col.received": ("受理", "Received"),
    "desk.col.due": ("下一时限", "Next deadline"),
    "desk.col.left": ("剩余时间", "Time left"),
    "desk.col.used": ("已用", "Used"),
    "desk.col.escalate": ("升级给", "Escalate to"),
    "desk.col.respond": ("响应", "respond"),
    "desk.col.resolve": ("解决", "resolve"),
    "desk.col.time_left": ("剩余 {}", "{} left"),
    "desk.col.overdue_for": ("超时 {}", "overdue {}"),
    "desk.col.paused": ("暂停", "paused"),
    "desk.col.warning": ("预警", "warning"),
    "desk.tl.opened": ("受理", "opened"),
    "desk.tl.note": ("备注", "note"),
    "desk.tl.follow_up": ("回访", "follow-up"),
    "desk.tl.paused": ("时钟暂停", "clock paused"),
    "desk.tl.now": ("现在", "now"),
    "desk.tl.closed": ("结案", "closed"),
    "desk.tl.empty": ("没有选中的案件。", "No case selected."),
    "desk.event.stage": ("变更阶段", "move to another stage"),
    "desk.event.facts": ("设置事实", "set a fact"),
    "desk.event.note": ("添加备注", "add a note"),
    "desk.event.follow_up": ("记录回访", "record the follow-up"),
    "desk.event.close": ("结案", "close the case"),
    "desk.form.stage": ("变更为", "Move to"),
    "desk.form.close": ("结案阶段", "Close as"),
    "desk.form.fact": ("事实", "Fact"),
    "desk.form.value": ("值", "Value"),
    "desk.form.satisfaction": ("满意度", "Satisfaction"),
    "desk.form.scores": ("评分（可不填）：维度=期望:感知，多个用逗号隔开",
                         "Scores (optional): dimension=expected:perceived, comma-separated"),
    "desk.form.when": ("时间（留空为现在）", "When (empty = now)"),
    "desk.form.by": ("操作角色", "By (role)"),
    "desk.form.note": ("备注", "Note"),
    "desk.form.record": ("记录", "Record"),
    "desk.form.cancel": ("取消", "Cancel"),
    "desk.form.unknown": ("（未填写）", "(not given)"),
    "desk.form.yes": ("是", "Yes"),
    "desk.form.no": ("否", "No"),
    "desk.form.may_close": ("可以结案的角色：{roles}", "May close this case: {roles}"),
    "desk.form.nobody": ("无", "nobody"),
    "desk.form.rejected": ("未记录，原因如下：", "Not recorded, because:"),
    "desk.form.pick": ("请先选择。", "choose one first."),
    "desk.key.move": ("变更阶段", "Move"),
    "desk.key.fact": ("事实", "Fact"),
    "desk.key.note": ("备注", "Note"),
    "desk.key.follow_up": ("回访", "Follow-up"),
    "desk.key.close": ("结案", "Close"),
    "desk.key.new": ("新案件", "New case"),
    "desk.key.overdue": ("只看超时", "Overdue only"),
    "desk.key.what_if": ("假设", "What if"),
    # --- end of the desk block ---
}

HELP: dict[str, str] = {
    "zh": """\
# cxcoach 帮助

| 键 | 作用 |
|---|---|
| `h` `p` `c` `y` `b` | 首页 · 演练 · 主管控制台 · 历史 · 手册 |
| `l` | 切换语言（中文 / English） |
| `ctrl+p` | 命令面板：搜索演练、步骤和话术；切换主题 |
| `f1` / `?` | 本帮助 |
| `q` / `ctrl+q` | 退出 |

**演练**：在列表中选择演练后按回车开始。输入回复后回车发送。`f2` 提示（扣分），`escape` 离开。
中断的演练（包括程序被强制关闭）都可以继续：在演练页按 `r` 从列表中选择，或在历史页选中后回车。
打开“答题计时”后，演练里设定了耐心时限的顾客会等得不耐烦，敌意上升。

**主管控制台**（案件队列）：所有未结案件按风险排序（超时在前，再按最近时限已用比例），倒计时实时走动，
“等待客户”时暂停。选中案件后下方显示时限、时间线和下一步。`m` 变更阶段，`f` 设置事实，`n` 备注，
`u` 回访，`x` 结案，`a` 新案件，`o` 只看超时，`i` 假设视图（不保存），`w` 显示原因，`s` 复制话术。

**历史**：按学员和演练筛选，`e` 导出 CSV。

所有按键也可以用鼠标点击底部栏。
""",
    "en": """\
# cxcoach help

| Key | Does |
|---|---|
| `h` `p` `c` `y` `b` | Home · Practice · Console · History · Playbooks |
| `l` | Switch language (中文 / English) |
| `ctrl+p` | Command palette: search drills, steps and scripts; change theme |
| `f1` / `?` | This help |
| `q` / `ctrl+q` | Quit |

**Practice**: pick a drill in the list and press Enter. Type a reply and press Enter
to send it. `f2` shows a hint (costs points), `escape` leaves.
Every interrupted drill (even if the app was killed) can be resumed: press `r` on the practice
screen and pick one, or press Enter on it in the history. With the reply timer on, a customer
whose drill sets a patience limit grows impatient when you take too long, and hostility rises.

**Console** (the desk): every open case, most urgent first (overdue, then the share of the nearest
deadline used), countdowns ticking and standing still while waiting on the customer. The highlighted
case shows its deadlines, timeline and next steps. `m` move stage, `f` set a fact, `n` note,
`u` follow-up, `x` close, `a` new case, `o` overdue only, `i` what-if view (nothing saved),
`w` why, `s` copy the script line.

**History**: filter by trainee and drill, `e` exports CSV.

Every key in the footer can also be clicked with the mouse.
""",
}


def tr(key: str, lang: str, **values: object) -> str:
    """The UI string for `key` in `lang` (English when unknown), formatted with `values`."""
    pair = _STRINGS.get(key)
    if pair is None:
        return key
    text = pair[0] if lang == "zh" else pair[1]
    return text.format(**values) if values else text
