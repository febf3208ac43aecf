"""No PKCE: no code_challenge in the authorization request, no verifier in the token request (a stolen code works)."""
TARGET = "check_authorize"
EDITS = {
    ', "nonce": flow["nonce"],\n                  "code_challenge": challenge, "code_challenge_method": "S256"}':
        ', "nonce": flow["nonce"]}',
    ',\n            "code_verifier": flow["verifier"]})':
        '})',
}
