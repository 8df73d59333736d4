"""`aigw-skills doctor`: diagnose a running Envoy AI Gateway, live through kubectl or from a dump."""
