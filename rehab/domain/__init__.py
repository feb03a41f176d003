"""Pure clinical logic: no I/O, no Streamlit, no SQL."""
