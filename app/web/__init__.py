"""The web client: a single page served at `/`."""
