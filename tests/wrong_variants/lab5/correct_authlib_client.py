"""Correct: Authlib's OAuth2Session exchanges the code (client_secret_basic, the verifier), PyJWT still validates."""
TARGET = None
EDITS = {
    "    metadata = discover(issuer)\n":
        "    from authlib.integrations.requests_client import OAuth2Session, OAuthError\n\n"
        "    metadata = discover(issuer)\n",
    ('        answer = requests.post(metadata["token_endpoint"], auth=(client_id, client_secret), '
     'timeout=TIMEOUT, data={\n'
     '            "grant_type": "authorization_code", "code": code, '
     '"redirect_uri": url_for("callback", _external=True),\n'
     '            "code_verifier": flow["verifier"]})\n'
     '        try:\n'
     '            tokens = answer.json()\n'
     '        except ValueError:\n'
     '            tokens = None\n'
     '        if answer.status_code != 200 or not isinstance(tokens, dict)'):
        ('        client = OAuth2Session(client_id, client_secret, redirect_uri=url_for("callback", _external=True))\n'
         '        try:\n'
         '            tokens = client.fetch_token(metadata["token_endpoint"], code=code, '
         'code_verifier=flow["verifier"],\n'
         '                                        timeout=TIMEOUT)\n'
         '        except (OAuthError, requests.RequestException, ValueError):\n'
         '            tokens = None\n'
         '        if not isinstance(tokens, dict)'),
}
