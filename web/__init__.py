"""The ward's web application — "trang web": sign-in, my work, one occurrence, a JSON API.

A front end like the command line: every page parses the request, calls one use case of the
application layer as the signed-in officer, and renders the result with a template.
"""
