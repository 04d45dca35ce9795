"""A small month whose every figure was worked out by hand (see test_figures.py for the sums).

Default playbook, Asia/Shanghai, working hours 08:30-17:30 Monday to Friday.
2026 calendar used: 2026-09-25 (Fri) and 2026-10-01/02/05/06/07 are public
holidays; 2026-10-10 (Sat) is a make-up working day. Deadlines: a general
complaint is answered by the end of the working day, a major one within
30 minutes, a hotline referral within 3 hours; all are resolved within 3
calendar days (a pause pushes that by its wall-clock length).

  F  Sep 24 Thu 10:00  general phone billing     ack 11:00, resolved Mon Sep 28 10:00 (late), follow-up, closed
  B  Sep 30 Wed 17:00  major phone product       ack 17:45 (late), resolved Thu Oct 8 12:00 across National Day (late)
  A  Oct 9 Fri 16:00   general phone billing     ack 16:30, waits on the customer Fri 17:00 - Mon 10:00 across
                                                 the make-up Saturday, resolved Mon Oct 12 11:00, follow-up with
                                                 scores, closed
  C  Oct 12 Mon 09:00  general web logistics     never answered: both deadlines overdue at the month's end
  D  Oct 20 Tue 10:00  general hotline after-sales  ack 11:00, resolved Wed, reopened Thu, resolved Fri 15:00 (late),
                                                 follow-up dissatisfied, closed; no handler named
"""

from __future__ import annotations

import datetime as dt

from cxcoach.desk import Desk

TZ = dt.timezone(dt.timedelta(hours=8))
H1, H2 = "周敏", "陈涛"


def t(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TZ)


def record(desk: Desk) -> None:
    desk.open(facts={"severity": "general", "channel": "phone", "category": "billing", "responsible_owner": H1},
              at=t(9, 24, 10), external_id="F", by="service_advisor")
    desk.update("F", stage="acknowledged", at=t(9, 24, 11))
    desk.update("F", stage="resolved", at=t(9, 28, 10))
    desk.follow_up("F", satisfaction="satisfied", at=t(9, 29, 9))
    desk.update("F", stage="closed", at=t(9, 29, 10), by="service_director")

    desk.open(facts={"severity": "major", "channel": "phone", "category": "product_quality", "responsible_owner": H2},
              at=t(9, 30, 17), external_id="B", by="service_advisor")
    desk.update("B", stage="acknowledged", at=t(9, 30, 17, 45))
    desk.update("B", stage="investigating", at=t(9, 30, 18))
    desk.update("B", stage="resolved", facts={"root_cause": "Meter misread"}, at=t(10, 8, 12))

    desk.open(facts={"severity": "general", "channel": "phone", "category": "billing", "responsible_owner": H1},
              at=t(10, 9, 16), external_id="A", by="service_advisor")
    desk.update("A", stage="acknowledged", at=t(10, 9, 16, 30))
    desk.update("A", stage="waiting_customer", at=t(10, 9, 17))
    desk.update("A", stage="investigating", at=t(10, 12, 10))
    desk.update("A", stage="resolved", facts={"root_cause": "meter  MISREAD",
                                              "corrective_measures":
                                                  "Read meters twice from 1 Nov; the supervisor signs"},
                at=t(10, 12, 11))
    desk.follow_up("A", satisfaction="satisfied", scores={"reliability": (8, 9), "responsiveness": (8, 6)},
                   at=t(10, 13, 10))
    desk.update("A", stage="closed", at=t(10, 13, 11), by="service_manager")

    desk.open(facts={"severity": "general", "channel": "web", "category": "logistics", "responsible_owner": H1},
              at=t(10, 12, 9), external_id="C", by="service_advisor")

    desk.open(facts={"severity": "general", "channel": "hotline", "category": "after_sales"},
              at=t(10, 20, 10), external_id="D", by="service_director")
    desk.update("D", stage="acknowledged", at=t(10, 20, 11))
    desk.update("D", stage="investigating", at=t(10, 20, 11, 30))
    desk.update("D", stage="resolved", facts={"root_cause": "Part out of stock"}, at=t(10, 21, 10))
    desk.update("D", stage="investigating", at=t(10, 22, 9), note="still broken")
    desk.update("D", stage="resolved", at=t(10, 23, 15))
    desk.follow_up("D", satisfaction="dissatisfied", scores={"reliability": (9, 6)}, at=t(10, 26, 10))
    desk.update("D", stage="closed", at=t(10, 26, 11), by="service_manager")
