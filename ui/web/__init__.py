"""The Streamlit page for staff (`crossbrief ui`)."""
