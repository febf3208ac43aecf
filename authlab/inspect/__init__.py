"""Inspectors that show learners what is inside tokens, cookies and HTTP exchanges, offline in the kernel.

    from authlab.inspect import inspect_jwt, inspect_cookies, show_exchange, encode, JWTInspector
"""
