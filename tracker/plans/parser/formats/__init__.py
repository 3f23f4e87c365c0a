"""Readers of the file formats a plan arrives in, each giving the same normalised text.

Every reader turns its bytes into blocks (paragraphs and tables, see `blocks`) under one `Budget`,
so that the text is alike whatever the format: a paragraph a line, a table row a line of
pipe-separated cells with merged cells repeated into every column they cover.
"""
