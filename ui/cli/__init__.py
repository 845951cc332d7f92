"""The command line (`crossbrief ...`): parses, calls the library, renders; errors become one line."""
