"""One package per KSZ service: its methods, its typed models and their wire mapping."""
