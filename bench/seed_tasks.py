#!/usr/bin/env python3
"""Seed users, tasks and leads for bench/tasks.sh through Portico's REST API:
`user.add` for the users, then `batch` requests of 50 `tasks.task.add` and of 50
`crm.lead.add` commands, several in flight at once, each answer checked.

    python3 bench/seed_tasks.py WEBHOOK_URL COUNT USERS [CONCURRENCY]

The webhook's user (an administrator, id 1) and USERS - 1 new users share the
records: record i (1-based) belongs to user number i % USERS, and its status is
slot (i // USERS) % 10 of

    task STATUS     2 2 2 2 2 3 3 4 5 6   (pending 50%, in progress 20%, …)
    lead STATUS_ID  NEW ×5, IN_PROCESS ×2, PROCESSED ×3

so one user's pending tasks (RESPONSIBLE_ID + STATUS 2) and one user's new leads
(ASSIGNED_BY_ID + STATUS_ID NEW) are each COUNT / USERS / 2 rows.

Prints one line:
  SEED_TASKS_JSON {"users":[…], "tasks":…, "tasks_per_s":…, "leads":…, "leads_per_s":…}
"""

import http.client
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote, urlsplit

BATCH = 50
TASK_STATUSES = [2, 2, 2, 2, 2, 3, 3, 4, 5, 6]
LEAD_STATUSES = ["NEW"] * 5 + ["IN_PROCESS"] * 2 + ["PROCESSED"] * 3


def query(method, parts):
    return method + "?" + "&".join(f"{quote(k, safe='[]')}={quote(str(v))}" for k, v in parts)


def task_command(i, users):
    owner = users[i % len(users)]
    status = TASK_STATUSES[(i // len(users)) % 10]
    return query(
        "tasks.task.add",
        [
            ("fields[TITLE]", f"Task {i}"),
            ("fields[RESPONSIBLE_ID]", owner),
            ("fields[STATUS]", status),
            ("fields[PRIORITY]", i % 3),
            ("fields[DESCRIPTION]", f"Seeded task number {i}"),
        ],
    )


def lead_command(i, users):
    owner = users[i % len(users)]
    status = LEAD_STATUSES[(i // len(users)) % 10]
    return query(
        "crm.lead.add",
        [
            ("fields[TITLE]", f"Lead {i}"),
            ("fields[NAME]", f"Name{i % 1000}"),
            ("fields[STATUS_ID]", status),
            ("fields[ASSIGNED_BY_ID]", owner),
            ("fields[OPPORTUNITY]", (i * 7919) % 10000),
            ("fields[CURRENCY_ID]", "USD"),
        ],
    )


class Api:
    """One keep-alive connection per thread to the webhook's REST endpoint."""

    def __init__(self, webhook):
        self.url = urlsplit(webhook)
        self.base = self.url.path.rstrip("/") + "/"
        self.local = threading.local()

    def post(self, method, payload):
        body = json.dumps(payload)
        for attempt in range(2):
            if getattr(self.local, "conn", None) is None:
                self.local.conn = http.client.HTTPConnection(self.url.hostname, self.url.port, timeout=120)
            try:
                self.local.conn.request("POST", self.base + method, body, {"Content-Type": "application/json"})
                resp = self.local.conn.getresponse()
                data = resp.read()
                break
            except (ConnectionError, http.client.HTTPException):
                self.local.conn = None
                if attempt:
                    raise
        if resp.status != 200:
            raise RuntimeError(f"{method}: HTTP {resp.status}: {data[:300]!r}")
        return json.loads(data)["result"]


def seed(api, count, users, command, concurrency):
    def send(first):
        last = min(first + BATCH, count + 1)
        result = api.post("batch", {"halt": 0, "cmd": {f"a{i}": command(i, users) for i in range(first, last)}})
        if result["result_error"]:
            raise RuntimeError(f"batch {first}: errors {json.dumps(result['result_error'])[:300]}")
        if len(result["result"]) != last - first:
            raise RuntimeError(f"batch {first}: unexpected result {json.dumps(result['result'])[:300]}")
        return last - first

    started = time.monotonic()
    with ThreadPoolExecutor(concurrency) as pool:
        added = sum(pool.map(send, range(1, count + 1, BATCH)))
    seconds = time.monotonic() - started
    if added != count:
        raise RuntimeError(f"added {added}, wanted {count}")
    return added, seconds


def main():
    api = Api(sys.argv[1])
    count = int(sys.argv[2])
    user_count = int(sys.argv[3])
    concurrency = int(sys.argv[4]) if len(sys.argv) > 4 else 8

    users = [1]
    for n in range(1, user_count):
        users.append(int(api.post("user.add", {"EMAIL": f"bench{n}@example.com", "NAME": f"Bench{n}"})))

    tasks, task_seconds = seed(api, count, users, task_command, concurrency)
    leads, lead_seconds = seed(api, count, users, lead_command, concurrency)
    report = {
        "users": users,
        "tasks": tasks,
        "task_seconds": round(task_seconds, 1),
        "tasks_per_s": round(tasks / task_seconds),
        "leads": leads,
        "lead_seconds": round(lead_seconds, 1),
        "leads_per_s": round(leads / lead_seconds),
        "concurrency": concurrency,
    }
    print("SEED_TASKS_JSON " + json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
