"""The shop's allauth adapter."""

from allauth.account.adapter import DefaultAccountAdapter

from core.ratelimit import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth counts failed sign-ins per account ("5/5m/key") globally, so anyone typing five
        # wrong passwords locked the owner out from everywhere. Keyed by account *and* client
        # address, a guesser is throttled where they guess from (and per address by the "ip"
        # rate) while the owner still signs in from home.
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}@{client_ip(request)}"
