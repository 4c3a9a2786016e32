"""``python -m sim`` runs the ``sim`` command (a Ctrl-C while it loads ends it quietly,
see :mod:`sim.entry`)."""

from sim.entry import main

main(prog_name="sim")
