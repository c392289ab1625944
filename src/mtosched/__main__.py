"""`python -m mtosched`.

The try covers the instant between the command line's guarded imports
and its `main`, where a Ctrl-C would still print a traceback.
"""

from mtosched.cli.startup import interrupted

try:
    from mtosched.cli.app import main

    main()
except KeyboardInterrupt:
    interrupted()
