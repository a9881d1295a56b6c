"""The application layer: one module per use-case family, between the front ends (CLI, web, flows) and storage."""
