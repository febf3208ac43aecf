"""ID tokens that say HS256 are verified with the client secret, as for symmetric clients."""
TARGET = "check_hs256"
EDITS = {
    '            claims = validate_id_token(tokens["id_token"], keys, metadata, client_id, flow["nonce"])':
        ('            if jwt.get_unverified_header(tokens["id_token"]).get("alg") == "HS256":\n'
         '                claims = jwt.decode(tokens["id_token"], client_secret, algorithm'
         's=["HS256"], audience=client_id,\n'
         '                                    issuer=issuer)\n'
         '            else:\n'
         '                claims = validate_id_token(tokens["id_token"], keys, metadata, client_id, flow["nonce"])'),
}
