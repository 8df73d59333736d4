"""Checksums of every upstream file `crds pull` fetches, per AI Gateway release (generated; do not edit by hand).

Each file is fetched from ``https://raw.githubusercontent.com/<repo>/<tag>/<path>``, which serves the git blob
at that tag byte for byte, and must match the size and sha256 below before anything is written. The pins were
computed from the upstream repositories at each tag (``git cat-file blob <tag>:<path> | sha256sum`` on
envoyproxy/ai-gateway, envoyproxy/gateway, kubernetes-sigs/gateway-api and
kubernetes-sigs/gateway-api-inference-extension), after checking that every path exists at its tag and holds at
least one CustomResourceDefinition; the tag commits are recorded in TAG_COMMITS. The v1.1.0 files and the
v0.5.0-v1.0.0 sets equal ../shared/crds and ../shared/crds-releases byte for byte (tests/orchestrator/
test_crd_pins.py checks that wherever ../shared is present).

Choice of files per release: the AI Gateway CRDs from manifests/charts/ai-gateway-crds-helm/templates/ (also for
v0.2.x and v0.3.0: v0.2.0 and v0.2.1 have no manifests/charts/ai-gateway-helm/crds/); Envoy Gateway's generated
CRDs from its chart (charts/gateway-helm/crds/generated/, moved to charts/gateway-helm/charts/crds/crds/generated/
in v1.8); the Gateway API CRDs from kubernetes-sigs/gateway-api config/crd/experimental/ where the release pins a
Gateway API version (its go.mod), else the gatewayapi-crds.yaml the Envoy Gateway chart installs; the Inference
Extension CRDs from config/crd/bases/.
"""

from __future__ import annotations

from typing import NamedTuple


class PinnedFile(NamedTuple):
    source: str  # a key of UPSTREAM_REPOS
    tag: str
    path: str  # inside the repository at tag
    sha256: str
    size: int


UPSTREAM_REPOS: dict[str, str] = {
    "ai-gateway": "envoyproxy/ai-gateway",
    "envoy-gateway": "envoyproxy/gateway",
    "gateway-api": "kubernetes-sigs/gateway-api",
    "inference-extension": "kubernetes-sigs/gateway-api-inference-extension",
}

TAG_COMMITS: dict[tuple[str, str], str] = {
    ("ai-gateway", "v0.2.0"): "4b5ebbd930a7de3a43bd8f8213cfcb7a611a174e",
    ("ai-gateway", "v0.2.1"): "36fc248b4845721e0258174ae1aff84b865d0f21",
    ("ai-gateway", "v0.3.0"): "da86fc6a22bf754666e69c9e988f1580ef53f5b8",
    ("ai-gateway", "v0.4.0"): "ad5f75ee5cc7f0adc5bc9702d9ada3ad97a63612",
    ("ai-gateway", "v0.5.0"): "b40501fe91f8b2f400e0dd887dfe7290e2680d61",
    ("ai-gateway", "v0.6.0"): "a82fcf515901f38d6d8431ecbdbd1218735d2be1",
    ("ai-gateway", "v0.7.0"): "f2d59a6a4f26680e53f03531ece28eadd70f5320",
    ("ai-gateway", "v1.0.0"): "3e7b0bf02dad2cf6b88a523af829a7b93eb5b8e1",
    ("ai-gateway", "v1.1.0"): "c217da8a539570ba3f6014a60c2687c29a945f1f",
    ("envoy-gateway", "v1.4.1"): "76e256d243d4aaba83ea7eb2502e541c1900929c",
    ("envoy-gateway", "v1.5.0"): "c2e5b2e118a4d81db698d22d4ff4ebb0211ec8a2",
    ("envoy-gateway", "v1.5.4"): "dddfdf65a89a6029299087c0cee17d40f4e4fbcd",
    ("envoy-gateway", "v1.6.0"): "26ebf49e9d21ddb25521b55181b20f24b4cf102a",
    ("envoy-gateway", "v1.7.0"): "da2aac967d53c6d5264906fef05a397cd097b23e",
    ("envoy-gateway", "v1.8.1"): "097ab899b9d041452d02f15d738514eda10ea21b",
    ("gateway-api", "v1.5.1"): "e7677b70ae75d14a4448fba94870e7deea6cf0ad",
    ("inference-extension", "v1.0.2"): "cd03ff7d8a22712119c2b96df6749d6279d776b5",
}

AIGW = "manifests/charts/ai-gateway-crds-helm/templates/aigateway.envoyproxy.io_"
EG_OLD = "charts/gateway-helm/crds/"
EG_NEW = "charts/gateway-helm/charts/crds/crds/"
GWAPI = "config/crd/experimental/"
GIE = "config/crd/bases/"

# fmt: off
PINS: dict[str, tuple[PinnedFile, ...]] = {
    "v1.1.0": (
        PinnedFile("ai-gateway", "v1.1.0", AIGW + "aigatewayroutes.yaml", "c6ca0a06b214d93f1c7eefe8f9735fa551f23948088e0bf3c317b792ad68f162", 115369),
        PinnedFile("ai-gateway", "v1.1.0", AIGW + "aiservicebackends.yaml", "35f6323a486a6f447be41fe1de4327f6e6e7254a0ca61d33186cb03fe11888f6", 40789),
        PinnedFile("ai-gateway", "v1.1.0", AIGW + "backendsecuritypolicies.yaml", "b2a2cfef49fd3253c70339231eef1745562515488022dcedc0c732df1c96c8f3", 830407),
        PinnedFile("ai-gateway", "v1.1.0", AIGW + "gatewayconfigs.yaml", "3e409ab57d85ee6c42b993ed869c7db28fde4b0e952c35c84a1240df09f21c1e", 89109),
        PinnedFile("ai-gateway", "v1.1.0", AIGW + "mcproutes.yaml", "dd0a32cf5c7028eead8db0099ce2a959c72209dcc8043a14466d8290cf8e1a84", 754431),
        PinnedFile("ai-gateway", "v1.1.0", AIGW + "quotapolicies.yaml", "0e8b899c520e6ff5b224b7e4e6064f959e8256e6949817615cde8cf37269eb85", 28984),
        PinnedFile("envoy-gateway", "v1.8.1", EG_NEW + "generated/gateway.envoyproxy.io_backends.yaml", "456cbad5d7efd20e4e1bcbe00caea177f711b66c28e96dd75f8507c53ab3eea6", 27192),
        PinnedFile("envoy-gateway", "v1.8.1", EG_NEW + "generated/gateway.envoyproxy.io_backendtrafficpolicies.yaml", "dc4eabbf2c9393355e30e35f2976f4ed2c09f9b69e9c4419509c2ba5d0b8bbd1", 206479),
        PinnedFile("envoy-gateway", "v1.8.1", EG_NEW + "generated/gateway.envoyproxy.io_clienttrafficpolicies.yaml", "5322c533fd33282cce6eba9405331477872a06fafebaac20026bb6d08ff4a291", 118761),
        PinnedFile("envoy-gateway", "v1.8.1", EG_NEW + "generated/gateway.envoyproxy.io_envoyextensionpolicies.yaml", "8370ddaf25e0cdcf248aba4672c3aaad071322bc55d0f543a4f0c6dd7a6e5254", 153806),
        PinnedFile("envoy-gateway", "v1.8.1", EG_NEW + "generated/gateway.envoyproxy.io_envoypatchpolicies.yaml", "8e9110c32b414ea5c43a85e272dc2dee8917ed0bfa36a9a2b72fde1f3fba6083", 28094),
        PinnedFile("envoy-gateway", "v1.8.1", EG_NEW + "generated/gateway.envoyproxy.io_envoyproxies.yaml", "9221dc64d6587b95ca9fc59893ffb9c905dc98137eb66f0492a33b1213c37ec1", 1353537),
        PinnedFile("envoy-gateway", "v1.8.1", EG_NEW + "generated/gateway.envoyproxy.io_httproutefilters.yaml", "ebba11783da910e78829941deeb3c6701ba95b4cddb9f595382c71793546efca", 24623),
        PinnedFile("envoy-gateway", "v1.8.1", EG_NEW + "generated/gateway.envoyproxy.io_securitypolicies.yaml", "6c0dc326d048c3b25b720b49d92fb149b7b70cf035211d17501779bb5dd882f3", 484356),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_backendtlspolicies.yaml", "84ce6da8f5041c93212ac3cec5954076abae05e73f82100351a68aefbd49a535", 80678),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_gatewayclasses.yaml", "b0da5c35c796ca21566bbca2964e97b3d9d1b020fa77b4b62001f4aea0bc22c7", 23140),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_gateways.yaml", "ecb21e3a23757108e74399c49365864f5e0d87c694679d63e4c34c7ccf579e2a", 190565),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_grpcroutes.yaml", "0810b89144989fd7dc7a1a19af513f44b72a16ac55bfdd71672f89bba2238465", 134604),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_httproutes.yaml", "9012253cf248583189ff74426140556fafa38b66dc57553fd79f9ae34b2eee9f", 533173),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_listenersets.yaml", "2d56eb06f1bf20e153255c2fcca614022e6b3120d1ac2d080c83a865863157e5", 42713),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_referencegrants.yaml", "aebb91539c82a18b0b79bba4209eb1f0b7b61eccc69da8f450260d9ad47b2a9a", 14881),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_tcproutes.yaml", "b7e8dde43172272e5b006ff849aedad464b2a5688f34305ae55d0faf61378030", 42322),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_tlsroutes.yaml", "6a74bbe019916d1b53ec270634185aec2eeee1a4e100d6029a53f63ae448f77c", 134940),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_udproutes.yaml", "37b81ef54569cd18bcdf90e83fbaf572edecb6b4795bc47b0b18ca2a9d61b5c6", 42303),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.x-k8s.io_xbackendtrafficpolicies.yaml", "55f496a32c84ff3dceafb8379113b4afb667d0fe805a7238353b719f5daeeece", 31651),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.x-k8s.io_xmeshes.yaml", "a8ae165ddf5724f06edd021979dd5256b405309bc2d6faca5f65a8b161d1c109", 10518),
        PinnedFile("inference-extension", "v1.0.2", GIE + "inference.networking.k8s.io_inferencepools.yaml", "71d484defacd991bc393aa35c6b5095e92f05ceb2819e4ecb44694787bb7a765", 16272),
        PinnedFile("inference-extension", "v1.0.2", GIE + "inference.networking.x-k8s.io_inferenceobjectives.yaml", "d6994d22beb0ab6fa0f56b608b6728bbf233cfae9ebb4c751890b4fdaf400ea7", 8943),
        PinnedFile("inference-extension", "v1.0.2", GIE + "inference.networking.x-k8s.io_inferencepools.yaml", "77db16b6a4f3d14eb394dd6d458f7009c00c54a5ce914ef76ba88ea354a99cf5", 13618),
    ),
    "v1.0.0": (
        PinnedFile("ai-gateway", "v1.0.0", AIGW + "aigatewayroutes.yaml", "4f3c75b3d6a579b4a6ed577aea2a1cc8410b5b8e3658f80cb01af161b604241c", 111259),
        PinnedFile("ai-gateway", "v1.0.0", AIGW + "aiservicebackends.yaml", "35f6323a486a6f447be41fe1de4327f6e6e7254a0ca61d33186cb03fe11888f6", 40789),
        PinnedFile("ai-gateway", "v1.0.0", AIGW + "backendsecuritypolicies.yaml", "a5449029eb215867063aaa833f2819999835ac2dccbc205659ecc5aca946f706", 825408),
        PinnedFile("ai-gateway", "v1.0.0", AIGW + "gatewayconfigs.yaml", "975e48df68d7ba33f7438e3c331d147da9fcfe263cc1fa3154aa57882f075f5d", 87151),
        PinnedFile("ai-gateway", "v1.0.0", AIGW + "mcproutes.yaml", "c983c7178bb829e3d781b4370b7bb9725c22135a2a04a4a3e54d171c7147ee4c", 743289),
        PinnedFile("ai-gateway", "v1.0.0", AIGW + "quotapolicies.yaml", "0e8b899c520e6ff5b224b7e4e6064f959e8256e6949817615cde8cf37269eb85", 28984),
        PinnedFile("envoy-gateway", "v1.8.1", EG_NEW + "generated/gateway.envoyproxy.io_backends.yaml", "456cbad5d7efd20e4e1bcbe00caea177f711b66c28e96dd75f8507c53ab3eea6", 27192),
        PinnedFile("envoy-gateway", "v1.8.1", EG_NEW + "generated/gateway.envoyproxy.io_backendtrafficpolicies.yaml", "dc4eabbf2c9393355e30e35f2976f4ed2c09f9b69e9c4419509c2ba5d0b8bbd1", 206479),
        PinnedFile("envoy-gateway", "v1.8.1", EG_NEW + "generated/gateway.envoyproxy.io_clienttrafficpolicies.yaml", "5322c533fd33282cce6eba9405331477872a06fafebaac20026bb6d08ff4a291", 118761),
        PinnedFile("envoy-gateway", "v1.8.1", EG_NEW + "generated/gateway.envoyproxy.io_envoyextensionpolicies.yaml", "8370ddaf25e0cdcf248aba4672c3aaad071322bc55d0f543a4f0c6dd7a6e5254", 153806),
        PinnedFile("envoy-gateway", "v1.8.1", EG_NEW + "generated/gateway.envoyproxy.io_envoypatchpolicies.yaml", "8e9110c32b414ea5c43a85e272dc2dee8917ed0bfa36a9a2b72fde1f3fba6083", 28094),
        PinnedFile("envoy-gateway", "v1.8.1", EG_NEW + "generated/gateway.envoyproxy.io_envoyproxies.yaml", "9221dc64d6587b95ca9fc59893ffb9c905dc98137eb66f0492a33b1213c37ec1", 1353537),
        PinnedFile("envoy-gateway", "v1.8.1", EG_NEW + "generated/gateway.envoyproxy.io_httproutefilters.yaml", "ebba11783da910e78829941deeb3c6701ba95b4cddb9f595382c71793546efca", 24623),
        PinnedFile("envoy-gateway", "v1.8.1", EG_NEW + "generated/gateway.envoyproxy.io_securitypolicies.yaml", "6c0dc326d048c3b25b720b49d92fb149b7b70cf035211d17501779bb5dd882f3", 484356),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_backendtlspolicies.yaml", "84ce6da8f5041c93212ac3cec5954076abae05e73f82100351a68aefbd49a535", 80678),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_gatewayclasses.yaml", "b0da5c35c796ca21566bbca2964e97b3d9d1b020fa77b4b62001f4aea0bc22c7", 23140),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_gateways.yaml", "ecb21e3a23757108e74399c49365864f5e0d87c694679d63e4c34c7ccf579e2a", 190565),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_grpcroutes.yaml", "0810b89144989fd7dc7a1a19af513f44b72a16ac55bfdd71672f89bba2238465", 134604),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_httproutes.yaml", "9012253cf248583189ff74426140556fafa38b66dc57553fd79f9ae34b2eee9f", 533173),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_listenersets.yaml", "2d56eb06f1bf20e153255c2fcca614022e6b3120d1ac2d080c83a865863157e5", 42713),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_referencegrants.yaml", "aebb91539c82a18b0b79bba4209eb1f0b7b61eccc69da8f450260d9ad47b2a9a", 14881),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_tcproutes.yaml", "b7e8dde43172272e5b006ff849aedad464b2a5688f34305ae55d0faf61378030", 42322),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_tlsroutes.yaml", "6a74bbe019916d1b53ec270634185aec2eeee1a4e100d6029a53f63ae448f77c", 134940),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_udproutes.yaml", "37b81ef54569cd18bcdf90e83fbaf572edecb6b4795bc47b0b18ca2a9d61b5c6", 42303),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.x-k8s.io_xbackendtrafficpolicies.yaml", "55f496a32c84ff3dceafb8379113b4afb667d0fe805a7238353b719f5daeeece", 31651),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.x-k8s.io_xmeshes.yaml", "a8ae165ddf5724f06edd021979dd5256b405309bc2d6faca5f65a8b161d1c109", 10518),
    ),
    "v0.7.0": (
        PinnedFile("ai-gateway", "v0.7.0", AIGW + "aigatewayroutes.yaml", "4f3c75b3d6a579b4a6ed577aea2a1cc8410b5b8e3658f80cb01af161b604241c", 111259),
        PinnedFile("ai-gateway", "v0.7.0", AIGW + "aiservicebackends.yaml", "35f6323a486a6f447be41fe1de4327f6e6e7254a0ca61d33186cb03fe11888f6", 40789),
        PinnedFile("ai-gateway", "v0.7.0", AIGW + "backendsecuritypolicies.yaml", "a5449029eb215867063aaa833f2819999835ac2dccbc205659ecc5aca946f706", 825408),
        PinnedFile("ai-gateway", "v0.7.0", AIGW + "gatewayconfigs.yaml", "975e48df68d7ba33f7438e3c331d147da9fcfe263cc1fa3154aa57882f075f5d", 87151),
        PinnedFile("ai-gateway", "v0.7.0", AIGW + "mcproutes.yaml", "5abe59ff4f1a3600291ed1b27b63066164e67763817483e2a43719403b28a2b0", 743023),
        PinnedFile("ai-gateway", "v0.7.0", AIGW + "quotapolicies.yaml", "25b175eed6bd5e22d5442c18f968ce104f0e4cc7c787848fc5405e33c82af57c", 28778),
        PinnedFile("envoy-gateway", "v1.8.1", EG_NEW + "generated/gateway.envoyproxy.io_backends.yaml", "456cbad5d7efd20e4e1bcbe00caea177f711b66c28e96dd75f8507c53ab3eea6", 27192),
        PinnedFile("envoy-gateway", "v1.8.1", EG_NEW + "generated/gateway.envoyproxy.io_backendtrafficpolicies.yaml", "dc4eabbf2c9393355e30e35f2976f4ed2c09f9b69e9c4419509c2ba5d0b8bbd1", 206479),
        PinnedFile("envoy-gateway", "v1.8.1", EG_NEW + "generated/gateway.envoyproxy.io_clienttrafficpolicies.yaml", "5322c533fd33282cce6eba9405331477872a06fafebaac20026bb6d08ff4a291", 118761),
        PinnedFile("envoy-gateway", "v1.8.1", EG_NEW + "generated/gateway.envoyproxy.io_envoyextensionpolicies.yaml", "8370ddaf25e0cdcf248aba4672c3aaad071322bc55d0f543a4f0c6dd7a6e5254", 153806),
        PinnedFile("envoy-gateway", "v1.8.1", EG_NEW + "generated/gateway.envoyproxy.io_envoypatchpolicies.yaml", "8e9110c32b414ea5c43a85e272dc2dee8917ed0bfa36a9a2b72fde1f3fba6083", 28094),
        PinnedFile("envoy-gateway", "v1.8.1", EG_NEW + "generated/gateway.envoyproxy.io_envoyproxies.yaml", "9221dc64d6587b95ca9fc59893ffb9c905dc98137eb66f0492a33b1213c37ec1", 1353537),
        PinnedFile("envoy-gateway", "v1.8.1", EG_NEW + "generated/gateway.envoyproxy.io_httproutefilters.yaml", "ebba11783da910e78829941deeb3c6701ba95b4cddb9f595382c71793546efca", 24623),
        PinnedFile("envoy-gateway", "v1.8.1", EG_NEW + "generated/gateway.envoyproxy.io_securitypolicies.yaml", "6c0dc326d048c3b25b720b49d92fb149b7b70cf035211d17501779bb5dd882f3", 484356),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_backendtlspolicies.yaml", "84ce6da8f5041c93212ac3cec5954076abae05e73f82100351a68aefbd49a535", 80678),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_gatewayclasses.yaml", "b0da5c35c796ca21566bbca2964e97b3d9d1b020fa77b4b62001f4aea0bc22c7", 23140),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_gateways.yaml", "ecb21e3a23757108e74399c49365864f5e0d87c694679d63e4c34c7ccf579e2a", 190565),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_grpcroutes.yaml", "0810b89144989fd7dc7a1a19af513f44b72a16ac55bfdd71672f89bba2238465", 134604),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_httproutes.yaml", "9012253cf248583189ff74426140556fafa38b66dc57553fd79f9ae34b2eee9f", 533173),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_listenersets.yaml", "2d56eb06f1bf20e153255c2fcca614022e6b3120d1ac2d080c83a865863157e5", 42713),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_referencegrants.yaml", "aebb91539c82a18b0b79bba4209eb1f0b7b61eccc69da8f450260d9ad47b2a9a", 14881),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_tcproutes.yaml", "b7e8dde43172272e5b006ff849aedad464b2a5688f34305ae55d0faf61378030", 42322),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_tlsroutes.yaml", "6a74bbe019916d1b53ec270634185aec2eeee1a4e100d6029a53f63ae448f77c", 134940),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.k8s.io_udproutes.yaml", "37b81ef54569cd18bcdf90e83fbaf572edecb6b4795bc47b0b18ca2a9d61b5c6", 42303),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.x-k8s.io_xbackendtrafficpolicies.yaml", "55f496a32c84ff3dceafb8379113b4afb667d0fe805a7238353b719f5daeeece", 31651),
        PinnedFile("gateway-api", "v1.5.1", GWAPI + "gateway.networking.x-k8s.io_xmeshes.yaml", "a8ae165ddf5724f06edd021979dd5256b405309bc2d6faca5f65a8b161d1c109", 10518),
    ),
    "v0.6.0": (
        PinnedFile("ai-gateway", "v0.6.0", AIGW + "aigatewayroutes.yaml", "2fb8f31012dc90b68a3a8a6bbf0a80a59db5718f8a7e5a099bcf6367a75b11df", 104989),
        PinnedFile("ai-gateway", "v0.6.0", AIGW + "aiservicebackends.yaml", "849a5f9bddcfed4cf462247c22e2e7c90798c67925478d829960a9c9f9c0f94d", 39071),
        PinnedFile("ai-gateway", "v0.6.0", AIGW + "backendsecuritypolicies.yaml", "9d3bc2723eff15079a0c4d4f3e4c6ae403f92d5cac0f279b072649f224cbfffc", 690012),
        PinnedFile("ai-gateway", "v0.6.0", AIGW + "gatewayconfigs.yaml", "eeb191302e7a695703b83b5fcc216758dc561e49eea78a90ee4ca25bbf4bb092", 87331),
        PinnedFile("ai-gateway", "v0.6.0", AIGW + "mcproutes.yaml", "4d0f68625a7a59a469fa79113e916021e26b523e5ded637aa6fcefb12e8eca06", 615103),
        PinnedFile("ai-gateway", "v0.6.0", AIGW + "quotapolicies.yaml", "acb91a437d5ca0688f777733af2df3e45875a950978552086c919a277a73c3d6", 27841),
        PinnedFile("envoy-gateway", "v1.7.0", EG_OLD + "generated/gateway.envoyproxy.io_backends.yaml", "68109936ca43b80f17cfc05691d521013565ac3519835c56b1f00f5495234534", 24230),
        PinnedFile("envoy-gateway", "v1.7.0", EG_OLD + "generated/gateway.envoyproxy.io_backendtrafficpolicies.yaml", "4c3d42ec40f9c17b37823491005c24e2f7d6d1795bd4f70075429c8af81deff4", 169835),
        PinnedFile("envoy-gateway", "v1.7.0", EG_OLD + "generated/gateway.envoyproxy.io_clienttrafficpolicies.yaml", "fd808ca3514b718afc627feadfe99ab29c2c2d021439e9abb9a3572fca69ae0b", 103631),
        PinnedFile("envoy-gateway", "v1.7.0", EG_OLD + "generated/gateway.envoyproxy.io_envoyextensionpolicies.yaml", "7d2da03dd9513ad5fc8c38855e472fe01790e86c5392016cab164999a2a31ea2", 128841),
        PinnedFile("envoy-gateway", "v1.7.0", EG_OLD + "generated/gateway.envoyproxy.io_envoypatchpolicies.yaml", "09f97e1ca5e5087e77342b160e472415aa878ca770d87ce9179aece911dd3a9b", 28094),
        PinnedFile("envoy-gateway", "v1.7.0", EG_OLD + "generated/gateway.envoyproxy.io_envoyproxies.yaml", "377bac82699f2ac26d136b5e378107953a5b0a1fc07d67a2714f0db926dbd342", 1245202),
        PinnedFile("envoy-gateway", "v1.7.0", EG_OLD + "generated/gateway.envoyproxy.io_httproutefilters.yaml", "792adc6e975a93e46e0c07d910ac135a6c4c0a6a3b7f21bde0de428761ad5ce0", 23234),
        PinnedFile("envoy-gateway", "v1.7.0", EG_OLD + "generated/gateway.envoyproxy.io_securitypolicies.yaml", "fcca71eee674afb5d335b9e87cf9e128cb89d2088724ef066539ddb974fcfb49", 396147),
        PinnedFile("envoy-gateway", "v1.7.0", EG_OLD + "gatewayapi-crds.yaml", "d3c20dd4c0431936567a6917ca931f6dced1310242be62b9eca07bd9892e2025", 1210109),
    ),
    "v0.5.0": (
        PinnedFile("ai-gateway", "v0.5.0", AIGW + "aigatewayroutes.yaml", "56acf1c11498ffdc60b6fbef59cfb1b6f014aad99b92d2262229bce77aef4e2e", 57871),
        PinnedFile("ai-gateway", "v0.5.0", AIGW + "aiservicebackends.yaml", "5a31cab6de31dd72c29681c40e885188a73b34b93719b25dc997f4c7ec64a836", 19992),
        PinnedFile("ai-gateway", "v0.5.0", AIGW + "backendsecuritypolicies.yaml", "7e8adc7fe7a0dc61755832b27fa0eb9ecf093cbcab5fd6c59fad09edb2d2159e", 345314),
        PinnedFile("ai-gateway", "v0.5.0", AIGW + "gatewayconfigs.yaml", "99808b59d2c20986800cec368df0151b98609e620b364bad47dec098bf003d1f", 39652),
        PinnedFile("ai-gateway", "v0.5.0", AIGW + "mcproutes.yaml", "80ccad358af0d97e93a6bfcc1f24c3e4ff882284299d3e36ac1a082741eefbe1", 302259),
        PinnedFile("envoy-gateway", "v1.6.0", EG_OLD + "generated/gateway.envoyproxy.io_backends.yaml", "d6bdba224d40ed46b50789f5fc981414f12056c280a6f486ad5571f8e48995a1", 24229),
        PinnedFile("envoy-gateway", "v1.6.0", EG_OLD + "generated/gateway.envoyproxy.io_backendtrafficpolicies.yaml", "8ad458a948e9be262919aedac072e952ad9ca4ce6a692b588036b55e0e4e4d78", 155925),
        PinnedFile("envoy-gateway", "v1.6.0", EG_OLD + "generated/gateway.envoyproxy.io_clienttrafficpolicies.yaml", "251992c2985c968cf896c418f7c2a83f9d9804a9c284e8d04193178484a3ff82", 94241),
        PinnedFile("envoy-gateway", "v1.6.0", EG_OLD + "generated/gateway.envoyproxy.io_envoyextensionpolicies.yaml", "a7ad50c6da0022bc825c6f2873317df035a9d00839422ee0a8e37ade04bef7ec", 126195),
        PinnedFile("envoy-gateway", "v1.6.0", EG_OLD + "generated/gateway.envoyproxy.io_envoypatchpolicies.yaml", "5794ecd3506e97ccf0f4970cfe69d2545cbd3a2009c0d84ed4fd7fde1e59fc23", 27959),
        PinnedFile("envoy-gateway", "v1.6.0", EG_OLD + "generated/gateway.envoyproxy.io_envoyproxies.yaml", "ffe391320011f976625be7f2ac00dc1e2584abcd826d47cc63273b8b0efd3427", 1199027),
        PinnedFile("envoy-gateway", "v1.6.0", EG_OLD + "generated/gateway.envoyproxy.io_httproutefilters.yaml", "24573f1b9e1045a04f8c00284245fe34cce89f274728756a474fbc1bad144433", 20978),
        PinnedFile("envoy-gateway", "v1.6.0", EG_OLD + "generated/gateway.envoyproxy.io_securitypolicies.yaml", "0ea654d099e1d38d09221714f110ed6dfd37e75e1c3f45575ea1e9578ee5a6ae", 378060),
        PinnedFile("envoy-gateway", "v1.6.0", EG_OLD + "gatewayapi-crds.yaml", "0414b160767377e85fd362855501200c6b83b84758bcd532652e3fe1cc677e49", 1198044),
    ),
    "v0.4.0": (
        PinnedFile("ai-gateway", "v0.4.0", AIGW + "aigatewayroutes.yaml", "afa90766413d56082b508dce4b21f1e947cf783d9c56f11a735696fba4126cad", 52308),
        PinnedFile("ai-gateway", "v0.4.0", AIGW + "aiservicebackends.yaml", "187b3b88903a08eecb6c1f52584cafddde59fcf2f5bfc680e950ee2993002be8", 15987),
        PinnedFile("ai-gateway", "v0.4.0", AIGW + "backendsecuritypolicies.yaml", "fe2aaffa9c4016d058ab770d3dc7f266e9faaa83d68cc025af26b6b39b3c36a5", 335615),
        PinnedFile("ai-gateway", "v0.4.0", AIGW + "mcproutes.yaml", "aaf233c96662dad931a6a6c0369d6e014d3de86003f09814fadcf92fa155fd86", 122867),
        PinnedFile("envoy-gateway", "v1.5.4", EG_OLD + "generated/gateway.envoyproxy.io_backends.yaml", "e3a337e7ce650cbaeb7f63736dcc6e82e11c051d7167f7170bf3919f5057974a", 16593),
        PinnedFile("envoy-gateway", "v1.5.4", EG_OLD + "generated/gateway.envoyproxy.io_backendtrafficpolicies.yaml", "06e2156840e3cb074173f1b362dbe47049fb187928f722d3ce8ce77a228af179", 132355),
        PinnedFile("envoy-gateway", "v1.5.4", EG_OLD + "generated/gateway.envoyproxy.io_clienttrafficpolicies.yaml", "6b8817b2e5ca6e3ec9f7f57dd24c17ed61a5df189157150a90fbaabb1fe42fa3", 78541),
        PinnedFile("envoy-gateway", "v1.5.4", EG_OLD + "generated/gateway.envoyproxy.io_envoyextensionpolicies.yaml", "65b1f088ff8767f0d3359387adf4929b7004b19d96c5f1e74061677525a04ec5", 118046),
        PinnedFile("envoy-gateway", "v1.5.4", EG_OLD + "generated/gateway.envoyproxy.io_envoypatchpolicies.yaml", "dab6c0a99276c9cc1666008adc1ac0355ecaf0e5044fff15eeee799297871ea3", 25810),
        PinnedFile("envoy-gateway", "v1.5.4", EG_OLD + "generated/gateway.envoyproxy.io_envoyproxies.yaml", "3c92d3d21592435f4678f7b0ccbf3df4fb9d08cf95de27a87166436f4b5abc2b", 1137488),
        PinnedFile("envoy-gateway", "v1.5.4", EG_OLD + "generated/gateway.envoyproxy.io_httproutefilters.yaml", "f349b163643c665f1070d3212e1b067bfda8ae5291db735079fa45f613f82241", 14654),
        PinnedFile("envoy-gateway", "v1.5.4", EG_OLD + "generated/gateway.envoyproxy.io_securitypolicies.yaml", "7ef2ee9f8655e70ecf73b2c88a45d11d29a7c0f222e807089a03678d2416cf9e", 346648),
        PinnedFile("envoy-gateway", "v1.5.4", EG_OLD + "gatewayapi-crds.yaml", "3e7a27e4456ff3d68606a6a8516306aaff354d6f0950b32bb31930669b7bf8b8", 999354),
    ),
    "v0.3.0": (
        PinnedFile("ai-gateway", "v0.3.0", AIGW + "aigatewayroutes.yaml", "dfd6f3edcff415aee80c5a37c30ca4e1d708b42499c81ca42571e902d839f425", 51897),
        PinnedFile("ai-gateway", "v0.3.0", AIGW + "aiservicebackends.yaml", "c6ed123c9c6b30e0d2f4c0a758e3ccf2bd4eb075ed63fb8f1e228fc568400cff", 13815),
        PinnedFile("ai-gateway", "v0.3.0", AIGW + "backendsecuritypolicies.yaml", "904f37c761161fd0ae05a63f48875f28dc6c05d016ac0f8aa3488aab6cc82fc7", 303713),
        PinnedFile("envoy-gateway", "v1.5.0", EG_OLD + "generated/gateway.envoyproxy.io_backends.yaml", "e3a337e7ce650cbaeb7f63736dcc6e82e11c051d7167f7170bf3919f5057974a", 16593),
        PinnedFile("envoy-gateway", "v1.5.0", EG_OLD + "generated/gateway.envoyproxy.io_backendtrafficpolicies.yaml", "ce04779bf02deb7defe89e9ea7c3827aa7853011600d7d8b939f6e61ff519862", 132457),
        PinnedFile("envoy-gateway", "v1.5.0", EG_OLD + "generated/gateway.envoyproxy.io_clienttrafficpolicies.yaml", "6b8817b2e5ca6e3ec9f7f57dd24c17ed61a5df189157150a90fbaabb1fe42fa3", 78541),
        PinnedFile("envoy-gateway", "v1.5.0", EG_OLD + "generated/gateway.envoyproxy.io_envoyextensionpolicies.yaml", "fdac1ec3666b9a34e3ca31a9481c617cdc8521b6d8634cfb4009567b814abae8", 118168),
        PinnedFile("envoy-gateway", "v1.5.0", EG_OLD + "generated/gateway.envoyproxy.io_envoypatchpolicies.yaml", "dab6c0a99276c9cc1666008adc1ac0355ecaf0e5044fff15eeee799297871ea3", 25810),
        PinnedFile("envoy-gateway", "v1.5.0", EG_OLD + "generated/gateway.envoyproxy.io_envoyproxies.yaml", "bacb89895b9b69cfe8f13c8ffe1c71c4320b8243ed1355feb62bd6022edad52b", 1138026),
        PinnedFile("envoy-gateway", "v1.5.0", EG_OLD + "generated/gateway.envoyproxy.io_httproutefilters.yaml", "f349b163643c665f1070d3212e1b067bfda8ae5291db735079fa45f613f82241", 14654),
        PinnedFile("envoy-gateway", "v1.5.0", EG_OLD + "generated/gateway.envoyproxy.io_securitypolicies.yaml", "249da48dc1970cf645e2c5b60333ef1cdc5af60b59f345846a218c55f7f2e485", 347204),
        PinnedFile("envoy-gateway", "v1.5.0", EG_OLD + "gatewayapi-crds.yaml", "3e7a27e4456ff3d68606a6a8516306aaff354d6f0950b32bb31930669b7bf8b8", 999354),
    ),
    "v0.2.1": (
        PinnedFile("ai-gateway", "v0.2.1", AIGW + "aigatewayroutes.yaml", "38743471ccc9bacea4e988f7c0e8a7ca527a6c85c9d4e41a894e5625942bd6c5", 38422),
        PinnedFile("ai-gateway", "v0.2.1", AIGW + "aiservicebackends.yaml", "e8bec4933400a736c06e380e6c4f3af7112a55a27ecd9e75addca3c49c6c775d", 16132),
        PinnedFile("ai-gateway", "v0.2.1", AIGW + "backendsecuritypolicies.yaml", "6c3bd808389a6e155b20c2fe3735129e2e3581dcff1c2d66c3e83d156992f372", 167196),
        PinnedFile("envoy-gateway", "v1.4.1", EG_OLD + "generated/gateway.envoyproxy.io_backends.yaml", "2aef0d6fc364c55ccdc21879082084aefb61081b3a7d51062b6b40e5a1925a99", 15348),
        PinnedFile("envoy-gateway", "v1.4.1", EG_OLD + "generated/gateway.envoyproxy.io_backendtrafficpolicies.yaml", "642eeaf9c298dc55964b631a3139db262895c88331cde2e841d4e11b9ee0eda5", 118407),
        PinnedFile("envoy-gateway", "v1.4.1", EG_OLD + "generated/gateway.envoyproxy.io_clienttrafficpolicies.yaml", "f326b339ebb30edf2c25ea3e35ff9186a1c55b8214901c07dfeb3303f2e82b2b", 67727),
        PinnedFile("envoy-gateway", "v1.4.1", EG_OLD + "generated/gateway.envoyproxy.io_envoyextensionpolicies.yaml", "74d25aa89de0d978afa7b404731ca9d58ea91712725e8f0e877d3810b76e6cc7", 110469),
        PinnedFile("envoy-gateway", "v1.4.1", EG_OLD + "generated/gateway.envoyproxy.io_envoypatchpolicies.yaml", "dab6c0a99276c9cc1666008adc1ac0355ecaf0e5044fff15eeee799297871ea3", 25810),
        PinnedFile("envoy-gateway", "v1.4.1", EG_OLD + "generated/gateway.envoyproxy.io_envoyproxies.yaml", "f442922e69776a9f0acc9888c25f33c0fc07194816a1661c5040109ed21c905a", 1099973),
        PinnedFile("envoy-gateway", "v1.4.1", EG_OLD + "generated/gateway.envoyproxy.io_httproutefilters.yaml", "f349b163643c665f1070d3212e1b067bfda8ae5291db735079fa45f613f82241", 14654),
        PinnedFile("envoy-gateway", "v1.4.1", EG_OLD + "generated/gateway.envoyproxy.io_securitypolicies.yaml", "2eccaac127168753e9f4911ea56da86826a4f212585f73495c11c593b0a84151", 312283),
        PinnedFile("envoy-gateway", "v1.4.1", EG_OLD + "gatewayapi-crds.yaml", "3e7a27e4456ff3d68606a6a8516306aaff354d6f0950b32bb31930669b7bf8b8", 999354),
    ),
    "v0.2.0": (
        PinnedFile("ai-gateway", "v0.2.0", AIGW + "aigatewayroutes.yaml", "38743471ccc9bacea4e988f7c0e8a7ca527a6c85c9d4e41a894e5625942bd6c5", 38422),
        PinnedFile("ai-gateway", "v0.2.0", AIGW + "aiservicebackends.yaml", "e8bec4933400a736c06e380e6c4f3af7112a55a27ecd9e75addca3c49c6c775d", 16132),
        PinnedFile("ai-gateway", "v0.2.0", AIGW + "backendsecuritypolicies.yaml", "6c3bd808389a6e155b20c2fe3735129e2e3581dcff1c2d66c3e83d156992f372", 167196),
        PinnedFile("envoy-gateway", "v1.4.1", EG_OLD + "generated/gateway.envoyproxy.io_backends.yaml", "2aef0d6fc364c55ccdc21879082084aefb61081b3a7d51062b6b40e5a1925a99", 15348),
        PinnedFile("envoy-gateway", "v1.4.1", EG_OLD + "generated/gateway.envoyproxy.io_backendtrafficpolicies.yaml", "642eeaf9c298dc55964b631a3139db262895c88331cde2e841d4e11b9ee0eda5", 118407),
        PinnedFile("envoy-gateway", "v1.4.1", EG_OLD + "generated/gateway.envoyproxy.io_clienttrafficpolicies.yaml", "f326b339ebb30edf2c25ea3e35ff9186a1c55b8214901c07dfeb3303f2e82b2b", 67727),
        PinnedFile("envoy-gateway", "v1.4.1", EG_OLD + "generated/gateway.envoyproxy.io_envoyextensionpolicies.yaml", "74d25aa89de0d978afa7b404731ca9d58ea91712725e8f0e877d3810b76e6cc7", 110469),
        PinnedFile("envoy-gateway", "v1.4.1", EG_OLD + "generated/gateway.envoyproxy.io_envoypatchpolicies.yaml", "dab6c0a99276c9cc1666008adc1ac0355ecaf0e5044fff15eeee799297871ea3", 25810),
        PinnedFile("envoy-gateway", "v1.4.1", EG_OLD + "generated/gateway.envoyproxy.io_envoyproxies.yaml", "f442922e69776a9f0acc9888c25f33c0fc07194816a1661c5040109ed21c905a", 1099973),
        PinnedFile("envoy-gateway", "v1.4.1", EG_OLD + "generated/gateway.envoyproxy.io_httproutefilters.yaml", "f349b163643c665f1070d3212e1b067bfda8ae5291db735079fa45f613f82241", 14654),
        PinnedFile("envoy-gateway", "v1.4.1", EG_OLD + "generated/gateway.envoyproxy.io_securitypolicies.yaml", "2eccaac127168753e9f4911ea56da86826a4f212585f73495c11c593b0a84151", 312283),
        PinnedFile("envoy-gateway", "v1.4.1", EG_OLD + "gatewayapi-crds.yaml", "3e7a27e4456ff3d68606a6a8516306aaff354d6f0950b32bb31930669b7bf8b8", 999354),
    ),
}
# fmt: on
