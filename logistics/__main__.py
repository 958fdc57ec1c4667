"""`python -m logistics` runs the command line."""

from logistics.cli import main

main()
