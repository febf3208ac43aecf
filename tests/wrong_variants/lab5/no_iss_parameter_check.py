"""The iss parameter of the authorization response (RFC 9207) is ignored: mix-up."""
TARGET = "check_iss"
EDITS = {
    ('        if (iss is not None or metadata.get("authorization_response_iss_paramete'
     'r_supported")) and iss != issuer:\n'
     '            return error(f"the response names the issuer {iss!r}, not {issuer!r} (a mix-up?)")\n'):
        '',
}
