#!/usr/bin/env python3
"""Writes a large scenario file to standard output, for measuring how
judging scales with the calls of a run (docs/performance.md):

    scripts/big-scenario.py CLIENTS STEPS_PER_CLIENT > big.yaml
    vds-harness run --scenario big.yaml --max-steps N --max-scenario-bytes B

Each client works on a target of its own, in cycles of six steps:
CreatePortalGroup, Wait, the group's GetProperties, QueryPortalGroups,
the group's Delete, Wait. The run ends at the world's 30 s of simulated
time, so past some 12,000 calls more steps only make the file longer."""

import sys

clients, per_client = int(sys.argv[1]), int(sys.argv[2])
cycle = [
    "      - call: CreatePortalGroup\n        target: t{c}\n",
    "      - call: Wait\n        as: g\n",
    "      - call: GetPortalGroupProperties\n        group: g\n",
    "      - call: QueryPortalGroups\n        target: t{c}\n",
    "      - call: DeletePortalGroup\n        group: g\n        as: d\n",
    "      - call: Wait\n        op: d\n",
]
out = sys.stdout
out.write(f"name: big-{clients}x{per_client}\n")
out.write(f"description: {clients} clients x {per_client} steps\n")
out.write("engine: madsim\nseeds: {start: 0, count: 1}\n")
out.write("array:\n  group_limit: 4\n  targets:\n")
for c in range(clients):
    out.write(f"    - name: t{c}\n")
out.write('  portals: ["10.0.0.1:3260"]\nclients:\n')
for c in range(clients):
    out.write(f"  - name: c{c}\n    steps:\n")
    for i in range(per_client):
        out.write(cycle[i % len(cycle)].format(c=c))
