"""`python -m mtosched`."""

from mtosched.cli.app import main

main()
