"""Sightread's PyTorch side: the models of ../shared/specs/model.md, their data, training and export."""
