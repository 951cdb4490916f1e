"""``python -m milia_kg`` runs the ``milia-kg`` command line."""

from milia_kg.cli import main

if __name__ == "__main__":
    main(prog_name="milia-kg")
