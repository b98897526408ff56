#!/usr/bin/env python3
"""Replays the memory attacks against a release `portico serve` and prints its
resident memory before each attack, its peak during it and after it.

    cargo build --release -p portico
    python3 bench/memory_attacks.py [--bin target/release/portico]

The attacks: 200 parallel sign-ins for one login (the right password among
them), four parallel `batch` calls of 50 `crm.lead.get` on the largest lead the
field sizes allow, and four parallel 16 MiB JSON bodies of empty arrays. Only
127.0.0.1 is contacted; every loop is bounded. Reads no stdin; under a minute.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

PASSWORD = "bench-password-1234"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Sampler:
    """Samples the server's resident memory every 5 ms while an attack runs."""

    def __init__(self, pid):
        self.pid, self.peak, self.running = pid, 0, True
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while self.running:
            self.peak = max(self.peak, rss_kib(self.pid))
            time.sleep(0.005)

    def __enter__(self):
        self.peak = rss_kib(self.pid)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()


def request(port, method, path, body=b"", headers=None, timeout=120):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, resp.getheaders(), data
    except (ConnectionError, socket.timeout, http.client.HTTPException) as e:
        return 0, [], str(e).encode()
    finally:
        conn.close()


def sign_in_attack(port):
    status, headers, page = request(port, "GET", "/login")
    cookie = "; ".join(v.split(";")[0] for k, v in headers if k.lower() == "set-cookie")
    csrf = re.search(rb'name="csrf" value="([^"]+)"', page).group(1).decode()

    def attempt(i):
        password = PASSWORD if i == 150 else f"wrong-{i}"
        body = f"csrf={csrf}&next=%2Fdeveloper&lang=en&login=admin&password={password}"
        return request(port, "POST", "/login", body.encode(), {
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})[0]

    with ThreadPoolExecutor(200) as pool:
        return list(pool.map(attempt, range(200)))


def batch_attack(port, hook):
    text = "x" * 65_535
    add = json.dumps({"fields": {"TITLE": "big", "COMMENTS": text, "SOURCE_DESCRIPTION": text}})
    status, _, body = request(port, "POST", f"{hook}crm.lead.add.json", add.encode(),
                              {"Content-Type": "application/json"})
    lead = json.loads(body)["result"]
    update = json.dumps({"id": lead, "fields": {"STATUS_DESCRIPTION": text, "ADDRESS": text}})
    request(port, "POST", f"{hook}crm.lead.update.json", update.encode(),
            {"Content-Type": "application/json"})
    cmd = {f"g{i}": f"crm.lead.get?id={lead}" for i in range(50)}
    payload = json.dumps({"cmd": cmd}).encode()

    def one(_):
        status, _, body = request(port, "POST", f"{hook}batch.json", payload,
                                  {"Content-Type": "application/json"})
        return status, len(body)

    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(one, range(4)))


def big_body_attack(port, hook):
    limit = 16 * 1024 * 1024
    inner = ",".join(["[]"] * ((limit - 16) // 3))
    payload = f'{{"a":[{inner}]}}'.encode()[:limit]

    def one(_):
        return request(port, "POST", f"{hook}crm.lead.list.json", payload,
                       {"Content-Type": "application/json"})[0]

    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(one, range(4)))


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.path.join(root, "target/release/portico"))
    args = parser.parse_args()
    if not os.access(args.bin, os.X_OK):
        sys.exit(f"missing {args.bin}: run `cargo build --release -p portico` first")
    work = tempfile.mkdtemp(prefix="portico-memory-")
    data = os.path.join(work, "data")
    port = free_port()
    env = dict(os.environ, PORTICO_ADMIN_PASSWORD=PASSWORD, RUST_LOG="warn")
    server = subprocess.Popen(
        [args.bin, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", data],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            if request(port, "GET", "/login", timeout=1)[0] == 200:
                break
            time.sleep(0.05)
        out = subprocess.run(
            [args.bin, "webhook", "add", "--user", "admin", "--scope", "crm,user",
             "--data-dir", data], env=env, capture_output=True, text=True, check=True).stdout
        hook = "/" + re.search(r"https?://[^/]+/(rest/\S+/)", out).group(1)
        rows = []
        for name, attack in [
            ("200 parallel sign-ins", lambda: sign_in_attack(port)),
            ("4 × batch of 50 gets of a 262 KB lead", lambda: batch_attack(port, hook)),
            ("4 × 16 MiB body of empty arrays", lambda: big_body_attack(port, hook)),
        ]:
            before = rss_kib(server.pid)
            with Sampler(server.pid) as sampler:
                outcome = attack()
            time.sleep(0.5)
            rows.append((name, before, sampler.peak, rss_kib(server.pid), outcome))
        print("| attack | RSS before | peak during | RSS after | answers |")
        print("|---|---:|---:|---:|---|")
        for name, before, peak, after, outcome in rows:
            counts = {}
            for o in outcome:
                key = o if isinstance(o, int) else f"{o[0]} ({o[1] // 1024} KiB)"
                counts[key] = counts.get(key, 0) + 1
            answers = ", ".join(f"{k}×{v}" for k, v in sorted(counts.items(), key=str))
            print(f"| {name} | {before / 1024:.1f} MiB | {peak / 1024:.1f} MiB "
                  f"| {after / 1024:.1f} MiB | {answers} |")
        signed_in = sum(1 for s in rows[0][4] if s == 303)
        print(f"\nsign-ins that succeeded among the 200: {signed_in}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
