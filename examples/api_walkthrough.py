"""Book a video link through the API, find it again, move it, and receive the signed webhooks.

    python examples/api_walkthrough.py --base https://scheduler.example.cn \\
        --token "$SCHEDULER_TOKEN" --contact 42 --listen 127.0.0.1:8765 --secret "$WHSEC"

Uses only the Python standard library and what the OpenAPI document says: every operation is
looked up in /api/v1/openapi.json by its method and path before it is called (a server
without one stops the script with a clear message). The token needs the write scope; the
webhook endpoint (http://127.0.0.1:8765/, events meeting.confirmed and meeting.changed) is
registered by an admin under Admin → Webhooks, which shows the secret once.

One webhook per step: meeting.changed (booked), meeting.confirmed, meeting.changed (moved).

Steps: create a draft video link with the contact (Idempotency-Key: sending it again books
nothing twice), confirm it with If-Match, find it with updated_since, move it one hour later
with If-Match, and wait for the two webhooks, each signature checked.
"""

import argparse
import hashlib
import hmac
import json
import queue
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen


class Api:
    """A tiny client that calls only operations the OpenAPI document lists."""

    def __init__(self, base: str, token: str):
        self.base, self.token = base.rstrip("/"), token
        self.document = self._call("GET", "/api/v1/openapi.json", authorized=False)[1]
        self.prefix = "/api/v1"

    def _call(self, method, path, body=None, headers=None, authorized=True):
        data = json.dumps(body).encode() if body is not None else None
        request = Request(self.base + path, data=data, method=method)  # noqa: S310 - http(s) base
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if authorized:
            request.add_header("Authorization", f"Bearer {self.token}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urlopen(request, timeout=30) as response:  # noqa: S310 - http(s) base
                return response.headers, json.loads(response.read() or b"null")
        except HTTPError as error:
            problem = json.loads(error.read() or b"{}")
            raise SystemExit(f"{method} {path}: {error.code} {problem.get('detail', '')}") from None

    def call(self, method: str, template: str, *, query=None, **kwargs):
        """Call *method* on the documented path *template* (e.g. /meetings/{meeting_id})."""
        if method.lower() not in self.document["paths"].get(self.prefix + template, {}):
            raise SystemExit(f"the API document has no {method} {template}")
        path = self.prefix + template.format(**kwargs.pop("path", {}))
        if query:
            path += "?" + urlencode(query)
        return self._call(method, path, **kwargs)


class Receiver:
    """A webhook receiver on *address* that keeps the events whose signature checks out."""

    def __init__(self, address: str, secret: str):
        host, port = address.rsplit(":", 1)
        self.events: queue.Queue = queue.Queue()
        self.seen: set[str] = set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the name http.server calls
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                ok = verify(secret, self.headers.get("Webhook-Signature", ""), body)
                self.send_response(204 if ok else 400)
                self.end_headers()
                event_id = self.headers.get("Webhook-Id", "")
                if ok and event_id not in receiver.seen:  # at least once: drop repeats
                    receiver.seen.add(event_id)
                    receiver.events.put(json.loads(body))

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer((host, int(port)), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, kinds: list[str], seconds: float) -> list[dict]:
        """As many events as *kinds* names, in the order they came, waiting at most
        *seconds*; stops the script when they are not those kinds."""
        got, deadline = [], time.monotonic() + seconds
        while len(got) < len(kinds):
            try:
                got.append(self.events.get(timeout=max(deadline - time.monotonic(), 0.01)))
            except queue.Empty:
                raise SystemExit(f"webhooks received: {[e['type'] for e in got]}") from None
        if sorted(event["type"] for event in got) != sorted(kinds):
            raise SystemExit(f"webhooks received: {[e['type'] for e in got]}")
        return got

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """Whether *header* (``t=…,v1=…``) signs *body* with *secret*, made in the last 5 minutes."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    fresh = abs(time.time() - timestamp) <= tolerance
    return fresh and hmac.compare_digest(expected.hexdigest(), parts.get("v1", ""))


def book_and_move(api: Api, contact_id: int) -> dict:
    """Create, confirm, find and move a video link; returns what each step answered."""
    since = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=1)
    start = (datetime.now(UTC) + timedelta(days=14)).replace(minute=0, second=0, microsecond=0)
    meeting = {
        "kind": "video_link",
        "title": {"zh": "中韩港口物流视频连线", "ko": "한중 항만물류 화상회의"},
        "start": start.isoformat(),
        "end": (start + timedelta(hours=1)).isoformat(),
        "timezone": "Asia/Shanghai",
        "participants": [{"kind": "contact", "id": contact_id}],
    }
    key = {"Idempotency-Key": str(uuid.uuid4())}
    headers, created = api.call("POST", "/meetings", body=meeting, headers=key)
    ident = {"meeting_id": created["id"]}
    headers, confirmed = api.call(
        "POST",
        "/meetings/{meeting_id}/confirm",
        path=ident,
        body={},
        headers={"If-Match": headers["ETag"]},
    )
    _headers, listed = api.call("GET", "/meetings", query={"updated_since": since.isoformat()})
    found = [m for m in listed["items"] if m["id"] == created["id"]]
    later = {
        "start": (start + timedelta(hours=1)).isoformat(),
        "end": (start + timedelta(hours=2)).isoformat(),
    }
    _headers, moved = api.call(
        "PATCH",
        "/meetings/{meeting_id}",
        path=ident,
        body=later,
        headers={"If-Match": headers["ETag"]},
    )
    return {"created": created, "confirmed": confirmed, "found": found, "moved": moved}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the scheduler's address")
    parser.add_argument("--token", required=True, help="a personal API token, write scope")
    parser.add_argument("--contact", type=int, required=True, help="a partner contact's id")
    parser.add_argument("--listen", default="127.0.0.1:8765", help="the webhook receiver")
    parser.add_argument("--secret", required=True, help="the webhook endpoint's secret")
    parser.add_argument("--wait", type=float, default=120, help="seconds to wait for webhooks")
    args = parser.parse_args(argv)
    receiver = Receiver(args.listen, args.secret)
    try:
        steps = book_and_move(Api(args.base, args.token), args.contact)
        print(
            f"booked meeting {steps['created']['id']}, found {len(steps['found'])} by"
            f" updated_since, moved to {steps['moved']['start']}"
        )
        steps = ["meeting.changed", "meeting.confirmed", "meeting.changed"]
        for event in receiver.wait_for(steps, args.wait):
            print(f"webhook {event['type']} {event['id']} (signature checked)")
    finally:
        receiver.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
