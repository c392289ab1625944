"""The heuristic layer: list schedules and the search over their order keys.

`booking` is the shop floor a list schedule fills (machines and batches;
crews and stock through `levels`), `dispatch` the list schedule itself,
`portfolio` the rules and the key search that give CP-SAT its first
schedule, and `climb` that search's hill climb, alone or with helper
processes. Nothing here imports OR-Tools.
"""
