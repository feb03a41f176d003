"""The HTTP side of the app: the sign-in pages and cookie, and the guard in front of Streamlit's routes."""
