"""Outputs: the results folder, descriptions, tables and figures. Model code never imports
this package."""
