"""Streamlit helpers shared by pages: the only package module besides app.py and views/ that imports streamlit."""
