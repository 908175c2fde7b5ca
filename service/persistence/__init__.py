"""Tables, queries and transactions. Nothing here knows about HTTP."""
