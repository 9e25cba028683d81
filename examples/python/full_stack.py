"""The README's consumer stack in Python, from the packages' wheels (jsii): the same stack as
examples/src/full-stack.ts, which `pnpm test:consumer` checks resource by resource
(scripts/consumer/python.sh): a VPC, an EFS model store, the spaCy layer, the one-shot model sync and the NER
function behind an IAM-auth HTTP API, with one caller role allowed to invoke it.

    pip install "serverless-spacy.network~=0.1.0" "serverless-spacy.model-store~=0.1.0" \\
        "serverless-spacy.model-sync~=0.1.0" "serverless-spacy.spacy-function~=0.1.0" \\
        cdktf==0.21.0 constructs==10.4.2 cdktf-cdktf-provider-aws==21.22.1
    cdktf synth   # cdktf.json: "app": "python full_stack.py"
"""

import json

from cdktf import App, TerraformOutput, TerraformStack
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct
from serverless_spacy.model_store import EfsModelStore
from serverless_spacy.model_sync import ModelSource, ModelSpec, ModelSync
from serverless_spacy.network import NatGatewayMode, Network
from serverless_spacy.spacy_function import ApiAuthMode, SpacyApiProps, SpacyFunction, SpacyLayer


class SearchNerStack(TerraformStack):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        AwsProvider(self, "aws", region="eu-west-1")

        # region network
        network = Network(
            self, "network", name="search", cidr="10.40.0.0/16", nat_gateways=NatGatewayMode.SINGLE
        )
        # endregion
        # region model-store
        store = EfsModelStore(
            self,
            "models",
            name="search-models",
            vpc_id=network.vpc_id,
            subnet_ids=network.private_subnet_ids,
            availability_zones=network.availability_zones,
        )
        # endregion
        # region spacy-function
        # Written by `npx serverless-spacy-layer build --arch x86_64 --out layers`; uploaded to a bucket of
        # its own.
        layer = SpacyLayer(self, "spacy", zip_path="layers/spacy-layer-python3.12-x86_64.zip")
        # endregion
        # region model-sync
        sync = ModelSync(
            self,
            "sync",
            name="search-model-sync",
            vpc_id=network.vpc_id,
            subnet_ids=network.private_subnet_ids,
            model_store=store,
            # Pinned by the wheel's published sha256 (docs/model-sync.md lists where it comes from).
            model=ModelSpec(
                name="en_core_web_sm",
                version="3.8.0",
                source=ModelSource.spacy_release(
                    "en_core_web_sm",
                    "3.8.0",
                    "1932429db727d4bff3deed6b34cfc05df17794f4a52eeb26cf8928f7c1a0fb85",
                ),
            ),
            layer_arns=[layer.layer_arn],
            internet_egress=network.internet_egress,
        )
        # endregion
        # region spacy-function
        ner = SpacyFunction(
            self,
            "ner",
            name="search-ner",
            vpc_id=network.vpc_id,
            subnet_ids=network.private_subnet_ids,
            model_store=store,
            layer=layer,
            # The function loads exactly the model the sync puts on the store, once it is there.
            model_sync=sync,
            memory_size=2048,
            api=SpacyApiProps(auth=ApiAuthMode.IAM),
        )
        # endregion

        # region grantee
        caller = IamRole(
            self,
            "indexer",
            name="search-indexer",
            assume_role_policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
                separators=(",", ":"),
            ),
        )
        ner.grant_invoke(role_name=caller.name, role_arn=caller.arn)
        # endregion

        TerraformOutput(self, "api_url", value=ner.api_url)


if __name__ == "__main__":
    app = App()
    SearchNerStack(app, "search-ner")
    app.synth()
