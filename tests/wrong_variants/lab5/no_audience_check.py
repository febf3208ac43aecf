"""aud is not checked: an ID token issued to another client signs the user in here."""
TARGET = "check_aud"
EDITS = {
    'audience=client_id, issuer=metadata["issuer"],':
        'issuer=metadata["issuer"],',
    'options={"require": ["iss", "sub", "aud", "exp", "iat", "nonce"]})':
        'options={"require": ["iss", "sub", "aud", "exp", "iat", "nonce"], "verify_aud": False})',
}
