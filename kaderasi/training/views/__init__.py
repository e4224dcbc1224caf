"""Pages of the training app: thin function views, one module per concept."""
