"""HTTP adapters: the coordinator API, public documents and errors."""
