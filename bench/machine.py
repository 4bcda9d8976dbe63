"""Describe the machine a benchmark ran on, so results from different machines are not compared blindly."""

import os
import platform
import subprocess


def _first(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "không rõ"


def describe() -> dict:
    cpu = "không rõ"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    mem_gib = "không rõ"
    try:
        with open("/proc/meminfo") as f:
            kib = int(next(line.split()[1] for line in f if line.startswith("MemTotal")))
            mem_gib = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return {
        "host": platform.node(),
        "os": f"{platform.system()} {platform.release()}",
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": mem_gib,
        "python": platform.python_version(),
        "postgresql": _first(["psql", "--version"]),
        "sqlite": __import__("sqlite3").sqlite_version,
    }


def markdown(info: dict) -> str:
    return "\n".join(f"- {key}: {value}" for key, value in info.items())
