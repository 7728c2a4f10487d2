"""The single ``orthograph`` command line; it calls the services and holds no logic."""
