"""`python -m granska.ui.cli …` runs the same app as the `granska` console script."""

from granska.ui.cli import main

main()
