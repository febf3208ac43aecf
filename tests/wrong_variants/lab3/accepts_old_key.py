"""During a "key rotation" the server still accepts tokens signed with the old key, "jwt-secret"."""
TARGET = "check_other_key"
EDITS = {
    '''    except jwt.InvalidTokenError:
        return None
    if not isinstance''':
    '''    except jwt.InvalidTokenError:
        try:
            claims = jwt.decode(token, "jwt-secret", algorithms=["HS256"])
        except jwt.InvalidTokenError:
            return None
    if not isinstance''',
}
