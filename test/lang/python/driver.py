"""Runs ONE Pulumi operation on a stack whose inline Python program registers DcrClients.

    python driver.py SPEC.json up|preview|refresh|destroy [--diff] [--expect-no-changes]

SPEC.json (written by test/support/lang-stack.ts):
    project    the project name
    stack      the stack name
    workDir    the Automation API's work dir (it writes Pulumi.yaml there)
    config     stack config, {"dcr:initialAccessToken": {"value": "...", "secret": true}, ...}
    resources  {"<name>": {<Client args, camelCase as in the schema>}, ...}
    exports    the Client outputs to export as stack outputs (camelCase), from every resource when one,
               else as "<name>.<output>"

The environment gives the rest: PULUMI_HOME, PULUMI_BACKEND_URL (a file:// backend),
PULUMI_CONFIG_PASSPHRASE, PATH (the pulumi CLI) and anything the provider reads (DCR_NOW).
The engine's output streams to stderr; the last line on stdout is JSON: {"stdout": <the CLI's stdout>}.
Outputs are read by the caller with `pulumi stack output --json --show-secrets`.
"""

import json
import os
import re
import sys

import pulumi
import pulumi_dcr as dcr
from pulumi import automation as auto


def snake(name: str) -> str:
    """clientName -> client_name: the Python SDK's name for a schema property."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def program_for(spec: dict):
    """The inline program: one dcr.Client per resource, and the requested outputs exported."""

    def program() -> None:
        resources = spec["resources"]
        for name, args in resources.items():
            client = dcr.Client(name, **{snake(key): value for key, value in args.items()})
            for output in spec.get("exports", []):
                key = output if len(resources) == 1 else f"{name}.{output}"
                pulumi.export(key, getattr(client, snake(output)))

    return program


def stack_for(spec: dict) -> auto.Stack:
    """Creates or selects the stack in spec's work dir, with spec's config."""
    settings = auto.ProjectSettings(name=spec["project"], runtime="python")
    opts = auto.LocalWorkspaceOptions(
        work_dir=spec["workDir"],
        pulumi_home=os.environ.get("PULUMI_HOME"),
        project_settings=settings,
    )
    stack = auto.create_or_select_stack(
        stack_name=spec["stack"], project_name=spec["project"], program=program_for(spec), opts=opts
    )
    config = {key: auto.ConfigValue(value=c["value"], secret=bool(c.get("secret"))) for key, c in spec["config"].items()}
    if config:
        stack.set_all_config(config)
    return stack


def echo(line: str) -> None:
    """The engine's output, as it comes, to stderr (stdout carries only the result line)."""
    print(line, file=sys.stderr, flush=True)


def run(stack: auto.Stack, operation: str, flags: list) -> dict:
    """Runs the operation; a failure raises (the CLI's message included)."""
    if operation == "up":
        result = stack.up(on_output=echo, show_secrets=False)
    elif operation == "preview":
        result = stack.preview(
            on_output=echo, diff="--diff" in flags, expect_no_changes="--expect-no-changes" in flags or None
        )
    elif operation == "refresh":
        result = stack.refresh(on_output=echo)
    elif operation == "destroy":
        result = stack.destroy(on_output=echo)
    else:
        raise SystemExit(f"driver.py: unknown operation {operation!r}")
    return {"stdout": result.stdout}


def main(argv: list) -> None:
    if len(argv) < 3:
        raise SystemExit(__doc__)
    with open(argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    out = run(stack_for(spec), argv[2], argv[3:])
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv)
