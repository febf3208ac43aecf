"""main builds its senders with a lambda in a loop, so every sender hits the last server."""
TARGET = "check_cli"
EDITS = {
    "        senders = {approach: profile_request(clients[approach], urls[approach]) for approach in APPROACHES}":
    '        senders = {approach: lambda: clients[approach].get(f"{urls[approach]}/profile", timeout=5)\n'
    "                   for approach in APPROACHES}",
}
