from cxcoach.command import run

run()
