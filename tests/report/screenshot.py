#!/usr/bin/env python3
"""Opens an HTML page in headless Chromium, fails on console errors, and saves a screenshot.

Chromium is driven through the DevTools protocol over a pipe (--remote-debugging-pipe: JSON
messages ending in a NUL byte on file descriptors 3 and 4), so this needs only the standard
library. Errors are: console.error / console.assert calls, uncaught exceptions, log entries of
level "error" (e.g. "Failed to load resource"), and failed network loads (a missing figure).

Usage: screenshot.py PAGE.html OUT.png [--width 1400] [--height 2400] [--full-page]
Prints every console message and error; exit status 1 on any error or when no screenshot was made.
"""
import argparse
import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


class Browser:
    def __init__(self, executable, profile):
        to_child, self.send_fd = os.pipe()
        self.recv_fd, from_child = os.pipe()

        def wire():  # in the child: its fd 3 reads our commands, its fd 4 writes the replies
            a, b = os.dup(to_child), os.dup(from_child)
            os.dup2(a, 3)
            os.dup2(b, 4)

        flags = ["--headless", "--disable-gpu", "--no-sandbox", "--remote-debugging-pipe", "--no-first-run",
                 "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars",
                 f"--user-data-dir={profile}", "about:blank"]
        self.process = subprocess.Popen([executable] + flags, preexec_fn=wire, close_fds=False,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child)
        os.close(from_child)
        self.buffer, self.next_id, self.events = b"", 0, []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.send_fd, json.dumps(message).encode() + b"\0")
        return self.wait(lambda m: m.get("id") == self.next_id, f"reply to {method}")

    def wait(self, matches, what, timeout=60):
        deadline = time.time() + timeout
        while True:
            for i, message in enumerate(self.events):
                if matches(message):
                    del self.events[i]
                    if "error" in message:
                        raise RuntimeError(f"{what}: {message['error']}")
                    return message
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError(f"no {what} within {timeout} s")
            self.read(left)

    def read(self, timeout):
        ready, _, _ = select.select([self.recv_fd], [], [], timeout)
        if not ready:
            return
        chunk = os.read(self.recv_fd, 1 << 20)
        if not chunk:
            raise RuntimeError("Chromium closed the DevTools pipe (did it start?)")
        self.buffer += chunk
        *messages, self.buffer = self.buffer.split(b"\0")
        self.events += [json.loads(m) for m in messages if m]

    def drain(self, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            self.read(deadline - time.time())

    def close(self):
        try:
            os.write(self.send_fd, json.dumps({"id": 0, "method": "Browser.close"}).encode() + b"\0")
            self.process.wait(timeout=10)
        except Exception:
            self.process.kill()


def problems_in(events):
    """(errors, notes) from the DevTools events received so far."""
    errors, notes, urls = [], [], {}
    for e in events:
        method, p = e.get("method"), e.get("params", {})
        if method == "Network.requestWillBeSent":
            urls[p.get("requestId")] = p.get("request", {}).get("url")
        elif method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
            (errors if p.get("type") in ("error", "assert") else notes).append(f"console.{p.get('type')}: {text}")
        elif method == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            errors.append(f"uncaught exception: {d.get('exception', {}).get('description') or d.get('text')}")
        elif method == "Log.entryAdded":
            entry = p.get("entry", {})
            line = f"log {entry.get('level')} ({entry.get('source')}): {entry.get('text')} {entry.get('url', '')}".strip()
            (errors if entry.get("level") == "error" else notes).append(line)
        elif method == "Network.loadingFailed" and not p.get("canceled"):
            errors.append(f"failed to load {urls.get(p.get('requestId'), p.get('requestId'))}: {p.get('errorText')}")
    return errors, notes


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("page")
    parser.add_argument("out")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=2400)
    parser.add_argument("--full-page", action="store_true", help="capture the whole page, not only the window")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    args = parser.parse_args()
    page, out = Path(args.page).resolve(), Path(args.out).resolve()
    if not page.is_file():
        sys.exit(f"screenshot: {page} does not exist")
    out.unlink(missing_ok=True)

    with tempfile.TemporaryDirectory(prefix="aelab-chromium-") as profile:
        browser = Browser(args.chromium, profile)
        try:
            target = browser.send("Target.createTarget", {"url": "about:blank"})["result"]["targetId"]
            session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["result"]["sessionId"]
            for domain in ("Page", "Runtime", "Log", "Network"):
                browser.send(f"{domain}.enable", session=session)
            browser.send("Emulation.setDeviceMetricsOverride",
                         {"width": args.width, "height": args.height, "deviceScaleFactor": 1, "mobile": False}, session)
            browser.send("Page.navigate", {"url": page.as_uri()}, session)
            browser.wait(lambda m: m.get("method") == "Page.loadEventFired", "load event")
            browser.drain(1.0)
            clip = {"x": 0, "y": 0, "width": args.width, "height": args.height, "scale": 1}
            if args.full_page:
                size = browser.send("Page.getLayoutMetrics", session=session)["result"]["cssContentSize"]
                clip["height"] = min(int(size["height"]) + 1, 30000)
            shot = browser.send("Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True}, session)
            out.write_bytes(base64.b64decode(shot["result"]["data"]))
            browser.drain(0.2)
        finally:
            events = list(browser.events)
            browser.close()

    errors, notes = problems_in(events)
    for line in notes:
        print(f"note: {line}")
    for line in errors:
        print(f"error: {line}", file=sys.stderr)
    if not out.is_file() or out.stat().st_size == 0:
        print(f"error: no screenshot written to {out}", file=sys.stderr)
        sys.exit(1)
    if errors:
        print(f"{len(errors)} console error(s) in {page}", file=sys.stderr)
        sys.exit(1)
    print(out)


if __name__ == "__main__":
    main()
