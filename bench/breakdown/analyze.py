#!/usr/bin/env python3
"""Prints where a remote test's time goes, from the marks of probes.patch (see README.md here).

usage: analyze.py HOST.tsv AGENT.tsv TESTS_PER_ROUND
"""
import statistics
import sys


def load(path):
    marks = {}
    timeline = []
    for line in open(path, errors="replace"):
        parts = line.rstrip("\n").split("\t")
        if len(parts) == 3 and parts[0] == "RT":
            marks.setdefault(parts[1], []).append(int(parts[2]))
            timeline.append((int(parts[2]), parts[1]))
    return marks, timeline


h, htl = load(sys.argv[1])
a, atl = load(sys.argv[2])
per_round = int(sys.argv[3])
rounds = (len(h["H_send"]) - 1) // per_round  # the first mark: the one test of the class before


def row(name, x, y, offset):
    cells = []
    for r in range(rounds):
        tests = range(2 + per_round * r, per_round * (r + 1))  # the first test of a round excluded
        cells.append(statistics.median((y[i + offset] - x[i]) / 1e6 for i in tests))
    print(name.ljust(34) + "".join(f"{c:9.3f}" for c in cells))


print("per test, median ms".ljust(34) + "".join(f"{'round ' + str(r + 1):>9s}" for r in range(rounds)))
for name, x, y, offset in [
    ("host sends RUN -> agent reads it", h["H_send"], a["A_read"], 0),
    ("agent reads RUN -> gate opens", a["A_read"], a["A_gate_out"], 0),
    ("gate opens -> test finished (JUnit)", a["A_gate_out"], a["A_fin"], 0),
    ("test finished -> host reads RESULT", a["A_fin"], h["H_read"], 0),
    ("host reads RESULT -> test thread", h["H_read"], h["H_got"], 0),
    ("host: test thread -> next RUN", h["H_got"], h["H_send"], 1),
    ("  of which interceptor -> next cond.", h["H_after"], h["X_cond"], 1),
    ("  of which cond. -> interceptor", h["X_cond"], h["H_icpt"], 0),
    ("agent: RESULT sent -> next gate", a["A_sent"], a["A_gate_in"], 1),
    ("RUN sent -> RESULT at test thread", h["H_send"], h["H_got"], 0),
    ("cycle (RUN to next RUN)", h["H_send"], h["H_send"], 1),
]:
    row(name, x, y, offset)

print("\nper class (each remote session), ms since the previous step")
steps = {"H_boot", "H_started", "A_main", "A_listen", "H_sawlisten", "A_accepted", "H_connected", "H_open",
         "A_start", "A_run", "A_opened", "A_req", "A_planstart", "A_classstart", "A_ready", "H_ready", "H_close",
         "A_classfin", "A_executed", "A_finish", "A_finsend", "H_finished"}
names = {"H_open": "host opens the class", "H_boot": "host: container created", "H_started": "host: container started",
         "A_main": "agent: main()", "A_listen": "agent: listening", "H_sawlisten": "host: saw it listen",
         "A_accepted": "agent: host connected", "H_connected": "host: HELLO read", "A_start": "agent: START read",
         "A_run": "agent: session thread runs", "A_opened": "agent: launcher session opened",
         "A_req": "agent: request built", "A_planstart": "agent: discovered (plan starts)",
         "A_classstart": "agent: class starts", "A_ready": "agent: READY (at the 1st test)",
         "H_ready": "host: READY read", "H_close": "host: END sent", "A_classfin": "agent: class finished",
         "A_executed": "agent: launcher returned", "A_finish": "agent: finishing",
         "A_finsend": "agent: FINISHED sent", "H_finished": "host: FINISHED read"}
previous = None
for t, tag in sorted(htl + atl):
    if tag == "H_open":
        print("---")
        previous = t
    if tag in steps and previous is not None:
        print(f"  {names[tag]:34s} +{(t - previous) / 1e6:9.1f}")
        previous = t
