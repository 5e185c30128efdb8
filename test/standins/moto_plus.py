"""
moto_plus: moto's server with the AWS actions this project needs that moto 5.2.5 lacks.

    <venv>/bin/python test/standins/moto_plus.py -H 127.0.0.1 -p 5000

Takes the same options as `moto_server` (moto/server.py main(), which it ends by
calling). moto itself is not forked or edited: this file imports it and patches its
classes before the server starts. Each addition speaks the service's real wire protocol
(Cognito Identity: JSON 1.1; IAM: query + XML, serialised by moto from botocore's model)
and answers with the shapes and error codes the AWS API reference gives.

Cognito Identity (moto.cognitoidentity: CognitoIdentityBackend, CognitoIdentityResponse,
CognitoIdentityPool)
  - SetIdentityPoolRoles / GetIdentityPoolRoles: Roles ({authenticated?, unauthenticated?}
    -> role ARN) and RoleMappings are stored on the pool; Set replaces both (Roles {}
    clears them). Get answers {IdentityPoolId, Roles, RoleMappings?}. DescribeIdentityPool
    is unchanged (it never shows roles, as in AWS).
    RoleMappings are checked as the API reference documents them (model constraints:
    Type/MatchType enums, Claim 1..64 characters of Unicode letters/marks/symbols/numbers/
    punctuation, Value 1..128; at most 25 rules; AmbiguousRoleResolution required for both
    types; RulesConfiguration required for Rules; the key a provider of the pool).
  - SetPrincipalTagAttributeMap / GetPrincipalTagAttributeMap (attributes for access
    control), per pool and provider name: UseDefaults gives {client: aud, username: sub};
    no defaults and no tags removes the map; Get of a provider without a map is
    ResourceNotFoundException; a provider the pool does not list is
    InvalidParameterException.
  - GetCredentialsForIdentity chooses the role as Cognito documents it (RoleMappings of
    the Logins provider: Rules in order, first match wins; Token: cognito:preferred_role /
    a single cognito:roles; ambiguous -> AuthenticatedRole or Deny =
    NotAuthorizedException "The ambiguous role mapping rules denied this request.") and
    returns REAL moto STS credentials of that role (GetCallerIdentity answers
    arn:aws:sts::ACCOUNT:assumed-role/ROLE/CognitoIdentityCredentials). Mapped principal
    tags are kept on the moto AssumedRole as `session_tags` (GET /moto-api/data.json);
    when tags are mapped and the role's trust policy has no Allow for sts:TagSession it is
    InvalidIdentityPoolConfigurationException. See the comment above choose_role().
  - ListIdentityPools: MaxResults is required (1..60) and honoured, NextToken is
    returned while more pools remain and accepted back; items are only
    {IdentityPoolId, IdentityPoolName}, as in AWS. Order: creation order.
  - An unknown pool id is ResourceNotFoundException (HTTP 400,
    "IdentityPool 'ID' not found.") in GetId, UpdateIdentityPool and ListIdentities
    (moto: HTTP 500 KeyError) and in DescribeIdentityPool / DeleteIdentityPool; an id
    that does not match [\\w-]+:[0-9a-f-]+ is a ValidationException.
IAM (moto.iam: IAMBackend, IamResponse)
  - AddClientIDToOpenIDConnectProvider (idempotent; LimitExceeded past 100 client IDs)
    and RemoveClientIDFromOpenIDConnectProvider (idempotent); NoSuchEntity (404) for an
    unknown provider ARN; ValidationError for lengths (ARN 20..2048, client ID 1..255).

Input constraints (required, lengths, ranges, enums, patterns) of the added actions are
checked against botocore's copy of the AWS model, with AWS's "N validation error(s)
detected: ..." message.

Environment:
  MOTO_PLUS_PARENT_PID=<pid>  (Linux) exit when that process dies, even by SIGKILL
                              (PR_SET_PDEATHSIG), and exit at once if it is already gone.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import re
import sys
import time
import unicodedata
from collections.abc import Callable
from typing import Any

PATCHED_FOR_MOTO = "5.2.5"


def _die_with_parent() -> None:
    parent = os.environ.get("MOTO_PLUS_PARENT_PID")
    if not parent or not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except Exception:
        pass
    # The parent may have died before prctl took effect.
    if os.getppid() != int(parent):
        sys.exit(0)


# Before the (slow) moto imports, so that an orphan does not linger while importing.
_die_with_parent()

import botocore.session  # noqa: E402
import moto  # noqa: E402
import moto.server  # noqa: E402
from moto.cognitoidentity.models import (  # noqa: E402
    CognitoIdentityBackend,
    CognitoIdentityPool,
    cognitoidentity_backends,
)
from moto.cognitoidentity.responses import CognitoIdentityResponse  # noqa: E402
from moto.core.exceptions import JsonRESTError  # noqa: E402
from moto.core.responses import EmptyResult  # noqa: E402
from moto.iam.exceptions import LimitExceededException, ValidationError  # noqa: E402
from moto.iam.models import IAMBackend  # noqa: E402
from moto.iam.responses import IamResponse  # noqa: E402


def _log(msg: str) -> None:
    sys.stderr.write(f"moto_plus: {msg}\n")
    sys.stderr.flush()


# ─── validation against the AWS model (what AWS's front end checks first) ──────────────

_models: dict[str, Any] = {}


def _service_model(service: str) -> Any:
    if service not in _models:
        _models[service] = botocore.session.get_session().get_service_model(service)
    return _models[service]


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _compile(pattern: str) -> re.Pattern[str] | None:
    # Java-style classes such as \p{L} do not compile in Python's re: see _category_matcher.
    try:
        return re.compile(pattern)
    except re.error:
        return None


_CATEGORY_CLASS = re.compile(r"\[((?:\\p\{[A-Z]\})+)\]\+")


def _category_matcher(pattern: str) -> Callable[[str], bool] | None:
    """A pattern made only of Unicode general categories, e.g. [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+
    (ClaimName): one or more characters, each in one of those categories."""
    m = _CATEGORY_CLASS.fullmatch(pattern)
    if not m:
        return None
    cats = tuple(re.findall(r"\\p\{([A-Z])\}", m.group(1)))
    return lambda v: len(v) > 0 and all(unicodedata.category(c).startswith(cats) for c in v)


def _constraint_errors(shape: Any, value: Any, where: str, out: list[str]) -> None:
    """AWS-style constraint messages for `value` against a botocore shape."""
    meta = shape.metadata
    kind = shape.type_name
    shown = value if not isinstance(value, (dict, list)) else json.dumps(value)

    def bad(constraint: str) -> None:
        out.append(f"Value '{shown}' at '{where}' failed to satisfy constraint: {constraint}")

    if kind == "string":
        if not isinstance(value, str):
            bad("Member must be a string")
            return
        if "min" in meta and len(value) < meta["min"]:
            bad(f"Member must have length greater than or equal to {meta['min']}")
        if "max" in meta and len(value) > meta["max"]:
            bad(f"Member must have length less than or equal to {meta['max']}")
        if shape.enum and value not in shape.enum:
            bad(f"Member must satisfy enum value set: [{', '.join(shape.enum)}]")
        pattern = meta.get("pattern")
        rx = _compile(pattern) if pattern else None
        by_category = _category_matcher(pattern) if pattern and rx is None else None
        if (rx is not None and not rx.fullmatch(value)) or (by_category is not None and not by_category(value)):
            bad(f"Member must satisfy regular expression pattern: {pattern}")
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            bad("Member must be an integer")
            return
        if "min" in meta and value < meta["min"]:
            bad(f"Member must have value greater than or equal to {meta['min']}")
        if "max" in meta and value > meta["max"]:
            bad(f"Member must have value less than or equal to {meta['max']}")
    elif kind == "boolean":
        if not isinstance(value, bool):
            bad("Member must be a boolean")
    elif kind == "structure":
        if not isinstance(value, dict):
            bad("Member must be a structure")
            return
        _structure_errors(shape, value, where, out)
    elif kind == "list":
        if not isinstance(value, list):
            bad("Member must be a list")
            return
        if "min" in meta and len(value) < meta["min"]:
            bad(f"Member must have length greater than or equal to {meta['min']}")
        if "max" in meta and len(value) > meta["max"]:
            bad(f"Member must have length less than or equal to {meta['max']}")
        for i, item in enumerate(value):
            _constraint_errors(shape.member, item, f"{where}.{i + 1}.member", out)
    elif kind == "map":
        if not isinstance(value, dict):
            bad("Member must be a map")
            return
        if "min" in meta and len(value) < meta["min"]:
            bad(f"Member must have length greater than or equal to {meta['min']}")
        if "max" in meta and len(value) > meta["max"]:
            bad(f"Member must have length less than or equal to {meta['max']}")
        for k, v in value.items():
            key_errors: list[str] = []
            _constraint_errors(shape.key, k, where, key_errors)
            for e in key_errors:
                out.append(
                    f"Value '{shown}' at '{where}' failed to satisfy constraint: Map keys must satisfy constraint: "
                    f"[{e.split('failed to satisfy constraint: ', 1)[1]}]"
                )
            _constraint_errors(shape.value, v, f"{where}.{k}.member", out)


def _structure_errors(shape: Any, value: dict[str, Any], prefix: str, out: list[str]) -> None:
    for name in shape.required_members:
        if value.get(name) is None:
            where = f"{prefix}.{_lower_first(name)}" if prefix else _lower_first(name)
            out.append(f"Value null at '{where}' failed to satisfy constraint: Member must not be null")
    for name, member in shape.members.items():
        if value.get(name) is not None:
            where = f"{prefix}.{_lower_first(name)}" if prefix else _lower_first(name)
            _constraint_errors(member, value[name], where, out)


def _validation_message(service: str, operation: str, params: dict[str, Any]) -> str | None:
    shape = _service_model(service).operation_model(operation).input_shape
    errors: list[str] = []
    _structure_errors(shape, params, "", errors)
    if not errors:
        return None
    n = len(errors)
    return f"{n} validation error{'s' if n > 1 else ''} detected: {'; '.join(errors)}"


# ─── Cognito Identity ──────────────────────────────────────────────────────────────────


def _ci_error(error_type: str, message: str, status: int = 400) -> JsonRESTError:
    err = JsonRESTError(error_type, message)
    err.code = status
    return err


def _ci_validate(operation: str, params: dict[str, Any]) -> None:
    msg = _validation_message("cognito-identity", operation, params)
    if msg:
        raise _ci_error("ValidationException", msg)


def _pool_not_found(identity_pool_id: str) -> JsonRESTError:
    return _ci_error("ResourceNotFoundException", f"IdentityPool '{identity_pool_id}' not found.")


def _check_pool_id(identity_pool_id: Any) -> None:
    _ci_validate("DescribeIdentityPool", {"IdentityPoolId": identity_pool_id})


def _pool(backend: CognitoIdentityBackend, identity_pool_id: Any) -> CognitoIdentityPool:
    _check_pool_id(identity_pool_id)
    pool = backend.identity_pools.get(identity_pool_id)
    if pool is None:
        raise _pool_not_found(identity_pool_id)
    return pool


def _body(response: CognitoIdentityResponse) -> dict[str, Any]:
    try:
        data = json.loads(response.body or "{}")
    except ValueError:
        raise _ci_error("SerializationException", "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise _ci_error("SerializationException", "The request body is not a JSON object.")
    return data


# Every pool gets a creation sequence number (pagination order and NextToken) and the
# role configuration SetIdentityPoolRoles stores.
_pool_seq = itertools.count(1)
_orig_pool_init = CognitoIdentityPool.__init__


def _pool_init(self: CognitoIdentityPool, *args: Any, **kwargs: Any) -> None:
    _orig_pool_init(self, *args, **kwargs)
    self.moto_plus_seq = next(_pool_seq)
    self.roles = {}
    self.role_mappings = {}
    self.principal_tag_maps = {}  # IdentityProviderName -> {"UseDefaults": bool, "PrincipalTags": {tag: claim}}


_TOKEN_PREFIX = "moto_plus.ListIdentityPools."


def _encode_token(seq: int) -> str:
    return base64.urlsafe_b64encode(f"{_TOKEN_PREFIX}{seq}".encode()).decode().rstrip("=")


def _decode_token(token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        if text.startswith(_TOKEN_PREFIX):
            return int(text[len(_TOKEN_PREFIX) :])
    except (ValueError, UnicodeDecodeError):
        pass
    raise _ci_error("InvalidParameterException", f"Invalid NextToken: {token}")


def backend_list_identity_pools(
    self: CognitoIdentityBackend, max_results: int | None = None, next_token: str | None = None
) -> str:
    pools = sorted(self.identity_pools.values(), key=lambda p: getattr(p, "moto_plus_seq", 0))
    if next_token is not None:
        start = _decode_token(next_token)
        pools = [p for p in pools if getattr(p, "moto_plus_seq", 0) >= start]
    page, rest = (pools, []) if max_results is None else (pools[:max_results], pools[max_results:])
    result: dict[str, Any] = {
        "IdentityPools": [
            {"IdentityPoolId": p.identity_pool_id, "IdentityPoolName": p.identity_pool_name} for p in page
        ]
    }
    if rest:
        result["NextToken"] = _encode_token(getattr(rest[0], "moto_plus_seq", 0))
    return json.dumps(result)


def _configured_provider_names(pool: CognitoIdentityPool) -> set[str]:
    """Provider names a RoleMappings key may use: the names the pool accepts in Logins."""
    names: set[str] = set((pool.supported_login_providers or {}).keys())
    for arn in pool.open_id_connect_provider_arns or []:
        names.add(arn)
        if ":oidc-provider/" in arn:
            names.add(arn.split(":oidc-provider/", 1)[1])
    for p in pool.cognito_identity_providers or []:
        if isinstance(p, dict) and p.get("ProviderName"):
            names.add(f"{p['ProviderName']}:{p.get('ClientId', '')}")
    names.update(pool.saml_provider_arns or [])
    return names


_ROLE_ARN = re.compile(r"arn:aws[\w-]*:iam::\d{12}:role/[\w+=,.@/-]+")


def backend_set_identity_pool_roles(
    self: CognitoIdentityBackend,
    identity_pool_id: str,
    roles: dict[str, str],
    role_mappings: dict[str, Any] | None,
) -> None:
    pool = _pool(self, identity_pool_id)
    for arn in roles.values():
        # What AWS answers for a role name or any other non-role ARN (iam:PassRole fails).
        if not _ROLE_ARN.fullmatch(arn):
            raise _ci_error("NotAuthorizedException", f"Access to Role '{arn}' is forbidden.", 403)
    providers = _configured_provider_names(pool)
    for name, mapping in (role_mappings or {}).items():
        if name not in providers:
            raise _ci_error(
                "InvalidParameterException",
                f"({name}) is not a valid RoleMapping ProviderName or is not a configured provider.",
            )
        kind = mapping.get("Type")
        if kind in ("Token", "Rules") and not mapping.get("AmbiguousRoleResolution"):
            raise _ci_error(
                "InvalidParameterException",
                f"AmbiguousRoleResolution must be specified for RoleMapping type {kind} ({name}).",
            )
        if kind == "Rules":
            rules = (mapping.get("RulesConfiguration") or {}).get("Rules") or []
            if not rules:
                raise _ci_error(
                    "InvalidParameterException",
                    f"RulesConfiguration must be specified for RoleMapping type Rules ({name}).",
                )
            if len(rules) > 25:
                raise _ci_error(
                    "InvalidParameterException",
                    f"Too many rules for {name}: {len(rules)}; at most 25 rules per identity provider.",
                )
            for rule in rules:
                if not _ROLE_ARN.fullmatch(rule.get("RoleARN", "")):
                    raise _ci_error(
                        "NotAuthorizedException", f"Access to Role '{rule.get('RoleARN')}' is forbidden.", 403
                    )
    pool.roles = dict(roles)
    pool.role_mappings = json.loads(json.dumps(role_mappings or {}))


def backend_get_identity_pool_roles(self: CognitoIdentityBackend, identity_pool_id: str) -> str:
    pool = _pool(self, identity_pool_id)
    result: dict[str, Any] = {"IdentityPoolId": pool.identity_pool_id, "Roles": dict(getattr(pool, "roles", {}))}
    mappings = getattr(pool, "role_mappings", {})
    if mappings:
        result["RoleMappings"] = mappings
    return json.dumps(result)


# ─── attributes for access control: Set/GetPrincipalTagAttributeMap ────────────────────

# "Default provider mappings" (Cognito developer guide, provider-mappings): for standard OIDC
# providers the default tags come from aud (client id) and sub (user id); the tag KEYS are
# "client" and "username" (the API reference: "default (username and clientID) attribute
# mappings"; the keys themselves are what the console shows, not in the API reference).
DEFAULT_PRINCIPAL_TAGS = {"client": "aud", "username": "sub"}


def _provider_of_pool(pool: CognitoIdentityPool, name: str) -> None:
    if name not in _configured_provider_names(pool):
        # Wording is moto_plus's own (AWS's is not documented); the error name is AWS's.
        raise _ci_error(
            "InvalidParameterException", f"({name}) is not a configured identity provider of this identity pool."
        )


def backend_set_principal_tag_attribute_map(
    self: CognitoIdentityBackend,
    identity_pool_id: str,
    provider_name: str,
    use_defaults: bool | None,
    principal_tags: dict[str, str] | None,
) -> str:
    pool = _pool(self, identity_pool_id)
    _provider_of_pool(pool, provider_name)
    if use_defaults:
        tags = dict(DEFAULT_PRINCIPAL_TAGS)  # the defaults replace any PrincipalTags given
    else:
        tags = dict(principal_tags or {})
    if tags:
        pool.principal_tag_maps[provider_name] = {"UseDefaults": bool(use_defaults), "PrincipalTags": tags}
    else:
        # No defaults and no tags: no attribute mapping for this provider any more.
        pool.principal_tag_maps.pop(provider_name, None)
    return json.dumps(
        {
            "IdentityPoolId": identity_pool_id,
            "IdentityProviderName": provider_name,
            "UseDefaults": bool(use_defaults),
            "PrincipalTags": tags,
        }
    )


def backend_get_principal_tag_attribute_map(
    self: CognitoIdentityBackend, identity_pool_id: str, provider_name: str
) -> str:
    pool = _pool(self, identity_pool_id)
    _provider_of_pool(pool, provider_name)
    entry = pool.principal_tag_maps.get(provider_name)
    if entry is None:
        # Not documented; the Terraform provider treats ResourceNotFoundException from Get as
        # "no principal tag map" (aws_cognito_identity_pool_provider_principal_tag).
        raise _ci_error(
            "ResourceNotFoundException",
            f"No principal tag attribute map for provider {provider_name} in identity pool {identity_pool_id}.",
        )
    return json.dumps(
        {
            "IdentityPoolId": identity_pool_id,
            "IdentityProviderName": provider_name,
            "UseDefaults": entry["UseDefaults"],
            "PrincipalTags": dict(entry["PrincipalTags"]),
        }
    )


def response_set_principal_tag_attribute_map(self: CognitoIdentityResponse) -> str:
    params = _body(self)
    _ci_validate("SetPrincipalTagAttributeMap", params)
    return self.backend.set_principal_tag_attribute_map(
        params["IdentityPoolId"], params["IdentityProviderName"], params.get("UseDefaults"), params.get("PrincipalTags")
    )


def response_get_principal_tag_attribute_map(self: CognitoIdentityResponse) -> str:
    params = _body(self)
    _ci_validate("GetPrincipalTagAttributeMap", params)
    return self.backend.get_principal_tag_attribute_map(params["IdentityPoolId"], params["IdentityProviderName"])


# ─── GetCredentialsForIdentity: the role Cognito chooses, as real STS credentials ──────
#
# An independent reading of the documented rules (it shares nothing with the extension's
# TypeScript prediction, so a test comparing the two compares two readings):
#  - Cognito developer guide, "Role-based access control"
#    (https://docs.aws.amazon.com/cognito/latest/developerguide/role-based-access-control.html):
#    rules are evaluated in order and the role of the first matching rule is used; "If the
#    match type is NotEqual and the claim doesn't exist, the rule is not evaluated"; if no
#    rule matches, the role resolution applies (default authenticated role, or DENY).
#    Token type: CustomRoleArn if given and in cognito:roles (else deny); else
#    cognito:preferred_role; else the role resolution.
#  - API reference, RoleMapping.AmbiguousRoleResolution
#    (https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_RoleMapping.html):
#    ambiguous = "no rules match the claim value for the Rules type, or there is no
#    cognito:preferred_role claim and there are multiple cognito:roles matches for the Token
#    type". So ONE role in cognito:roles without a preferred role is that role (the
#    developer guide reads as if any cognito:roles without preferred_role were ambiguous;
#    Cognito user pools always set preferred_role when there is one role, so the two only
#    differ for other OIDC providers). No role claim at all -> the role resolution.
#  - cognito:roles: the guide says "a comma-separated string"; tokens carry a JSON array.
#    Both are accepted here.
#  - Claim values that are not strings: undocumented. Numbers and booleans are compared as
#    their JSON text (true, 42); for an array the rule matches if it matches for some
#    element (NotEqual: if no element equals the value); objects never match.
#  - Deny: NotAuthorizedException "The ambiguous role mapping rules denied this request."
#    (the message as users report it: github.com/aws-amplify/amplify-js/issues/8644; the
#    exception name: github.com/aws/aws-sdk-net/issues/1166 and /1693, HTTP 400 as
#    Cognito Identity sends NotAuthorizedException, see
#    github.com/mybigday/react-native-s3/issues/30).
#  - No mapping for the provider of the login: the pool's authenticated role; no Logins:
#    the unauthenticated role.
# The credentials are moto STS AssumeRole credentials of the chosen role, session name
# CognitoIdentityCredentials (what AWS shows: arn:aws:sts::ACCOUNT:assumed-role/ROLE/
# CognitoIdentityCredentials), valid one hour, so STS GetCallerIdentity with them answers
# the assumed-role ARN. Session tags (attributes for access control) are computed from the
# token claims and kept on moto's AssumedRole object as `session_tags`: moto's STS has no
# session tags, and AWS exposes them to no API (only to IAM policy evaluation), so a test
# reads them from moto's own model dump, GET /moto-api/data.json -> sts.AssumedRole[].
# When no role applies (no role set, an identity GetId never issued) moto's old fixed
# credentials are returned, as before (AWS: InvalidIdentityPoolConfigurationException).

DENIED_MESSAGE = "The ambiguous role mapping rules denied this request."
INVALID_CONFIGURATION_MESSAGE = "Invalid identity pool configuration. Check assigned IAM roles for this pool."
SESSION_NAME = "CognitoIdentityCredentials"
CREDENTIALS_SECONDS = 3600

# (account, IdentityId) -> IdentityPoolId, filled by GetId.
_identity_pool: dict[tuple[str, str], str] = {}


def _token_claims(token: str) -> dict[str, Any]:
    """The payload of a JWT, unverified (the stand-in checks no signature)."""
    parts = token.split(".") if isinstance(token, str) else []
    try:
        if len(parts) != 3:
            raise ValueError
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        if not isinstance(claims, dict):
            raise ValueError
        return claims
    except (ValueError, UnicodeDecodeError):
        raise _ci_error(
            "NotAuthorizedException", "Invalid login token. Not a valid OpenId Connect identity token."
        ) from None


def _claim_texts(value: Any) -> list[str] | None:
    """The string forms a rule compares; None for a value no rule can match (an object)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, bool) or isinstance(value, (int, float)):
        return [json.dumps(value)]
    if isinstance(value, list):
        out: list[str] = []
        for item in value:
            texts = _claim_texts(item) if not isinstance(item, list) else None
            out.extend(texts or [])
        return out
    return None


def _rule_matches(rule: dict[str, Any], claims: dict[str, Any]) -> bool:
    name, kind, wanted = rule.get("Claim"), rule.get("MatchType"), rule.get("Value", "")
    if name not in claims:
        return False  # no claim: no match (NotEqual: "the rule is not evaluated")
    texts = _claim_texts(claims[name])
    if texts is None:
        return False
    if kind == "Equals":
        return wanted in texts
    if kind == "NotEqual":
        return wanted not in texts
    if kind == "StartsWith":
        return any(t.startswith(wanted) for t in texts)
    if kind == "Contains":
        return any(wanted in t for t in texts)
    return False


def _token_roles(claims: dict[str, Any]) -> list[str]:
    roles = claims.get("cognito:roles")
    if isinstance(roles, str):
        return [r.strip() for r in roles.split(",") if r.strip()]
    if isinstance(roles, list):
        return [r for r in roles if isinstance(r, str) and r]
    return []


def _mapping_key(pool: CognitoIdentityPool, table: dict[str, Any], login_key: str) -> str | None:
    """The key of `table` (RoleMappings or tag maps) that names the provider of a Logins key:
    the key itself, or the IAM OIDC provider ARN whose host part it is."""
    if login_key in table:
        return login_key
    for arn in pool.open_id_connect_provider_arns or []:
        if arn in table and arn.split(":oidc-provider/", 1)[-1] == login_key:
            return arn
    return None


def _denied() -> JsonRESTError:
    return _ci_error("NotAuthorizedException", DENIED_MESSAGE)


def choose_role(
    pool: CognitoIdentityPool, logins: dict[str, str], custom_role_arn: str | None
) -> tuple[str | None, str | None]:
    """(role ARN or None, the Logins key whose token decided it or None). Raises on Deny."""
    roles = getattr(pool, "roles", {}) or {}
    if not logins:
        return roles.get("unauthenticated"), None
    mappings = getattr(pool, "role_mappings", {}) or {}
    for login_key, token in logins.items():
        key = _mapping_key(pool, mappings, login_key)
        if key is None:
            continue
        mapping = mappings[key]
        claims = _token_claims(token)
        chosen: str | None = None
        if mapping.get("Type") == "Rules":
            matching = [r["RoleARN"] for r in (mapping.get("RulesConfiguration") or {}).get("Rules", []) if _rule_matches(r, claims)]
            if matching:
                # "the IAM role for the first matching rule is used, unless CustomRoleArn is
                # specified to override the order"
                chosen = custom_role_arn if custom_role_arn in matching else matching[0]
        else:  # Token
            in_token = _token_roles(claims)
            preferred = claims.get("cognito:preferred_role")
            if custom_role_arn:
                if custom_role_arn not in in_token:
                    raise _denied()
                chosen = custom_role_arn
            elif isinstance(preferred, str) and preferred:
                chosen = preferred
            elif len(in_token) == 1:
                chosen = in_token[0]
        if chosen is None:
            if mapping.get("AmbiguousRoleResolution") == "Deny":
                raise _denied()
            chosen = roles.get("authenticated")
        return chosen, login_key
    return roles.get("authenticated"), next(iter(logins))


def session_tags(pool: CognitoIdentityPool, login_key: str | None, token: str | None) -> dict[str, str]:
    """Principal tags for the session: tag -> the claim's value (claims that are missing or
    not a string/number/boolean give no tag; values longer than 256 characters are cut,
    the STS limit for a session tag value)."""
    if login_key is None or token is None:
        return {}
    maps = getattr(pool, "principal_tag_maps", {}) or {}
    key = _mapping_key(pool, maps, login_key)
    if key is None:
        return {}
    claims = _token_claims(token)
    tags: dict[str, str] = {}
    for tag, claim in maps[key]["PrincipalTags"].items():
        value = claims.get(claim)
        if isinstance(value, str):
            tags[tag] = value[:256]
        elif isinstance(value, (bool, int, float)):
            tags[tag] = json.dumps(value)
    return tags


def _trust_allows_tag_session(account_id: str, role_arn: str) -> bool | None:
    """Whether the role's trust policy has an Allow statement for sts:TagSession (conditions
    are not evaluated); None when IAM does not know the role."""
    from urllib.parse import unquote

    from moto.iam.models import iam_backends

    try:
        role = iam_backends[account_id]["aws"].get_role_by_arn(role_arn)
    except Exception:
        return None
    try:
        doc = json.loads(unquote(role.assume_role_policy_document or "{}"))
    except ValueError:
        return False
    statements = doc.get("Statement", [])
    for st in statements if isinstance(statements, list) else [statements]:
        if not isinstance(st, dict) or st.get("Effect") != "Allow":
            continue
        actions = st.get("Action", [])
        for a in actions if isinstance(actions, list) else [actions]:
            if isinstance(a, str) and a.lower() in ("sts:tagsession", "sts:*", "*"):
                return True
    return False


_orig_get_credentials_for_identity = CognitoIdentityBackend.get_credentials_for_identity


def backend_get_credentials_for_identity(
    self: CognitoIdentityBackend,
    identity_id: str,
    logins: dict[str, str] | None = None,
    custom_role_arn: str | None = None,
) -> str:
    from moto.sts.models import sts_backends

    pool_id = _identity_pool.get((self.account_id, identity_id))
    pool = None
    if pool_id is not None:
        try:
            backend = cognitoidentity_backends[self.account_id][pool_id.split(":", 1)[0]]
            pool = backend.identity_pools.get(pool_id)
        except KeyError:
            pool = None
    if pool is None:
        return _orig_get_credentials_for_identity(self, identity_id)  # gap: an identity GetId never issued
    logins = dict(logins or {})
    role_arn, login_key = choose_role(pool, logins, custom_role_arn)
    if not role_arn:
        return _orig_get_credentials_for_identity(self, identity_id)  # gap: no role configured
    tags = session_tags(pool, login_key, logins.get(login_key) if login_key else None)
    if tags and _trust_allows_tag_session(self.account_id, role_arn) is False:
        # The attributes-for-access-control guide: the trust policy must allow sts:TagSession;
        # without it STS refuses the session, which Cognito reports as an invalid configuration.
        raise _ci_error("InvalidIdentityPoolConfigurationException", INVALID_CONFIGURATION_MESSAGE)
    assumed = sts_backends[self.account_id]["aws"].assume_role(
        region_name=self.region_name,
        role_session_name=SESSION_NAME,
        role_arn=role_arn,
        policy=None,
        duration=CREDENTIALS_SECONDS,
        external_id=None,
    )
    assumed.session_tags = tags
    assumed.cognito_identity_id = identity_id
    return json.dumps(
        {
            "Credentials": {
                "AccessKeyId": assumed.access_key_id,
                "SecretKey": assumed.secret_access_key,
                "SessionToken": assumed.session_token,
                "Expiration": int(time.time()) + CREDENTIALS_SECONDS,
            },
            "IdentityId": identity_id,
        }
    )


def response_get_credentials_for_identity(self: CognitoIdentityResponse) -> str:
    params = _body(self)
    logins = params.get("Logins")
    if logins is not None and not isinstance(logins, dict):
        raise _ci_error("ValidationException", "1 validation error detected: Value at 'logins' failed to satisfy constraint: Member must be a map")
    return self.backend.get_credentials_for_identity(
        params.get("IdentityId"), logins=logins, custom_role_arn=params.get("CustomRoleArn")
    )


def _with_pool_check(name: str) -> Callable[..., Any]:
    """Wrap a backend method whose first argument is an identity pool id in this region."""
    original = getattr(CognitoIdentityBackend, name)

    def wrapper(self: CognitoIdentityBackend, identity_pool_id: str, *args: Any, **kwargs: Any) -> Any:
        _pool(self, identity_pool_id)
        return original(self, identity_pool_id, *args, **kwargs)

    wrapper.__name__ = name
    wrapper.__doc__ = original.__doc__
    return wrapper


_orig_get_id = CognitoIdentityBackend.get_id


def backend_get_id(self: CognitoIdentityBackend, identity_pool_id: str) -> str:
    # moto looks the pool up in the region named by the pool id (GetId may be unsigned).
    _check_pool_id(identity_pool_id)
    region = identity_pool_id.split(":", 1)[0]
    try:
        backend = cognitoidentity_backends[self.account_id][region]
    except KeyError:
        raise _pool_not_found(identity_pool_id) from None
    if identity_pool_id not in backend.identity_pools or identity_pool_id not in backend.pools_identities:
        raise _pool_not_found(identity_pool_id)
    result = _orig_get_id(self, identity_pool_id)
    _identity_pool[(self.account_id, json.loads(result)["IdentityId"])] = identity_pool_id
    return result


def response_set_identity_pool_roles(self: CognitoIdentityResponse) -> str:
    params = _body(self)
    _ci_validate("SetIdentityPoolRoles", params)
    self.backend.set_identity_pool_roles(
        identity_pool_id=params["IdentityPoolId"],
        roles=params["Roles"],
        role_mappings=params.get("RoleMappings"),
    )
    return ""


def response_get_identity_pool_roles(self: CognitoIdentityResponse) -> str:
    params = _body(self)
    _ci_validate("GetIdentityPoolRoles", params)
    return self.backend.get_identity_pool_roles(params["IdentityPoolId"])


def response_list_identity_pools(self: CognitoIdentityResponse) -> str:
    params = _body(self)
    _ci_validate("ListIdentityPools", params)
    return self.backend.list_identity_pools(max_results=params["MaxResults"], next_token=params.get("NextToken"))


# ─── IAM ───────────────────────────────────────────────────────────────────────────────


def _iam_validate(operation: str, params: dict[str, Any]) -> None:
    msg = _validation_message("iam", operation, params)
    if msg:
        raise ValidationError(msg)


CLIENT_IDS_PER_PROVIDER = 100


def backend_add_client_id_to_open_id_connect_provider(self: IAMBackend, arn: str, client_id: str) -> None:
    provider = self.get_open_id_connect_provider(arn)  # NoSuchEntity
    if client_id in provider.client_id_list:
        return  # idempotent
    if len(provider.client_id_list) >= CLIENT_IDS_PER_PROVIDER:
        raise LimitExceededException(
            f"Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: {CLIENT_IDS_PER_PROVIDER}"
        )
    provider.client_id_list = [*provider.client_id_list, client_id]


def backend_remove_client_id_from_open_id_connect_provider(self: IAMBackend, arn: str, client_id: str) -> None:
    provider = self.get_open_id_connect_provider(arn)  # NoSuchEntity
    provider.client_id_list = [c for c in provider.client_id_list if c != client_id]  # idempotent


def _iam_client_id_params(self: IamResponse, operation: str) -> tuple[str, str]:
    params = {
        "OpenIDConnectProviderArn": self._get_param("OpenIDConnectProviderArn"),
        "ClientID": self._get_param("ClientID"),
    }
    _iam_validate(operation, params)
    return params["OpenIDConnectProviderArn"], params["ClientID"]


def response_add_client_id_to_open_id_connect_provider(self: IamResponse) -> EmptyResult:
    arn, client_id = _iam_client_id_params(self, "AddClientIDToOpenIDConnectProvider")
    self.backend.add_client_id_to_open_id_connect_provider(arn, client_id)
    return EmptyResult()


def response_remove_client_id_from_open_id_connect_provider(self: IamResponse) -> EmptyResult:
    arn, client_id = _iam_client_id_params(self, "RemoveClientIDFromOpenIDConnectProvider")
    self.backend.remove_client_id_from_open_id_connect_provider(arn, client_id)
    return EmptyResult()


# ─── installing the patches ────────────────────────────────────────────────────────────


def _install(cls: type, name: str, func: Callable[..., Any], *, replaces: bool) -> None:
    exists = name in cls.__dict__
    if exists and not replaces:
        _log(f"moto {moto.__version__} now has {cls.__name__}.{name} itself; moto_plus replaces it (check it)")
    elif not exists and replaces:
        raise RuntimeError(f"moto_plus: {cls.__name__}.{name} not found in moto {moto.__version__}")
    func.__name__ = name
    setattr(cls, name, func)


def install() -> None:
    if moto.__version__ != PATCHED_FOR_MOTO:
        _log(f"written against moto {PATCHED_FOR_MOTO}, running on moto {moto.__version__}")

    _install(CognitoIdentityPool, "__init__", _pool_init, replaces=True)
    _install(CognitoIdentityBackend, "list_identity_pools", backend_list_identity_pools, replaces=True)
    _install(CognitoIdentityBackend, "set_identity_pool_roles", backend_set_identity_pool_roles, replaces=False)
    _install(CognitoIdentityBackend, "get_identity_pool_roles", backend_get_identity_pool_roles, replaces=False)
    _install(CognitoIdentityBackend, "get_id", backend_get_id, replaces=True)
    for name in ("describe_identity_pool", "update_identity_pool", "delete_identity_pool", "list_identities"):
        _install(CognitoIdentityBackend, name, _with_pool_check(name), replaces=True)
    _install(CognitoIdentityResponse, "set_identity_pool_roles", response_set_identity_pool_roles, replaces=False)
    _install(CognitoIdentityResponse, "get_identity_pool_roles", response_get_identity_pool_roles, replaces=False)
    _install(CognitoIdentityResponse, "list_identity_pools", response_list_identity_pools, replaces=True)
    _install(
        CognitoIdentityBackend,
        "set_principal_tag_attribute_map",
        backend_set_principal_tag_attribute_map,
        replaces=False,
    )
    _install(
        CognitoIdentityBackend,
        "get_principal_tag_attribute_map",
        backend_get_principal_tag_attribute_map,
        replaces=False,
    )
    _install(
        CognitoIdentityResponse,
        "set_principal_tag_attribute_map",
        response_set_principal_tag_attribute_map,
        replaces=False,
    )
    _install(
        CognitoIdentityResponse,
        "get_principal_tag_attribute_map",
        response_get_principal_tag_attribute_map,
        replaces=False,
    )
    _install(
        CognitoIdentityBackend,
        "get_credentials_for_identity",
        backend_get_credentials_for_identity,
        replaces=True,
    )
    _install(
        CognitoIdentityResponse,
        "get_credentials_for_identity",
        response_get_credentials_for_identity,
        replaces=True,
    )

    _install(
        IAMBackend,
        "add_client_id_to_open_id_connect_provider",
        backend_add_client_id_to_open_id_connect_provider,
        replaces=False,
    )
    _install(
        IAMBackend,
        "remove_client_id_from_open_id_connect_provider",
        backend_remove_client_id_from_open_id_connect_provider,
        replaces=False,
    )
    _install(
        IamResponse,
        "add_client_id_to_open_id_connect_provider",
        response_add_client_id_to_open_id_connect_provider,
        replaces=False,
    )
    _install(
        IamResponse,
        "remove_client_id_from_open_id_connect_provider",
        response_remove_client_id_from_open_id_connect_provider,
        replaces=False,
    )


def main(argv: list[str] | None = None) -> None:
    install()
    # Load the models now rather than on the first request that needs them.
    _service_model("cognito-identity")
    _service_model("iam")
    _log(
        "SetIdentityPoolRoles, GetIdentityPoolRoles, ListIdentityPools paging, "
        "Set/GetPrincipalTagAttributeMap, GetCredentialsForIdentity role choice, "
        "Add/RemoveClientIDTo/FromOpenIDConnectProvider added"
    )
    moto.server.main(argv)


if __name__ == "__main__":
    main()
