"""The isolation matrix: every URL pattern × every role × one object of each kind owned by commune B."""
