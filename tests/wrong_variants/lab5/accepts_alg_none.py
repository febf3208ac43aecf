"""Unsigned ID tokens (alg none) are read without a signature check."""
TARGET = "check_alg_none"
EDITS = {
    '    key = keys.get_signing_key_from_jwt(id_token)  #':
        ('    if jwt.get_unverified_header(id_token).get("alg") == "none":\n'
         '        claims = jwt.decode(id_token, options={"verify_signature": False})\n'
         '        if claims.get("nonce") == nonce:\n'
         '            return claims\n'
         '    key = keys.get_signing_key_from_jwt(id_token)  #'),
}
