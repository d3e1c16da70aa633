"""Checks the scripts inside GitHub Actions workflows.

Every `run:` step whose shell (the step's own `shell:`, else the job's or
the workflow's `defaults.run.shell`) is bash, sh or msys2 goes through
`bash -n`; each that does not parse is printed as FILE: job JOB, step
"NAME": bash's message. With --powershell-json OUT, the steps whose shell
is pwsh or powershell are written to OUT as a JSON array of {"file",
"line" and "indent" (where the script's first line is in the workflow),
"step", "text"},
for scripts/lint-powershell.cjs. Exits 1 if a bash step did not parse or
a workflow could not be read, else 0. Runs under Debian's python3, whose
PyYAML yamllint brings. Called by scripts/lint-workflows.sh."""
import json
import subprocess
import sys

import yaml


def default_shell(node):
    return ((node or {}).get("defaults") or {}).get("run", {}).get("shell")


def shell_kind(shell):
    first = (shell or "").split()[0] if shell else ""
    if first in ("bash", "sh", "msys2"):
        return "bash"
    if first in ("pwsh", "powershell"):
        return "powershell"
    return None


def run_lines(path):
    """Maps (job id, step index) to (the workflow line of its run script's
    first line, 1-based; that line's indentation), from the YAML's node
    positions."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    root = yaml.compose(text)
    raw = text.split("\n")
    lines = {}
    jobs = next((v for k, v in root.value if k.value == "jobs"), None)
    for job_key, job in (jobs.value if jobs else []):
        steps = next((v for k, v in job.value if k.value == "steps"), None)
        for i, step in enumerate(steps.value if steps else []):
            for k, v in step.value:
                if k.value == "run":
                    # A block scalar (| or >) starts on the line after the
                    # indicator; a plain one on its own line.
                    block = v.style in ("|", ">")
                    line = v.start_mark.line + (2 if block else 1)
                    first = raw[line - 1] if line <= len(raw) else ""
                    indent = len(first) - len(first.lstrip(" ")) if block else v.start_mark.column
                    lines[(job_key.value, i)] = (line, indent)
    return lines


def check(path, powershell):
    try:
        with open(path, encoding="utf-8") as f:
            workflow = yaml.safe_load(f)
        lines = run_lines(path)
    except (OSError, yaml.YAMLError) as e:
        print(f"{path}: not read, so its scripts were not checked: {e}")
        return 1
    bad = 0
    for job_id, job in (workflow.get("jobs") or {}).items():
        fallback = default_shell(job) or default_shell(workflow)
        for i, step in enumerate(job.get("steps") or []):
            if "run" not in step:
                continue
            name = step.get("name", f"#{i + 1}")
            kind = shell_kind(step.get("shell", fallback))
            if kind == "powershell":
                line, indent = lines.get((job_id, i), (1, 0))
                powershell.append({"file": path, "line": line, "indent": indent,
                                   "step": name, "text": step["run"]})
            elif kind == "bash":
                r = subprocess.run(["bash", "-n"], input=step["run"], text=True,
                                   capture_output=True)
                if r.returncode != 0:
                    print(f'{path}: job {job_id}, step "{name}": {r.stderr.strip()}')
                    bad += 1
    return bad


def main(argv):
    out = None
    if len(argv) >= 2 and argv[0] == "--powershell-json":
        out, argv = argv[1], argv[2:]
    powershell = []
    bad = sum(check(p, powershell) for p in argv)
    if out:
        with open(out, "w", encoding="utf-8") as f:
            json.dump(powershell, f)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
