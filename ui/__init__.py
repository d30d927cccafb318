"""Streamlit widgets and the pure figure/image builders the pages draw with."""
