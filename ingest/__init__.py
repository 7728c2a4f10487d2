"""Reading maps and imagery into scene-graph records; owns the ontology. Torch-free."""
