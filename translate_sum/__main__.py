"""`python -m translate_sum` runs the command line."""

from translate_sum.cli import main

main()
