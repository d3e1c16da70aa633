"""Syntax-checks the bash in GitHub Actions workflows: every `run:` step
whose shell is bash, sh or msys2 (the step's own `shell:`, else the job's
or the workflow's `defaults.run.shell`) goes through `bash -n`. Prints
FILE: job JOB, step "NAME": bash's message for each that does not parse,
and exits 1 if any did not (0 otherwise). Runs under Debian's python3,
whose PyYAML yamllint brings. Called by scripts/lint-workflows.sh."""
import subprocess
import sys

import yaml


def default_shell(node):
    return ((node or {}).get("defaults") or {}).get("run", {}).get("shell")


def is_bash(shell):
    return bool(shell) and shell.split()[0] in ("bash", "sh", "msys2")


def check(path):
    try:
        with open(path, encoding="utf-8") as f:
            workflow = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        print(f"{path}: not read, so its bash was not checked: {e}")
        return 1
    bad = 0
    for job_id, job in (workflow.get("jobs") or {}).items():
        fallback = default_shell(job) or default_shell(workflow)
        for n, step in enumerate(job.get("steps") or [], 1):
            if "run" not in step or not is_bash(step.get("shell", fallback)):
                continue
            r = subprocess.run(["bash", "-n"], input=step["run"], text=True,
                               capture_output=True)
            if r.returncode != 0:
                name = step.get("name", f"#{n}")
                print(f'{path}: job {job_id}, step "{name}": {r.stderr.strip()}')
                bad += 1
    return bad


if __name__ == "__main__":
    sys.exit(1 if sum(check(p) for p in sys.argv[1:]) else 0)
