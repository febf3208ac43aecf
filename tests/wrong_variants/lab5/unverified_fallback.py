"""A token whose signature fails is read unverified ("the provider must have rotated its key")."""
TARGET = "check_signature"
EDITS = {
    'def validate_id_token(':
        ('def _decode(token, key, **kwargs):\n'
         '    try:\n'
         '        return jwt.decode(token, key, **kwargs)\n'
         '    except jwt.InvalidSignatureError:\n'
         '        return jwt.decode(token, key, **{**kwargs, "options": {**kwargs["options'
         '"], "verify_signature": False}})\n'
         '\n'
         '\n'
         'def validate_id_token('),
    'claims = jwt.decode(id_token, key, algorithms=algorithms,':
        'claims = _decode(id_token, key, algorithms=algorithms,',
}
