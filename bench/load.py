"""The load generator: a separate process of asyncio keep-alive HTTP/1.1 connections to 127.0.0.1 only.

    python -m bench.load PLAN.json  ->  prints one JSON object of results

PLAN: {"port", "concurrency", "phase_seconds", "rounds", "warmup_seconds", "max_requests",
       "targets": {"page": [[path, cookie], ...], "floor": [[path, cookie], ...]}}

The targets are measured in alternating phases (page, floor, page, floor, ...) so that both see the same machine;
each phase is bounded in time and in requests, and so is the whole run. Deliberately minimal HTTP (GET,
Content-Length bodies) so that the generator takes as little of the shared CPU as possible.
"""

import asyncio
import json
import random
import sys
import time

HOST = "127.0.0.1"  # never anything but loopback


class Connection:
    def __init__(self, port: int):
        self.port = port
        self.reader = self.writer = None

    async def get(self, path: str, cookie: str) -> tuple[int, int]:
        """One GET; returns (status, body length). Reconnects when the server closes the connection."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        head = f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nAccept: text/html\r\nAccept-Language: zh-CN\r\n"
        if cookie:
            head += f"Cookie: {cookie}\r\n"
        self.writer.write((head + "\r\n").encode())
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length, close = 0, False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.lower()
            if name == "content-length":
                length = int(value)
            elif name == "connection" and value.strip().lower() == "close":
                close = True
        await self.reader.readexactly(length)
        if close:
            self.close()
        return status, length

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def phase(port: int, targets: list, concurrency: int, seconds: float, max_requests: int) -> dict:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    sizes: list[int] = []
    deadline = time.perf_counter() + seconds
    budget = [max_requests]

    async def worker(seed: int):
        rng = random.Random(seed)
        conn = Connection(port)
        try:
            while budget[0] > 0 and time.perf_counter() < deadline:
                budget[0] -= 1
                path, cookie = targets[rng.randrange(len(targets))]
                start = time.perf_counter()
                try:
                    status, length = await conn.get(path, cookie)
                except (OSError, asyncio.IncompleteReadError, ValueError) as error:
                    conn.close()
                    errors[type(error).__name__] = errors.get(type(error).__name__, 0) + 1
                    continue
                latencies.append(time.perf_counter() - start)
                if status != 200:
                    errors[str(status)] = errors.get(str(status), 0) + 1
                elif len(sizes) < 1000:
                    sizes.append(length)
        finally:
            conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {"latencies": latencies, "elapsed": elapsed, "errors": errors, "sizes": sizes}


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(p / 100 * len(sorted_values)))]


async def run(plan: dict) -> dict:
    port, conc = plan["port"], plan["concurrency"]
    names = list(plan["targets"])
    for name in names:  # warm the workers' caches and connections; not counted
        await phase(port, plan["targets"][name], conc, plan["warmup_seconds"], plan["max_requests"])
    totals = {name: {"latencies": [], "elapsed": 0.0, "errors": {}, "sizes": []} for name in names}
    for round_ in range(plan["rounds"]):
        order = names if round_ % 2 == 0 else names[::-1]
        for name in order:
            result = await phase(port, plan["targets"][name], conc, plan["phase_seconds"], plan["max_requests"])
            total = totals[name]
            total["latencies"] += result["latencies"]
            total["elapsed"] += result["elapsed"]
            total["sizes"] += result["sizes"]
            for key, n in result["errors"].items():
                total["errors"][key] = total["errors"].get(key, 0) + n
    out = {}
    for name, total in totals.items():
        lat = sorted(total["latencies"])
        out[name] = {
            "requests": len(lat),
            "seconds": round(total["elapsed"], 2),
            "rps": len(lat) / total["elapsed"] if total["elapsed"] else 0.0,
            "p50_ms": percentile(lat, 50) * 1000,
            "p95_ms": percentile(lat, 95) * 1000,
            "p99_ms": percentile(lat, 99) * 1000,
            "errors": total["errors"],
            "mean_bytes": sum(total["sizes"]) / len(total["sizes"]) if total["sizes"] else 0,
        }
    return out


def main(argv: list[str]) -> None:
    with open(argv[1], encoding="utf-8") as fh:
        plan = json.load(fh)
    print(json.dumps(asyncio.run(run(plan))))


if __name__ == "__main__":
    main(sys.argv)
