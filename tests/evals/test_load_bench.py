"""The CPU accounting of `crossbrief bench --load` (its ratio floor rests on it): the work of this process and of
the processes below it counts, waiting does not. (The load check itself is a benchmark, run by hand.)"""

from __future__ import annotations

import subprocess
import sys
import time

from crossbrief.evals.load_bench import tree_cpu_seconds

SPIN = "import time\nstart = time.process_time()\nwhile time.process_time() - start < {s}:\n    pass\n"


def spin(seconds: float) -> None:
    """Uses `seconds` of this process's CPU."""
    start = time.process_time()
    while time.process_time() - start < seconds:
        pass


def test_cpu_of_this_process_and_its_children_counts() -> None:
    before = tree_cpu_seconds()
    subprocess.run([sys.executable, "-c", SPIN.format(s=0.4)], check=True)  # a child, waited for
    spin(0.3)  # and this process itself
    after = tree_cpu_seconds()
    assert before is not None and after is not None
    # a Python start costs CPU too; clock ticks are 10 ms
    assert after - before >= 0.65


def test_waiting_costs_nothing() -> None:
    before = tree_cpu_seconds()
    time.sleep(0.5)
    after = tree_cpu_seconds()
    assert before is not None and after is not None
    assert after - before < 0.2  # sleeping uses no CPU


def test_a_process_that_does_not_exist_has_no_figure() -> None:
    assert tree_cpu_seconds(2**22 + 7) is None  # above Linux's pid_max
