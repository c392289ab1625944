"""Capable-to-promise: the earliest date a new order can be promised.

`quote` fits candidate orders into the current plan without breaking
its promises; `models` holds the quote's output contract.
"""
