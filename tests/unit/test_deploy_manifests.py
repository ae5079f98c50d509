"""The project's Kubernetes manifests are valid Kubernetes: every resource of project/deploy/kubernetes.yaml checks
against the API schemas of a recent release, strictly (an unknown field is an error, not a silent no-op), offline
(kubernetes-validate bundles the schemas; no cluster, no network)."""

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

MANIFEST = Path(__file__).resolve().parents[2] / "project" / "deploy" / "kubernetes.yaml"
#: The Kubernetes release the manifests are checked against (a supported release in 2026).
KUBERNETES = "1.34.0"
RESOURCES = [doc for doc in yaml.safe_load_all(MANIFEST.read_text()) if doc]


@pytest.mark.parametrize("resource", RESOURCES, ids=[f"{r['kind']}/{r['metadata']['name']}" for r in RESOURCES])
def test_each_resource_is_valid_against_the_kubernetes_schemas_strictly(resource):
    kubernetes_validate.validate(resource, KUBERNETES, strict=True)  # raises ValidationError with the path


def test_the_validator_rejects_what_kubernetes_would():
    """The check bites: a misspelt field and a wrong type are refused."""
    deployment = next(r for r in RESOURCES if r["kind"] == "Deployment")
    misspelt = {**deployment, "spec": {**deployment["spec"], "replica": 2}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(misspelt, KUBERNETES, strict=True)
    wrong_type = {**deployment, "spec": {**deployment["spec"], "replicas": "two"}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(wrong_type, KUBERNETES, strict=True)
