"""aigw-skills: typed inputs, provider presets and templates for Envoy AI Gateway skills."""

__version__ = "0.1.0"
