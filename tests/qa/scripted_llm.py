"""A real HTTP server on 127.0.0.1 speaking the OpenAI chat-completions protocol, answering from a script.

No model can be downloaded here; the script plays the model, so the whole client path (LangChain, HTTP,
JSON, ids, checks, fallbacks) runs for real.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

Script = Callable[[list[dict[str, Any]]], str]


class ScriptedLLM:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.script: Script = lambda messages: "NOT_FOUND"
        self.delay_s = 0.0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append(body)
                if outer.delay_s:
                    time.sleep(outer.delay_s)
                if not self.path.endswith("/chat/completions"):
                    self.send_error(404)
                    return
                reply = {
                    "id": "chatcmpl-scripted",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": body.get("model", "scripted"),
                    "choices": [
                        {
                            "index": 0,
                            "finish_reason": "stop",
                            "message": {"role": "assistant", "content": outer.script(body["messages"])},
                        }
                    ],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                }
                data = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def passage_id_containing(messages: list[dict[str, Any]], needle: str) -> str:
    """What a faithful model would cite: the id of the passage that contains `needle`."""
    import re

    user = messages[-1]["content"]
    for pid, text in re.findall(r'<passage id="(P\d+)">\n(.*?)\n</passage>', user, flags=re.DOTALL):
        if needle in text:
            return pid
    raise AssertionError(f"no passage contains {needle!r}")
