"""One module per screen; each top-level section is an app mode."""
