"""A local HTTP fake of the part of Stripe's API billing calls.

It runs `http.server` on 127.0.0.1 (port 0) in a thread, answers with
Stripe-shaped JSON, honours Idempotency-Key (the same key answers the same
object), records every request (method, path, form body, idempotency key) and
declines the card "pm_card_chargeDeclined" with a 402 card_error as Stripe
does. `signed_event` builds a webhook body and a real Stripe-Signature header
(HMAC-SHA256 over "<timestamp>.<body>", as Stripe documents).

Tests drive the real `stripe` library against it; `complete_checkout` plays
the patient finishing a Checkout page.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

TEST_SECRET_KEY = "sk_test_practica_fake"
TEST_WEBHOOK_SECRET = "whsec_practica_test"
DECLINED_CARD = "pm_card_chargeDeclined"

Json = dict[str, Any]


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    form: dict[str, str]
    idempotency_key: str


def _sub(form: dict[str, str], prefix: str) -> dict[str, str]:
    """The `prefix[key]` entries of a flat Stripe form, as {key: value}."""
    start = f"{prefix}["
    return {
        key[len(start) : -1]: value
        for key, value in form.items()
        if key.startswith(start) and key.endswith("]") and "][" not in key[len(start) :]
    }


@dataclass
class StripeFake:
    server: ThreadingHTTPServer | None = None
    requests: list[Recorded] = field(default_factory=list)
    objects: dict[str, Json] = field(default_factory=dict)
    idempotent: dict[str, tuple[int, Json]] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> StripeFake:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake._handle(self, "GET")

            def do_POST(self) -> None:
                fake._handle(self, "POST")

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    # What tests read

    def calls(self, method: str, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path == path]

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_fake{next(self._ids):04d}"

    # The patient finishing a Checkout page

    def complete_checkout(
        self, session_id: str, *, payment_method: str = "pm_card_visa"
    ) -> Json:
        """Pay (or set up) the session; returns the completed session."""
        with self._lock:
            session = self.objects[session_id]
            session["status"] = "complete"
            if session["mode"] == "payment":
                intent = self._intent(
                    amount=session["amount_total"],
                    currency=session["currency"],
                    customer=session["customer"],
                    payment_method=payment_method,
                    metadata=session["_intent_metadata"],
                )
                session["payment_intent"] = intent["id"]
                session["payment_status"] = "paid"
            else:
                setup = {
                    "id": self.new_id("seti"),
                    "object": "setup_intent",
                    "status": "succeeded",
                    "customer": session["customer"],
                    "payment_method": payment_method,
                    "metadata": session["_setup_metadata"],
                }
                self.objects[setup["id"]] = setup
                session["setup_intent"] = setup["id"]
            return self.public(session)

    def public(self, obj: Json) -> Json:
        return {k: v for k, v in obj.items() if not k.startswith("_")}

    # HTTP

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length).decode("utf-8") if length else ""
        path, _, query = handler.path.partition("?")
        form = dict(parse_qsl(raw if method == "POST" else query))
        key = handler.headers.get("Idempotency-Key") or ""
        with self._lock:
            self.requests.append(Recorded(method, path, form, key))
            if method == "POST" and key and key in self.idempotent:
                status, body = self.idempotent[key]
            else:
                status, body = self._route(method, path, form)
                if method == "POST" and key:
                    self.idempotent[key] = (status, body)
        data = json.dumps(body).encode("utf-8")
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.send_header("Request-Id", self.new_id("req"))
        handler.end_headers()
        handler.wfile.write(data)

    def _route(self, method: str, path: str, form: dict[str, str]) -> tuple[int, Json]:
        parts = path.strip("/").split("/")
        if method == "POST" and path == "/v1/customers":
            return 200, self._store(
                {
                    "id": self.new_id("cus"),
                    "object": "customer",
                    "metadata": _sub(form, "metadata"),
                }
            )
        if method == "POST" and path == "/v1/checkout/sessions":
            return 200, self._session(form)
        if method == "POST" and path == "/v1/payment_intents":
            return self._charge(form)
        if method == "POST" and path == "/v1/refunds":
            return self._refund(form)
        if method == "GET" and len(parts) == 3 and parts[0] == "v1":
            kind, object_id = parts[1], parts[2]
            if kind == "payment_methods":
                return 200, self._card(object_id)
            if object_id in self.objects and kind in {
                "payment_intents",
                "setup_intents",
                "checkout",
                "customers",
                "refunds",
            }:
                return 200, self.public(self.objects[object_id])
        return 404, {
            "error": {
                "type": "invalid_request_error",
                "message": f"Unrecognized request URL ({method}: {path}).",
            }
        }

    def _store(self, obj: Json) -> Json:
        self.objects[obj["id"]] = obj
        return self.public(obj)

    def _session(self, form: dict[str, str]) -> Json:
        session_id = self.new_id("cs_test")
        mode = form.get("mode", "payment")
        amount = int(form.get("line_items[0][price_data][unit_amount]", "0"))
        return self._store(
            {
                "id": session_id,
                "object": "checkout.session",
                "mode": mode,
                "status": "open",
                "payment_status": "unpaid",
                "url": f"https://checkout.stripe.test/c/pay/{session_id}",
                "customer": form.get("customer"),
                "client_reference_id": form.get("client_reference_id"),
                "amount_total": amount if mode == "payment" else None,
                "currency": form.get(
                    "line_items[0][price_data][currency]", form.get("currency")
                ),
                "metadata": _sub(form, "metadata"),
                "payment_intent": None,
                "setup_intent": None,
                "_intent_metadata": _sub(form, "payment_intent_data[metadata]"),
                "_setup_metadata": _sub(form, "setup_intent_data[metadata]"),
            }
        )

    def _intent(
        self,
        *,
        amount: int,
        currency: str,
        customer: str | None,
        payment_method: str,
        metadata: dict[str, str],
        status: str = "succeeded",
    ) -> Json:
        intent = {
            "id": self.new_id("pi"),
            "object": "payment_intent",
            "amount": amount,
            "amount_received": amount if status == "succeeded" else 0,
            "currency": currency,
            "customer": customer,
            "payment_method": payment_method,
            "status": status,
            "metadata": metadata,
            "_refunded": 0,
        }
        self.objects[intent["id"]] = intent
        return intent

    def _charge(self, form: dict[str, str]) -> tuple[int, Json]:
        declined = form.get("payment_method") == DECLINED_CARD
        intent = self._intent(
            amount=int(form["amount"]),
            currency=form["currency"],
            customer=form.get("customer"),
            payment_method=form.get("payment_method", ""),
            metadata=_sub(form, "metadata"),
            status="requires_payment_method" if declined else "succeeded",
        )
        if declined:
            return 402, {
                "error": {
                    "type": "card_error",
                    "code": "card_declined",
                    "decline_code": "generic_decline",
                    "message": "Your card was declined.",
                    "payment_intent": self.public(intent),
                }
            }
        return 200, self.public(intent)

    def _refund(self, form: dict[str, str]) -> tuple[int, Json]:
        intent = self.objects.get(form.get("payment_intent", ""))
        amount = int(form.get("amount", "0"))
        if intent is None or amount > intent["amount_received"] - intent["_refunded"]:
            return 400, {
                "error": {
                    "type": "invalid_request_error",
                    "message": "The refund is larger than the charge.",
                }
            }
        intent["_refunded"] += amount
        return 200, self._store(
            {
                "id": self.new_id("re"),
                "object": "refund",
                "amount": amount,
                "currency": intent["currency"],
                "payment_intent": intent["id"],
                "status": "succeeded",
                "metadata": _sub(form, "metadata"),
            }
        )

    def _card(self, payment_method: str) -> Json:
        brand = "mastercard" if "mastercard" in payment_method else "visa"
        return {
            "id": payment_method,
            "object": "payment_method",
            "type": "card",
            "card": {
                "brand": brand,
                "last4": "4444" if brand == "mastercard" else "4242",
                "exp_month": 12,
                "exp_year": 2030,
            },
        }


def signed_event(
    event_type: str,
    obj: Json,
    *,
    event_id: str = "evt_test_1",
    secret: str = TEST_WEBHOOK_SECRET,
    timestamp: int | None = None,
) -> tuple[bytes, str]:
    """A webhook body and its Stripe-Signature header."""
    body = json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "livemode": False,
            "data": {"object": obj},
        }
    )
    signed_at = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(
        secret.encode("utf-8"), f"{signed_at}.{body}".encode(), hashlib.sha256
    )
    return body.encode("utf-8"), f"t={signed_at},v1={mac.hexdigest()}"
