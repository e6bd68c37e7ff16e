"""Fan-out benchmark: Parley against a bare Flask-SocketIO server and Node's socket.io.

    .venv/bin/python bench/fanout.py [--step-seconds 15] [--rates 25,50,100,200,300,400]

One room, 200 receivers and 4 senders (203 recipients per message), all
websocket clients of /chat in one Node process (bench/loadgen.mjs) pinned to
CPU 1; each server pinned to CPU 0. Parley runs its Procfile web command on
a throw-away PostgreSQL and stores every message; the references store
nothing. Prints a table, writes bench/results/NAME.json (--name, default
fanout) and, for a sweep of send rates without sign-ins and when matplotlib
is installed (bench/requirements.txt), docs/NAME.png.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from parley import parley_on_postgres  # noqa: E402

from tests.support.postgres import free_port  # noqa: E402

SERVER_CPU, LOADGEN_CPU = "0", "1"
SENDERS = 4
PASSWORD = "Bench1234"


def pinned(cpu: str, command: list[str]) -> list[str]:
    return ["taskset", "-c", cpu, *command] if shutil.which("taskset") else command


def wait_until_up(url: str, path: str = "/socket.io/?EIO=4&transport=polling") -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(url + path, timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def start(command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        pinned(SERVER_CPU, command),
        cwd=ROOT,
        env=env or os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def make_users(url: str, receivers: int) -> tuple[list[str], list[str], int]:
    """Register everyone, put them in one room; returns tokens and the room id."""
    tokens = []
    for i in range(receivers + SENDERS):
        name = f"bench{i}"
        body = requests.post(
            f"{url}/api/auth/register",
            json={"username": name, "email": f"{name}@example.com", "password": PASSWORD},
            timeout=10,
        ).json()
        tokens.append(body["access_token"])
    headers = {"Authorization": f"Bearer {tokens[0]}"}
    room = requests.post(
        f"{url}/api/rooms", json={"name": "fanout"}, headers=headers, timeout=10
    ).json()
    for token in tokens[1:]:
        requests.post(
            f"{url}/api/rooms/{room['id']}/join",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
    return tokens[SENDERS:], tokens[:SENDERS], room["id"]


def run_load(
    url: str,
    pid: int,
    receivers: list[str],
    senders: list[str],
    room_id: int,
    args: argparse.Namespace,
) -> list[dict]:
    config = {
        "url": url,
        "server_pid": pid,
        "receiver_tokens": receivers,
        "sender_tokens": senders,
        "room_id": room_id,
        "rates": args.rates,
        "step_seconds": args.step_seconds,
        "padding": 40,
        "receiver_client": args.receiver_client,
        "login_rates": args.logins,
        "login_window_s": args.login_window,
        "login": {"login": f"bench{SENDERS}", "password": PASSWORD},
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(config, handle)
    out = subprocess.run(
        pinned(LOADGEN_CPU, ["node", str(ROOT / "bench" / "loadgen.mjs"), handle.name]),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


def profiler(pid: int, path: Path) -> subprocess.Popen[bytes]:
    """py-spy sampling the server for the whole load, collapsed stacks to `path`."""
    return subprocess.Popen(
        [
            "py-spy",
            "record",
            "--pid",
            str(pid),
            "--format",
            "raw",
            "--rate",
            "250",
            "--output",
            str(path),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def bench_parley(
    args: argparse.Namespace, settings: dict[str, str] | None = None, root: Path = ROOT
) -> list[dict]:
    with parley_on_postgres(
        lambda web: pinned(SERVER_CPU, ["bash", "-c", f"exec {web}"]),
        bcrypt_rounds=args.bcrypt_rounds,
        settings={**dict(setting.split("=", 1) for setting in args.set), **(settings or {})},
        root=root,
    ) as (server, url):
        receivers, senders, room_id = make_users(url, args.receivers)
        spy = profiler(server.pid, args.profile) if args.profile else None
        try:
            return run_load(url, server.pid, receivers, senders, room_id, args)
        finally:
            if spy is not None:
                spy.send_signal(signal.SIGINT)
                spy.wait(60)


def bench_reference(command: list[str], args: argparse.Namespace) -> list[dict]:
    port = free_port()
    server = start([*command, str(port)])
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url)
        tokens = [f"anonymous{i}" for i in range(args.receivers + SENDERS)]
        return run_load(url, server.pid, tokens[SENDERS:], tokens[:SENDERS], 1, args)
    finally:
        server.terminate()
        server.wait(30)


@contextmanager
def checkout(revision: str) -> Iterator[Path]:
    """A throw-away worktree of this repository at `revision`."""
    path = Path(tempfile.mkdtemp(prefix="parley-baseline-"))
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(path), revision], cwd=ROOT, check=True
    )
    try:
        yield path
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(path)], cwd=ROOT, check=False)


SERVERS = {
    "parley": ("parley", bench_parley),
    "parley-stock": (
        "parley (stock)",
        lambda args: bench_parley(args, {"REALTIME_TRANSPORT": "stock"}),
    ),
    "flask": (
        "flask-socketio (ref)",
        lambda args: bench_reference(
            [sys.executable, str(ROOT / "bench" / "reference_server.py")], args
        ),
    ),
    "node": (
        "node socket.io (ref)",
        lambda args: bench_reference(["node", str(ROOT / "bench" / "node_reference.mjs")], args),
    ),
}


def print_table(results: dict[str, list[dict]]) -> None:
    header = (
        f"{'server':<24}{'rate':>6}{'deliv/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'lost':>7}"
        f"{'us/deliv':>10}{'gen cpu s':>10}"
    )
    print(header)
    print("-" * len(header))
    for name, steps in results.items():
        for step in steps:
            p50 = step["p50_ms"] or 0
            p99 = step["p99_ms"] or 0
            print(
                f"{name:<24}{step['rate']:>6}{step['deliveries_per_s']:>10.0f}{p50:>9.1f}{p99:>9.1f}"
                f"{step['lost']:>7}{step['server_cpu_us_per_delivery'] or 0:>10.2f}"
                f"{step['loadgen_cpu_s']:>10.1f}"
            )
    print()
    parleys = [name for name in results if name.startswith("parley")]
    references = [n for n in results if n != "parley" and (n.endswith("(ref)") or n in parleys)]
    for reference in references:
        for parley, other in zip(results.get("parley", []), results[reference], strict=True):
            ratio = (parley["server_cpu_us_per_delivery"] or 0) / (
                other["server_cpu_us_per_delivery"] or 1
            )
            print(f"rate {parley['rate']:>4}: Parley CPU per delivery = {ratio:.2f} x {reference}")


def print_logins(results: dict[str, list[dict]]) -> None:
    print(
        f"\n{'server':<12}{'rate':>6}{'sign-ins/s':>12}{'done':>7}{'failed':>8}"
        f"{'chat p99 ms':>13}{'sign-in p50 ms':>16}{'sign-in p99 ms':>16}{'steal s':>9}"
    )
    for name, steps in results.items():
        for step in steps:
            print(
                f"{name:<12}{step['rate']:>6}{step['logins_per_s']:>12g}{step['logins_ok']:>7}"
                f"{step['logins_failed']:>8}{step['p99_ms']:>13.1f}"
                f"{step['login_p50_ms'] or 0:>16.1f}{step['login_p99_ms'] or 0:>16.1f}"
                f"{step.get('steal_s', 0):>9.2f}"
            )
    for name, steps in results.items():
        for number, step in enumerate(steps, 1):
            # (second of the step, p99); a second with no deliveries is null.
            by_second = enumerate(step.get("p99_ms_by_second", []))
            seconds = [(at, p99) for at, p99 in by_second if p99 is not None]
            if seconds:
                worst = sorted(sorted(seconds, key=lambda second: second[1])[-3:])
                print(
                    f"{name} step {number}: p99 per second of sending, median "
                    f"{statistics.median(p99 for _, p99 in seconds):.1f} ms; worst "
                    + ", ".join(f"{p99:.1f} ms (s {at})" for at, p99 in worst)
                )
    for name, steps in results.items():
        windowed = [step for step in steps if "window_on" in step]
        for step in windowed:
            on, off = step["window_on"], step["window_off"]
            print(
                f"{name}: {step['login_window_s']:g} s windows, chat p99 with sign-ins "
                f"{on['p99_ms']:.1f} ms, without {off['p99_ms']:.1f} ms: "
                f"{window_rise(step):+.0f} %; median of {step['window_pairs']} window pairs' "
                f"rises {(step['window_pair_p99_ratio_median'] - 1) * 100:+.0f} %"
            )
        if len(windowed) > 1:
            print(
                f"{name}: median over {len(windowed)} steps "
                f"{statistics.median(window_rise(step) for step in windowed):+.0f} %"
            )
        rises = sign_in_rises(steps)
        if rises:
            listed = ", ".join(f"{rise:+.0f} %" for rise in rises)
            print(
                f"{name}: chat p99 with sign-ins against the step before without: {listed}; "
                f"median {statistics.median(rises):+.0f} %"
            )


def window_rise(step: dict) -> float:
    """In a step with sign-in windows, the rise of chat p99 with sign-ins over without, in %."""
    return (step["window_on"]["p99_ms"] / step["window_off"]["p99_ms"] - 1) * 100


def sign_in_rises(steps: list[dict]) -> list[float]:
    """Per pair (a step without sign-ins, then one with), the rise of chat p99 in %."""
    return [
        (after["p99_ms"] / before["p99_ms"] - 1) * 100
        for before, after in itertools.pairwise(steps)
        if not before["logins_per_s"] and after["logins_per_s"] and before["p99_ms"]
    ]


def chart(results: dict[str, list[dict]], path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed (pip install -r bench/requirements.txt); no chart")
        return
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    for name, steps in results.items():
        rates = [s["rate"] for s in steps]
        left.plot(rates, [s["p99_ms"] for s in steps], marker="o", label=name)
        right.plot(rates, [s["deliveries_per_s"] for s in steps], marker="o", label=name)
    left.set(xlabel="send rate (msg/s)", ylabel="p99 end-to-end latency (ms)", yscale="log")
    right.set(xlabel="send rate (msg/s)", ylabel="deliveries per second")
    for axis in (left, right):
        axis.grid(alpha=0.3)
        axis.legend()
    figure.suptitle("One room, 200 receivers + 4 senders (203 recipients per message)")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    print(f"chart written to {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--step-seconds", type=float, default=15)
    parser.add_argument(
        "--rates",
        type=lambda s: [int(r) for r in s.split(",")],
        default=[25, 50, 100, 200, 300, 400],
    )
    parser.add_argument(
        "--servers",
        type=lambda s: s.split(","),
        default=list(SERVERS),
        help=f"which of {','.join(SERVERS)} to run (default: all)",
    )
    parser.add_argument(
        "--baseline",
        metavar="REVISION",
        help="also run Parley as it was at this git revision (a worktree), first",
    )
    parser.add_argument("--receivers", type=int, default=200)
    parser.add_argument(
        "--logins",
        type=lambda s: [float(r) for r in s.split(",")],
        default=[],
        help="sign-ins per second during each step (Parley only), e.g. 0,10 with --rates 100,100",
    )
    parser.add_argument(
        "--login-window",
        type=float,
        default=0,
        metavar="SECONDS",
        help="in steps with sign-ins, run them only in alternate windows this long and "
        "compare chat latency in the windows with sign-ins against those without",
    )
    parser.add_argument(
        "--bcrypt-rounds",
        type=int,
        default=4,
        help="Parley's BCRYPT_ROUNDS (cheap by default: the fan-out measures the chat path)",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a Parley setting for the run (repeatable), e.g. --set WEBSOCKET_FLUSH_MS=5",
    )
    parser.add_argument(
        "--receiver-client",
        choices=["lean", "socket.io"],
        default="lean",
        help="receivers as minimal protocol clients over ws (default) or as socket.io-client",
    )
    parser.add_argument(
        "--name",
        default="fanout",
        help="results go to bench/results/NAME.json and the chart to docs/NAME.png",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="FILE",
        help="sample Parley with py-spy during the load; collapsed stacks to FILE",
    )
    args = parser.parse_args()

    results = {}
    if args.baseline:
        with checkout(args.baseline) as root:
            results[f"parley @{args.baseline}"] = bench_parley(args, root=root)
    for key in args.servers:
        name, run = SERVERS[key]
        results[name] = run(args)

    print_table(results)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"{args.name}.json").write_text(json.dumps(results, indent=2))
    if args.logins:
        print_logins(results)
    else:  # the chart is of a sweep of send rates
        chart(results, ROOT / "docs" / f"{args.name}.png")


if __name__ == "__main__":
    main()
