"""The mediator-skills catalogue shipped with the service."""
