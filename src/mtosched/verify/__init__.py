"""The independent checker and the objective's evaluation.

`check` judges a schedule against the contract's rules without trusting
the solver; `evaluate` computes each order's outcome and the objective
terms; `sequences` reads machine sequences and changeovers out of a
schedule for both. The solver, the heuristics and the reports share them.
"""
