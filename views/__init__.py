"""Page views: each module only defines functions, handed to st.Page by app.py."""
