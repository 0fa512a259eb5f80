"""Custom Rasa input channels, loaded from credentials.yml by their module path."""
