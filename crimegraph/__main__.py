"""``python -m crimegraph``: the same as the ``crimegraph`` command."""

from crimegraph.cli import main

if __name__ == "__main__":
    main()
