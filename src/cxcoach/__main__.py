from cxcoach.cli import run

run()
