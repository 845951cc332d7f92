"""`python -m crossbrief`: the same command line as `crossbrief`."""

from crossbrief.ui.cli.main import main

if __name__ == "__main__":
    main()
