"""PKCE with code_challenge_method=plain: the challenge in the URL is the verifier itself."""
TARGET = "check_authorize"
EDITS = {
    '"code_challenge": challenge, "code_challenge_method": "S256"}':
        '"code_challenge": verifier, "code_challenge_method": "plain"}',
}
