"""Bundle entry point: `LatentRoll` with no arguments opens the app, otherwise it is the CLI."""
import sys

from latentroll.app.cli.main import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["gui"]))
