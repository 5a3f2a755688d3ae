"""`aws` for the steps a rehearsal runs: each command goes to the kept-loaded CLI
(aws-cli-driver.py) that $RELAY_AWS_CLI_DRIVER names, with this process's arguments, environment
and folder, and exits with the status, stdout and stderr the CLI answered. A shell step's `aws`
then costs a Python start (~40 ms), not the CLI's (~0.4 s of botocore loading; deploy.yml's
rehearsal makes 42 calls). Without a driver it is the CLI itself. Standard input is not sent: no command
the workflows run reads it.

    python3 aws-cli-client.py <aws arguments>
"""

import json
import os
import sys
import urllib.request

url = os.environ.get("RELAY_AWS_CLI_DRIVER")
if not url:
    aws = os.path.join(os.path.dirname(sys.executable), "aws")
    os.execv(aws, [aws, *sys.argv[1:]])

request = urllib.request.Request(
    url,
    data=json.dumps({"args": sys.argv[1:], "env": dict(os.environ), "cwd": os.getcwd()}).encode(),
    headers={"Content-Type": "application/json"},
)
try:
    # The driver is on 127.0.0.1: no proxy the environment names stands between.
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=300) as response:
        answer = json.load(response)
except Exception as error:  # noqa: BLE001: any failure to reach the driver is the command's
    sys.stderr.write(f"aws: the CLI driver at {url} did not answer: {error}\n")
    sys.exit(255)
sys.stdout.write(answer["stdout"])
sys.stderr.write(answer["stderr"])
sys.exit(answer["status"])
