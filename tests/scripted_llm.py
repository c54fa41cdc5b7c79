"""A real OpenAI-compatible chat server (HTTP, server-sent events when asked to stream) whose model
says a fixed text: for the cases a real small model produces only sometimes (it obeys an injected
article, it writes one supported and one invented sentence), made certain."""

import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ScriptedModel(BaseHTTPRequestHandler):
    reply = ""

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        message = {"role": "assistant", "content": self.reply}
        if request.get("stream"):
            chunks = [{"choices": [{"index": 0, "delta": message, "finish_reason": None}]},
                      {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}]
            body = "".join(f"data: {json.dumps({'id': 'x', 'object': 'chat.completion.chunk', 'created': 0, 'model': 'tiny', **c})}\n\n"
                           for c in chunks) + "data: [DONE]\n\n"
            kind = "text/event-stream"
        else:
            body = json.dumps({"id": "x", "object": "chat.completion", "created": 0, "model": "tiny",
                               "choices": [{"index": 0, "message": message, "finish_reason": "stop"}]})
            kind = "application/json"
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@contextmanager
def scripted_chat_server(reply: str):
    """The base URL (…/v1) of a server whose model always answers `reply`."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("Handler", (ScriptedModel,), {"reply": reply}))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
