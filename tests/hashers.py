"""Argon2 with the cheapest parameters, for the test suite only.

The store's hasher costs about a second of CPU per hash by design (memory_cost 100 MiB); the suite
creates and logs in thousands of users, so it would spend most of its time hashing. This keeps the
same algorithm and hash format (`argon2$...`), so the tests still prove that passwords are stored
as Argon2, while `bench/` and every real setting keep the real cost.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 8
    parallelism = 1
