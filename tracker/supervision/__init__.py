"""督查督办: leaders' instructions (批示), meetings and their decisions (会议议定事项), and the formal
supervision notices (督办单) and lighter reminders (催办) the office sends to a department that lags.

A 批示 and a meeting's minutes are each held as a plan of their own source (plans.models.ItemSource),
so their items follow the plan items' workflow unchanged: 签收, reports, review, reminders, lights.
"""
