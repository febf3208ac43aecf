"""iss of the ID token is not checked."""
TARGET = "check_iss"
EDITS = {
    'audience=client_id, issuer=metadata["issuer"],':
        'audience=client_id,',
}
