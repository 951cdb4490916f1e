"""The benchmark's target table (issue 22): verdicts follow the issue's numbers, and every row names
the load average of the group that measured it."""

from __future__ import annotations

from typing import Any


def _endpoint_row(workload: str, clients: int, peer_rps: float, ours_rps: float, peer_p99: float,
                  ours_p99: float) -> dict[str, Any]:
    side = {"p50_ms": 1.0, "rounds_rps": []}
    return {"workload": workload, "clients": clients,
            "peer": {**side, "rps": peer_rps, "p99_ms": peer_p99},
            "ours": {**side, "rps": ours_rps, "p99_ms": ours_p99},
            "cached": {**side, "rps": ours_rps, "p99_ms": ours_p99},
            "ours_ratio": round(ours_rps / peer_rps, 2), "ours_p99_ratio": round(ours_p99 / peer_p99, 2),
            "cached_ratio": 1.0, "cached_p99_ratio": 1.0}


def test_endpoint_target_needs_both_throughput_and_tail_latency() -> None:
    """>= 0.5x the peer's requests per second AND p99 <= 3x the peer's, per cell; the load is shown."""
    from benchmarks import _speed

    report = {
        "loads": {"endpoint": [0.4, 1.6]},
        "endpoint": {"rows": [
            _endpoint_row("sparql", 1, 1000, 500, 2.0, 6.0),  # exactly at both limits: met
            _endpoint_row("sparql", 4, 1000, 490, 2.0, 2.0),  # throughput short
            _endpoint_row("rest", 16, 1000, 900, 2.0, 6.2),  # tail too long
        ], "rounds": 3, "seconds": 5, "load_before": [0.4], "load_after": [1.6]},
    }
    lines = [line for line in _speed.render_targets(report).splitlines() if line.startswith("| 1.")]
    assert [line.split(" | ")[4] for line in lines] == ["met", "missed", "missed"]
    assert all(line.endswith("| 0.4-1.6 |") for line in lines)
    assert "`/sparql`, 4 client(s)" in lines[1] and "REST `/api/queries/NAME`, 16 client(s)" in lines[2]
    assert "0.49x (p99 1.00x)" in lines[1]
    rendered = _speed.render_endpoint(report)
    assert rendered.count("\n| sparql |") == 2 and "load average 0.40 before and 1.60 after" in rendered


def test_merge_targets_judge_a_label_and_a_curie_parameter_alike() -> None:
    """Target 5: a later merged query <= 0.15 s with a label and with a CURIE new to the kept store;
    the first <= 3 s and <= 300 MB."""
    from benchmarks import _speed

    def side(seconds: float, peak_mb: float = 40.0) -> dict[str, float]:
        return {"seconds": seconds, "cpu_seconds": seconds, "peak_mb": peak_mb, "runs": 3}

    hpo = {"first": side(2.9, 301.0), "later": side(0.15), "plain": side(0.06),
           "later_curie": side(0.16), "plain_curie": side(0.06)}
    report = {"loads": {"hpo": [1.0, 1.2]}, "hpo": {"hpo": hpo}}
    lines = [line for line in _speed.render_targets(report).splitlines() if line.startswith("| 5.")]
    assert [line.split(" | ")[4] for line in lines] == ["met", "missed", "missed"]  # 301 MB > 300
    assert "CURIE parameter" in lines[1] and "2.67x" in lines[1]


def test_endpoint_group_is_part_of_the_one_benchmark_command() -> None:
    """`python -m benchmarks.run` runs the endpoint group with every other group by default."""
    from benchmarks import _groups

    assert "endpoint" in _groups.GROUPS
