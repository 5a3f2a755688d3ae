"""The aws CLI, kept loaded: one process that runs each command it is sent in-process.

Every `aws` call pays ~0.5 s of Python start-up and botocore loading before it sends one request
to moto; the tests and rehearsals that seed moto make hundreds. This imports the CLI once and runs
each command with a fresh driver (so each reads its own environment, as a new process would),
answering status, stdout and stderr as the CLI would have exited and printed them.

    python3 aws-cli-driver.py <owner pid>

binds 127.0.0.1, prints its port, and leaves a daemon serving POST {"args": [...], "env": {...}}
until the owner process is gone. Commands run one at a time.
"""

import contextlib
import io
import json
import os
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, HTTPServer

from awscli.clidriver import create_clidriver

# What importing the CLI set (its data path) and the launcher's PATH and HOME: each command's
# environment is this and what the caller gives, never what an earlier command was given.
BASE = dict(os.environ)


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        os.environ.clear()
        os.environ.update(BASE)
        os.environ.update(request["env"])
        # Its usage errors name the program as argparse finds it in argv[0].
        sys.argv = ["aws", *request["args"]]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = create_clidriver().main(request["args"])
            except SystemExit as exit:
                status = exit.code if isinstance(exit.code, int) else 1
            except Exception:
                traceback.print_exc()
                status = 255
        body = json.dumps({"status": status, "stdout": out.getvalue(), "stderr": err.getvalue()}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def exit_with(owner):
    while True:
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            os._exit(0)
        time.sleep(1)


def main():
    owner = int(sys.argv[1])
    server = HTTPServer(("127.0.0.1", 0), Handler)
    if os.fork() > 0:
        # The launcher answers the port and exits; the caller waits for it, not for the daemon.
        print(server.server_address[1], flush=True)
        os._exit(0)
    os.setsid()
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    threading.Thread(target=exit_with, args=(owner,), daemon=True).start()
    server.serve_forever()


main()
