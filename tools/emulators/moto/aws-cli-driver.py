"""The aws CLI, kept loaded: one process that runs each command it is sent in-process.

Every `aws` call pays ~0.5 s of Python start-up and botocore loading before it sends one request
to moto; the tests and rehearsals that seed moto make hundreds. This imports the CLI once and runs
each command with a fresh driver (so each reads its own environment, as a new process would; only
the service models, read once, are shared), answering status, stdout and stderr as the CLI would
have exited and printed them.

    python3 aws-cli-driver.py <owner pid>

binds 127.0.0.1, prints its port, and leaves a daemon serving POST {"args": [...], "env": {...}}
(and "cwd", the folder the command runs in: the `aws` of aws-cli-client.py sends its own) until
the owner process is gone. Commands run one at a time.
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
# environment is this and what the caller gives, never what an earlier command was given. So
# with the folder it runs in: the caller's, else the launcher's.
BASE = dict(os.environ)
BASE_CWD = os.getcwd()

# The service models, read once: a fresh driver's loader re-reads and re-parses each command's
# model (EC2's takes 80-240 ms a call, 20 ms with the loaded one). The models are the installed
# CLI's data, the same for every command, unless a command names its own (AWS_DATA_PATH).
LOADER = create_clidriver().session.get_component("data_loader")


def driver(env):
    """A fresh CLI driver for one command, sharing the loaded models where it reads no other."""
    fresh = create_clidriver()
    if "AWS_DATA_PATH" not in env:
        fresh.session.register_component("data_loader", LOADER)
    return fresh


def command(body):
    """The request's arguments, environment and folder, or None where it is not
    {"args": [str], "env": {str: str}, "cwd"?: an existing folder}."""
    try:
        request = json.loads(body)
    except ValueError:
        return None
    if not isinstance(request, dict):
        return None
    args, env, cwd = request.get("args"), request.get("env"), request.get("cwd", BASE_CWD)
    if not (isinstance(args, list) and all(isinstance(a, str) for a in args)):
        return None
    if not (isinstance(env, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in env.items())):
        return None
    if not (isinstance(cwd, str) and os.path.isdir(cwd)):
        return None
    return args, env, cwd


class Handler(BaseHTTPRequestHandler):
    def answer(self, code, payload):
        body = json.dumps(payload).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            return self.answer(411, {"error": "a Content-Length is required"})
        parsed = command(self.rfile.read(length))
        if parsed is None:
            return self.answer(400, {"error": 'expected {"args": [string], "env": {string: string}, "cwd"?: an existing folder}'})
        args, env, cwd = parsed
        os.environ.clear()
        os.environ.update(BASE)
        os.environ.update(env)
        os.chdir(cwd)
        # Its usage errors name the program as argparse finds it in argv[0].
        sys.argv = ["aws", *args]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = driver(env).main(args)
            except SystemExit as exit:
                status = exit.code if isinstance(exit.code, int) else 1
            except Exception:
                traceback.print_exc()
                status = 255
        self.answer(200, {"status": status, "stdout": out.getvalue(), "stderr": err.getvalue()})

    def refuse(self):
        self.answer(405, {"error": "POST a command"})

    do_GET = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = refuse

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
